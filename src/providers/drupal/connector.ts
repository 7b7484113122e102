import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import { siteAccount } from '../kit/self-hosted-site.ts';
import { classifyDrupal } from './errors.ts';

/**
 * Drupal JSON:API over core basic_auth (cms.md §2.1). Wrong Basic credentials fall back to
 * the anonymous user instead of failing, so a 200 proves nothing: the entry point names the
 * authenticated user in `meta.links.me`, and its absence means the login was not accepted.
 */
export const drupalConnector: Connector = {
  classify: classifyDrupal,
  async identify(ctx, creds) {
    const res = await apiGet(drupalConnector, ctx, creds, '', { accept: 'application/vnd.api+json' });
    const me = (res.body as { meta?: { links?: { me?: { meta?: { id?: string } } } } }).meta?.links?.me?.meta?.id;
    if (!me)
      throw plexusError('provider.auth_expired', {
        message:
          'Drupal treated the request as anonymous: the username or password is wrong, or basic_auth is not enabled.',
        details: { status: 401 },
      });
    return { ...siteAccount(ctx, 'Drupal'), config: { userId: me } };
  },
};
