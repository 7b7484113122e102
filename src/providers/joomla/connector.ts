import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import { siteAccount } from '../kit/self-hosted-site.ts';

/** Joomla Web Services with an API token (cms.md §3.1); the token is checked on a real read. */
export const joomlaConnector: Connector = {
  async identify(ctx, creds) {
    await apiGet(joomlaConnector, ctx, creds, '/content/articles?page[limit]=1', {
      accept: 'application/vnd.api+json',
    });
    return siteAccount(ctx, 'Joomla');
  },
};
