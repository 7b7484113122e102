import type { Logger } from '../core/logger.ts';
import { withOrgTx } from '../db/tx.ts';
import { connectorFor, type ProviderId } from '../providers/registry.ts';
import { connectorContext } from '../providers/context.ts';
import { revokeToken } from '../providers/kit/oauth2.ts';
import { openCredentials } from '../vault/credentials.ts';
import { recordEvent } from './events.ts';
import type { RefreshDeps } from './refresh.ts';
import { getConnection } from './repo.ts';
import { recordAudit, type AuditEntry } from '../audit/record.ts';

/**
 * Deletes a connection: revokes the grant at the platform where it has a revoke endpoint
 * (best effort: a platform that is down must not keep a customer connected), then forgets the
 * credentials and records `connection.deleted`. Returns false when there is no such connection.
 */
export async function deleteConnection(
  deps: RefreshDeps & { log: Logger },
  orgId: string,
  connectionId: string,
  audit: Pick<AuditEntry, 'actor' | 'requestId'>,
): Promise<{ revoked: boolean } | undefined> {
  const row = await withOrgTx(deps.db.app, orgId, (c) => getConnection(c, orgId, connectionId));
  if (!row) return undefined;
  let revoked = false;
  if (row.credentials && row.status !== 'needs_reauth') {
    const id = row.provider as ProviderId;
    const connector = connectorFor(id);
    const ctx = connectorContext(deps, id, row.config);
    try {
      const creds = await openCredentials(deps.keyring, orgId, connectionId, row.credentials);
      const subs = row.config.webhookSubscriptions?.split(',').filter(Boolean) ?? [];
      if (subs.length && connector.unsubscribeWebhooks) await connector.unsubscribeWebhooks(ctx, creds, subs);
      if (connector.revoke) {
        await connector.revoke(ctx, creds);
        revoked = true;
      } else if (ctx.def.auth.kind === 'oauth2' && ctx.def.auth.revokeUrl) {
        await revokeToken(ctx, creds);
        revoked = true;
      }
    } catch (err) {
      deps.log.warn(
        { err, connection_id: connectionId, provider: row.provider },
        'revocation at the platform failed; deleting locally',
      );
    }
  }
  await withOrgTx(deps.db.app, orgId, async (c) => {
    await c.query(
      `update connections set status = 'deleted', credentials = null, credentials_key_id = null, next_refresh_at = null,
         updated_at = now() where org_id = $1 and id = $2`,
      [orgId, connectionId],
    );
    await recordEvent(c, orgId, 'connection.deleted', {
      connection_id: connectionId,
      provider: row.provider,
      revoked_at_platform: revoked,
    });
    await recordAudit(c, orgId, {
      ...audit,
      action: 'connection.disconnect',
      target: { type: 'connection', id: connectionId },
      details: { provider: row.provider, revoked_at_platform: revoked },
    });
  });
  return { revoked };
}
