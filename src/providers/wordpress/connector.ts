import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import { siteAccount } from '../kit/self-hosted-site.ts';
import { classifyWordPress } from './errors.ts';

/** WordPress core REST with an application password (cms.md §1.1). */
export const wordpressConnector: Connector = {
  classify: classifyWordPress,
  // `context=edit` needs a real login: an ignored or wrong password cannot pass as anonymous.
  async identify(ctx, creds) {
    const res = await apiGet(wordpressConnector, ctx, creds, '/users/me?context=edit');
    const me = res.body as { id?: number; name?: string; slug?: string };
    if (typeof me.id !== 'number')
      throw plexusError('provider.invalid_request', { message: 'WordPress /users/me answered without an id.' });
    return siteAccount(ctx, me.name ?? me.slug ?? 'WordPress user');
  },
};
