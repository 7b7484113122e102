import { withConnection } from '../../connections/access.ts';
import { plexusError } from '../../core/errors.ts';
import { withOrgTx } from '../../db/tx.ts';
import { defineTask, uuidFields } from '../define.ts';
import { platformDeps } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    subscribe_webhooks: { org_id: string; connection_id: string };
  }
}

/**
 * Registers Plexus's webhook address with the platform for a new (or reconnected)
 * connection, where the platform has an API for it; the subscription ids are kept so
 * disconnecting can remove them. Needs PLEXUS_PUBLIC_URL when the worker runs apart from the API.
 */
export const subscribeWebhooks = defineTask('subscribe_webhooks', uuidFields('org_id', 'connection_id'), {
  async run(p, ctx) {
    const deps = platformDeps(ctx);
    const base = deps.callbackBaseUrl?.();
    if (!base)
      throw plexusError('provider_not_configured', {
        message: 'Set PLEXUS_PUBLIC_URL so platforms can be given a webhook address.',
      });
    const ids = await withConnection(deps, p.org_id, p.connection_id, async (a) => {
      if (!a.connector.subscribeWebhooks) return [];
      const old = a.row.config.webhookSubscriptions?.split(',').filter(Boolean) ?? [];
      if (old.length && a.connector.unsubscribeWebhooks) await a.connector.unsubscribeWebhooks(a.ctx, a.creds, old);
      return a.connector.subscribeWebhooks(a.ctx, a.creds, `${base.replace(/\/$/, '')}/webhooks/${a.row.provider}`);
    });
    await withOrgTx(ctx.db.app, p.org_id, (c) =>
      c.query(
        "update connections set config = config || jsonb_build_object('webhookSubscriptions', $3::text), updated_at = now() where org_id = $1 and id = $2",
        [p.org_id, p.connection_id, ids.join(',')],
      ),
    );
    ctx.log.info({ connection_id: p.connection_id, subscriptions: ids.length }, 'webhooks subscribed');
  },
});
