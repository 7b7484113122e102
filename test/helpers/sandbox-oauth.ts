/**
 * OAuth steps shared by the provider sandbox tests: following the authorize redirect, pressing
 * Allow or Deny on a consent page, and calling a token endpoint with the app's credentials.
 */
import assert from 'node:assert/strict';
import { call, form, type Res } from './sandbox-http.ts';

/** A consent page's form: where it posts, and the authorize parameters it carries back. */
export function consentForm(page: Res): { action: string; hidden: Record<string, string> } {
  const action = /action="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const fields = [...page.text.matchAll(/name="([^"]+)" value="([^"]*)"/g)];
  return { action, hidden: Object.fromEntries(fields.map((m) => [m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&')])) };
}

/** Presses Allow or Deny on a consent page the sandbox at `origin` served; both redirect back to the app. */
export async function decide(origin: string, page: Res, decision: 'allow' | 'deny', send = call): Promise<URL> {
  const { action, hidden } = consentForm(page);
  const res = await send(`${origin}${action}`, form({ ...hidden, decision }));
  assert.equal(res.status, 302, res.text);
  return new URL(res.headers.get('location') ?? '');
}

/** A sandbox's token endpoint and the app credentials it was started with. */
export interface TokenEndpoint {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** POSTs `fields` to the token endpoint as a form, with the app's credentials as client_secret_post fields. */
export function postToken(app: TokenEndpoint, fields: Record<string, string>, send = call): Promise<Res> {
  return send(app.tokenUrl, form({ client_id: app.clientId, client_secret: app.clientSecret, ...fields }));
}

/** Calls `url`, expects a redirect, and returns where it points. */
export async function redirectOf(url: string, send = call): Promise<URL> {
  const res = await send(url);
  assert.equal(res.status, 302, res.text);
  return new URL(res.headers.get('location') ?? '');
}

/** A sandbox's authorize endpoint and the app's client id. */
export interface AuthorizeEndpoint {
  authorizeUrl: string;
  clientId: string;
}

/**
 * The authorize URL a connector sends the user to for a code: `response_type=code`, the app's
 * client id and `redirectUri`, then `params` (state, scope, …; they may override the first three).
 */
export function codeRequestUrl(
  app: AuthorizeEndpoint,
  redirectUri: string,
  params: Record<string, string> = {},
): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: redirectUri,
    ...params,
  });
  return `${app.authorizeUrl}?${q.toString()}`;
}
