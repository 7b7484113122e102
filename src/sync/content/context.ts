import { withConnection } from '../../connections/access.ts';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { plexusError } from '../../core/errors.ts';
import { withOrgTx } from '../../db/tx.ts';
import { contentAdapterFor, type ProviderId } from '../../providers/registry.ts';
import type { ConflictPolicy } from './store.ts';
import type { ContentAdapter, ContentContext, MediaRef } from '../../providers/contracts/content.ts';

export interface ContentRun {
  s: ContentContext;
  adapter: ContentAdapter;
  provider: ProviderId;
  connectionId: string;
  externalAccountId: string;
  policy: ConflictPolicy;
}

/**
 * Runs `fn` with a connection's live credentials and its content adapter; images come from the
 * org's media table, and their uploads are remembered per connection.
 */
export async function withContentRun<T>(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  fn: (r: ContentRun) => Promise<T>,
): Promise<T> {
  return withConnection(deps, orgId, connectionId, async (a) => {
    const provider = a.row.provider as ProviderId;
    const adapter = contentAdapterFor(provider);
    if (!adapter) throw plexusError('unprocessable', { message: `${provider} connections do not take content.` });
    const q = <R>(sql: string, params: unknown[]) =>
      withOrgTx(deps.db.app, orgId, async (c) => (await c.query(sql, params)).rows as R[]);
    const externalAccountId = a.row.external_account_id ?? connectionId;
    const s: ContentContext = {
      connector: a.connector,
      // Already paced on the site's one budget (connections/access.ts).
      ctx: a.ctx,
      creds: a.creds,
      async media(sha256) {
        const [m] = await q<{ filename: string; content_type: string; alt: string | null; bytes: Buffer }>(
          'select filename, content_type, alt, bytes from content_media where org_id = $1 and sha256 = $2',
          [orgId, sha256],
        );
        if (!m) return null;
        const ref: MediaRef = {
          filename: m.filename,
          contentType: m.content_type,
          sha256,
          ...(m.alt ? { alt: m.alt } : {}),
        };
        return { bytes: m.bytes, ref };
      },
      async mediaRemoteId(sha256) {
        const [m] = await q<{ remote_id: string }>(
          'select remote_id from content_media_targets where org_id = $1 and connection_id = $2 and sha256 = $3',
          [orgId, connectionId, sha256],
        );
        return m?.remote_id ?? null;
      },
      async rememberMedia(sha256, remoteId, url) {
        await q(
          `insert into content_media_targets (org_id, connection_id, sha256, remote_id, url) values ($1, $2, $3, $4, $5)
           on conflict (org_id, connection_id, sha256) do update set remote_id = excluded.remote_id, url = excluded.url`,
          [orgId, connectionId, sha256, remoteId, url],
        );
      },
      async mediaByRemoteId(remoteId) {
        const [m] = await q<{ sha256: string }>(
          'select sha256 from content_media_targets where org_id = $1 and connection_id = $2 and remote_id = $3',
          [orgId, connectionId, remoteId],
        );
        return m?.sha256 ?? null;
      },
    };
    return fn({ s, adapter, provider, connectionId, externalAccountId, policy: a.row.conflict_policy });
  });
}
