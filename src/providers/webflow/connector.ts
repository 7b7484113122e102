import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { classifyWebflow } from './errors.ts';

/** Webflow Data API v2 with an OAuth token that lasts until revoked (cms.md §5.1). */
export const webflowConnector: Connector = {
  classify: classifyWebflow,

  async identify(ctx, creds) {
    const res = await apiGet(webflowConnector, ctx, creds, '/sites');
    const sites = (res.body as { sites?: { id: string; displayName?: string; shortName?: string }[] }).sites ?? [];
    const first = sites[0];
    if (!first) throw plexusError('provider.invalid_request', { message: 'The authorization covers no Webflow site.' });
    return {
      externalAccountId: first.id,
      displayName: first.displayName ?? first.shortName ?? `Webflow site ${first.id}`,
      config: { siteId: first.id, siteIds: sites.map((s) => s.id).join(',') },
      accountRefs: sites.map((s) => s.id),
    };
  },

  // cms.md §5.4: POST /v2/sites/{site_id}/webhooks per trigger type; signed because an OAuth app creates them.
  async subscribeWebhooks(ctx, creds, callbackUrl) {
    const wh = ctx.def.webhooks;
    if (!wh.supported || !ctx.config.siteId) return [];
    const ids: string[] = [];
    for (const triggerType of wh.topics) {
      const res = await apiCall(webflowConnector, ctx, creds, {
        method: 'POST',
        url: apiUrl(ctx, `/sites/${ctx.config.siteId}/webhooks`),
        json: { triggerType, url: callbackUrl },
      });
      const id = (res.body as { id?: string }).id;
      if (id) ids.push(id);
    }
    return ids;
  },

  async unsubscribeWebhooks(ctx, creds, ids) {
    for (const id of ids)
      await apiCall(webflowConnector, ctx, creds, { method: 'DELETE', url: apiUrl(ctx, `/webhooks/${id}`) }).catch(
        () => undefined,
      );
  },

  // cms.md §5.1: POST /oauth/revoke_authorization with the client credentials and the token.
  async revoke(ctx, creds) {
    await ctx.http.send({
      method: 'POST',
      url: ctx.url('https://webflow.com/oauth/revoke_authorization'),
      json: { client_id: ctx.app.clientId, client_secret: ctx.app.clientSecret, access_token: creds.accessToken },
    });
  },
};
