import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';
import { enqueue } from '../db/queue.ts';
import type { AccountIdentity } from '../providers/contracts/connector.ts';
import { connectorFor, providers } from '../providers/registry.ts';
import type { TokenSet } from '../providers/kit/tokens.ts';
import { sealCredentials, type DecryptedCredentials } from '../vault/credentials.ts';
import type { Keyring } from '../vault/keyring.ts';
import { recordEvent } from './events.ts';
import { refreshDueAt } from './repo.ts';
import type { ChosenSession } from './sessions.ts';
import { recordAudit } from '../audit/record.ts';

export interface StoreInput {
  session: ChosenSession;
  creds: DecryptedCredentials;
  tokens?: TokenSet;
  identity: AccountIdentity;
  config: Record<string, string>;
  now: Date;
}

/**
 * Stores a connection at the end of a connect flow, in one transaction: the sealed
 * credentials, its first sync job, its refresh job (when the token expires), the
 * `connection.created` event and the completed session. Reconnecting an existing connection
 * (named by the session, or the same platform account in the same org) keeps its id.
 */
export async function storeConnection(
  db: Database,
  keyring: Keyring,
  input: StoreInput,
): Promise<{ connectionId: string; created: boolean }> {
  const { session, identity, tokens, now } = input;
  const orgId = session.org_id;
  return withOrgTx(db.app, orgId, async (c) => {
    let id = session.connection_id;
    if (!id) {
      const { rows } = await c.query<{ id: string }>(
        "select id from connections where org_id = $1 and provider = $2 and external_account_id = $3 and status <> 'deleted'",
        [orgId, session.provider, identity.externalAccountId],
      );
      id = rows[0]?.id ?? null;
    }
    const created = !id;
    const connectionId = id ?? randomUUID();
    const sealed = await sealCredentials(keyring, orgId, connectionId, input.creds);
    const due = refreshDueAt(tokens?.expiresAt, now);
    const config = { ...input.config, ...identity.config };
    const scopes = identity.scopes ?? tokens?.scopes ?? session.scopes;
    const refs = [...new Set([identity.externalAccountId, ...(identity.accountRefs ?? [])])];
    await c.query(
      `insert into connections (org_id, id, provider, status, display_name, external_account_id, end_user_ref, config,
         credentials, credentials_key_id, scopes, expires_at, refresh_expires_at, next_refresh_at, last_refreshed_at, account_refs)
       values ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), $14)
       on conflict (org_id, id) do update set status = 'active', display_name = excluded.display_name,
         external_account_id = excluded.external_account_id, end_user_ref = coalesce(excluded.end_user_ref, connections.end_user_ref),
         config = excluded.config, credentials = excluded.credentials, credentials_key_id = excluded.credentials_key_id,
         scopes = excluded.scopes, expires_at = excluded.expires_at, refresh_expires_at = excluded.refresh_expires_at,
         next_refresh_at = excluded.next_refresh_at, last_refreshed_at = now(), last_refresh_error = null,
         refresh_failures = 0, refresh_lease_until = null, refresh_lease_owner = null, account_refs = excluded.account_refs,
         token_version = connections.token_version + 1, updated_at = now()`,
      [
        orgId,
        connectionId,
        session.provider,
        identity.displayName,
        identity.externalAccountId,
        session.end_user_ref,
        config,
        sealed,
        sealed.kid,
        scopes,
        tokens?.expiresAt ?? null,
        tokens?.refreshExpiresAt ?? null,
        due,
        refs,
      ],
    );
    await enqueue(
      c,
      'sync_connection',
      { org_id: orgId, connection_id: connectionId, reason: created ? 'initial' : 'reconnected' },
      { jobKey: `sync:${connectionId}` },
    );
    const wh = providers[session.provider].webhooks;
    if (wh.supported && wh.subscribeApi && connectorFor(session.provider).subscribeWebhooks) {
      await enqueue(
        c,
        'subscribe_webhooks',
        { org_id: orgId, connection_id: connectionId },
        { jobKey: `subscribe:${connectionId}` },
      );
    }
    if (due)
      await enqueue(
        c,
        'refresh_connection',
        { org_id: orgId, connection_id: connectionId },
        { runAt: due, jobKey: `refresh:${connectionId}` },
      );
    await recordEvent(c, orgId, created ? 'connection.created' : 'connection.updated', {
      connection_id: connectionId,
      provider: session.provider,
      external_account_id: identity.externalAccountId,
      end_user_ref: session.end_user_ref,
      connect_session_id: session.id,
    });
    await c.query(
      "update connect_sessions set status = 'completed', connection_id = $3 where org_id = $1 and id = $2",
      [orgId, session.id, connectionId],
    );
    await recordAudit(c, orgId, {
      actor: { type: 'end_user', id: session.end_user_ref },
      action: created ? 'connection.connect' : 'connection.reauth',
      target: { type: 'connection', id: connectionId },
      details: { provider: session.provider, connect_session_id: session.id },
    });
    return { connectionId, created };
  });
}
