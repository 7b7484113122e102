import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import { classifySnapchat } from './errors.ts';

/** Snapchat Marketing API: one-hour access tokens with a refresh token (ads.md §6.1). */
export const snapchatConnector: Connector = {
  classify: classifySnapchat,

  async identify(ctx, creds) {
    const res = await apiGet(snapchatConnector, ctx, creds, '/me');
    const me = (res.body as { me?: { id?: string; display_name?: string; email?: string; organization_id?: string } })
      .me;
    if (!me?.id) throw plexusError('provider.invalid_request', { message: 'Snapchat /me answered without an id.' });
    return {
      externalAccountId: me.organization_id ?? me.id,
      displayName: me.display_name ?? me.email ?? `Snapchat ${me.id}`,
      config: { userId: me.id, ...(me.organization_id ? { organizationId: me.organization_id } : {}) },
    };
  },
};
