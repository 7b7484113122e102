import type { Connector } from '../contracts/connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';

/** Joomla Web Services with an API token (cms.md §3.1); the token is checked on a real read. */
export const joomlaConnector: Connector = {
  async identify(ctx, creds) {
    await apiCall(joomlaConnector, ctx, creds, {
      method: 'GET',
      url: apiUrl(ctx, '/content/articles?page[limit]=1'),
      headers: { accept: 'application/vnd.api+json' },
    });
    const site = ctx.config.siteUrl ?? '';
    return { externalAccountId: site.replace(/\/+$/, ''), displayName: `Joomla @ ${site}` };
  },
};
