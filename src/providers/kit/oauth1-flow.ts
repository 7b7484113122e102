import { plexusError } from '../../core/errors.ts';
import type { ConnectorContext } from '../contracts/connector.ts';
import { classifyHttp } from './errors.ts';
import { oauth1Header } from './oauth1.ts';
import type { TokenSet } from './tokens.ts';

function oauth1Of(ctx: ConnectorContext) {
  if (ctx.def.auth.kind !== 'oauth1a') throw new Error(`${ctx.def.id} does not use OAuth 1.0a`);
  if (!ctx.app.clientId || !ctx.app.clientSecret) {
    throw plexusError('provider_not_configured', {
      message: `${ctx.def.displayName} is not configured: set its consumer key and secret.`,
    });
  }
  return { auth: ctx.def.auth, key: ctx.app.clientId, secret: ctx.app.clientSecret };
}

function formOf(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** Step 1 of the three-legged flow: a request token, and where to send the person. */
export async function beginOAuth1(
  ctx: ConnectorContext,
  callback: string,
): Promise<{ authorizeUrl: string; tokenSecret: string }> {
  const { auth, key, secret } = oauth1Of(ctx);
  const url = ctx.url(auth.requestTokenUrl);
  const res = await ctx.http.send({
    method: 'POST',
    url,
    headers: {
      authorization: oauth1Header(
        'POST',
        url,
        { consumerKey: key, consumerSecret: secret },
        { extraOauth: { oauth_callback: callback } },
      ),
    },
  });
  const err = classifyHttp(res);
  if (err) throw err;
  const f = formOf(res.text);
  if (!f.oauth_token || !f.oauth_token_secret || f.oauth_callback_confirmed !== 'true') {
    throw plexusError('provider.invalid_request', { message: 'The platform did not issue a request token.' });
  }
  const authorize = new URL(ctx.url(auth.authorizeUrl));
  authorize.searchParams.set('oauth_token', f.oauth_token);
  return { authorizeUrl: authorize.toString(), tokenSecret: f.oauth_token_secret };
}

/** Step 3: the verifier from the callback becomes a permanent access token and secret. */
export async function finishOAuth1(
  ctx: ConnectorContext,
  token: string,
  verifier: string,
  requestSecret: string,
): Promise<TokenSet> {
  const { auth, key, secret } = oauth1Of(ctx);
  if (!token || !verifier) throw plexusError('unprocessable', { message: 'The platform returned no verifier.' });
  const url = ctx.url(auth.accessTokenUrl);
  const form = new URLSearchParams({ oauth_verifier: verifier });
  const res = await ctx.http.send({
    method: 'POST',
    url,
    form,
    headers: {
      authorization: oauth1Header(
        'POST',
        url,
        { consumerKey: key, consumerSecret: secret, token, tokenSecret: requestSecret },
        { form },
      ),
    },
  });
  const err = classifyHttp(res);
  if (err)
    throw err.code === 'provider.auth_expired' ? plexusError('provider.auth_revoked', { message: err.message }) : err;
  const f = formOf(res.text);
  if (!f.oauth_token || !f.oauth_token_secret)
    throw plexusError('provider.invalid_request', { message: 'The platform did not issue an access token.' });
  const extra: Record<string, unknown> = {};
  if (f.user_id) extra.user_id = f.user_id;
  if (f.screen_name) extra.screen_name = f.screen_name;
  return { accessToken: f.oauth_token, tokenSecret: f.oauth_token_secret, extra };
}
