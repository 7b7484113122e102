import type { Connector } from '../connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { classifyWix } from './errors.ts';

/** Wix with an API key plus `wix-site-id` (cms.md §6.1); checked by listing one blog post. */
export const wixConnector: Connector = {
  classify: classifyWix,

  async identify(ctx, creds) {
    await apiCall(wixConnector, ctx, creds, { method: 'GET', url: apiUrl(ctx, '/blog/{blogVersion}/posts?paging.limit=1') });
    const siteId = ctx.config.siteId ?? '';
    return { externalAccountId: siteId, displayName: `Wix site ${siteId}`, ...(ctx.config.instanceId ? { accountRefs: [ctx.config.instanceId] } : {}) };
  },
};
