import { plexusError } from '../../core/errors.ts';
import type { Connector, ConnectorContext } from '../contracts/connector.ts';
import { apiGet, apiUrl } from '../kit/api-call.ts';
import { classifyWix } from './errors.ts';

/**
 * The site an app instance is installed on, read back from Wix with the app's own
 * credentials (client-credentials token for that instance, then the App Instance API,
 * `GET /apps/v1/instance` → `{instance, site: {siteId, …}}`, dev.wix.com "Get App Instance").
 * Undefined when this Plexus has no Wix app configured: the instance cannot be proven.
 */
async function siteOfInstance(ctx: ConnectorContext, instanceId: string): Promise<string | undefined> {
  if (!ctx.app.clientId || !ctx.app.clientSecret) return undefined;
  const token = await ctx.http.send({
    method: 'POST',
    url: apiUrl(ctx, '/oauth2/token'),
    json: {
      grant_type: 'client_credentials',
      client_id: ctx.app.clientId,
      client_secret: ctx.app.clientSecret,
      instance_id: instanceId,
    },
  });
  const access = (token.body as { access_token?: string } | undefined)?.access_token;
  if (token.status !== 200 || !access) return '';
  const res = await ctx.http.send({
    method: 'GET',
    url: apiUrl(ctx, '/apps/v1/instance'),
    headers: { authorization: access },
  });
  return res.status === 200 ? ((res.body as { site?: { siteId?: string } } | undefined)?.site?.siteId ?? '') : '';
}

/**
 * Wix with an API key plus `wix-site-id` (cms.md §6.1); checked by listing one blog post,
 * which proves the key reaches that site. Webhooks name the app instance, and an instance
 * id typed by a person proves nothing (anyone could type another org's and receive its
 * events), so it routes events only when Wix says that instance is installed on this very
 * site; otherwise the connection is refused with a clear reason.
 */
export const wixConnector: Connector = {
  classify: classifyWix,

  async identify(ctx, creds) {
    await apiGet(wixConnector, ctx, creds, '/blog/{blogVersion}/posts?paging.limit=1');
    const siteId = ctx.config.siteId ?? '';
    const instanceId = ctx.config.instanceId;
    if (!instanceId) return { externalAccountId: siteId, displayName: `Wix site ${siteId}` };
    const site = await siteOfInstance(ctx, instanceId);
    if (site === undefined) {
      throw plexusError('unprocessable', {
        message:
          'An app instance ID can only be used when this Plexus has a Wix app configured (PLEXUS_WIX_CLIENT_ID and _SECRET) to check it.',
        details: [{ path: 'instanceId', message: 'cannot be verified' }],
      });
    }
    if (site !== siteId) {
      throw plexusError('unprocessable', {
        message: 'Wix does not know this app instance on this site.',
        details: [{ path: 'instanceId', message: 'not installed on this site' }],
      });
    }
    return { externalAccountId: siteId, displayName: `Wix site ${siteId}`, accountRefs: [instanceId] };
  },
};
