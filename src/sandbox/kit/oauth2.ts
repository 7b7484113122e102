/**
 * The parts of an OAuth 2.0 authorization server that sandboxes share: reading the authorize
 * parameters and the posted consent form, the consent step itself, client credentials and PKCE
 * at the token endpoint, and the refresh grant's bookkeeping. Every platform keeps its own error
 * wording, paths and token bodies; these helpers only hold what the RFCs fix.
 */
import { createHash } from 'node:crypto';
import { isRedirectUri, readDecision, renderConsentPage, withParams } from './consent.ts';
import { header, html, redirect, type Router, type SandboxRequest, type SandboxResponse } from './server.ts';
import type { AuthCode, TokenRecord, TokenStore } from './tokens.ts';

/** A request field as non-empty text; anything else (absent, empty, not a string) is undefined. */
export function field(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The named parameters that are present, in the order named. */
export function pickParams(q: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = q[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The authorize parameters a consent form carried back, without the button that was pressed. */
export function formParams(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== 'decision') out[k] = v;
  return out;
}

/** An absolute http(s) URI that, when the app registered any, is one of them. */
export function registeredRedirect(uri: string | undefined, registered: readonly string[]): uri is string {
  return isRedirectUri(uri) && (registered.length === 0 || registered.includes(uri));
}

/** The standard authorize parameter a request gets wrong first, if any. */
export type AuthorizeProblem = 'client_id' | 'redirect_uri' | 'response_type';

/** Checks an authorization-code request against the app: its client, a registered redirect URI, `code`. */
export function authorizeProblem(
  q: Record<string, string>,
  app: { clientId: string; redirectUris: readonly string[] },
): AuthorizeProblem | undefined {
  if (q['client_id'] !== app.clientId) return 'client_id';
  if (!registeredRedirect(q['redirect_uri'], app.redirectUris)) return 'redirect_uri';
  if (q['response_type'] !== 'code') return 'response_type';
  return undefined;
}

/** Back to the app with the given query parameters added (undefined ones left out). */
export function redirectWith(uri: string, params: Record<string, string | undefined>): SandboxResponse {
  return redirect(withParams(uri, params));
}

/** The small HTML page platforms show when an authorize request cannot go on. */
export function errorPage(status: number, title: string, heading: string, detail: string): SandboxResponse {
  return html(
    status,
    `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${heading}</h1><p>${detail}</p>`,
  );
}

/** The app as the consent step sees it (every sandbox config has these). */
export interface ConsentApp {
  appName: string;
  /** Skip the page and approve at once (tests). */
  autoConsent: boolean;
}

/** How a platform's consent page presents itself. */
export interface ConsentScreen {
  /** Platform shown on the page, e.g. "LinkedIn". */
  platform: string;
  /** Where the Allow / Deny form posts. */
  action: string;
  /** Who the page says is logged in. */
  userName: string;
}

/** Approves at once when the app auto-consents, otherwise shows the consent page carrying `carry`. */
export function askConsent<C extends Record<string, string>>(
  app: ConsentApp,
  screen: ConsentScreen,
  carry: C,
  scopes: readonly string[],
  approve: (carry: C) => SandboxResponse,
): SandboxResponse {
  if (app.autoConsent) return approve(carry);
  return html(200, renderConsentPage({ ...screen, appName: app.appName, scopes, hidden: carry }));
}

/** A platform's answer to Deny: its error parameters for the redirect, or its own response. */
export type Denial<X> = Record<string, string> | ((ctx: X, carry: Record<string, string>) => SandboxResponse);

/**
 * The POST the consent page's Allow / Deny buttons send: the carried authorize parameters are
 * checked again (the form can be forged), then Allow approves and Deny redirects back with the
 * platform's error parameters and the state.
 */
export function decisionRoute<X>(
  r: Router,
  path: string,
  ctx: X,
  check: (ctx: X, carry: Record<string, string>) => SandboxResponse | undefined,
  approve: (ctx: X, carry: Record<string, string>) => SandboxResponse,
  denied: Denial<X>,
): void {
  r.add('POST', path, (req) => {
    const carry = formParams(req.body);
    const bad = check(ctx, carry);
    if (bad) return bad;
    if (readDecision(req.body) === 'allow') return approve(ctx, carry);
    if (typeof denied === 'function') return denied(ctx, carry);
    return redirectWith(carry['redirect_uri'] ?? '', { ...denied, state: carry['state'] });
  });
}

/** The PKCE challenge to keep on the code; RFC 7636: the method is plain when none is named. */
export function pkceExtra(q: Record<string, string>): Record<string, string> {
  const challenge = q['code_challenge'];
  if (!challenge) return {};
  return { code_challenge: challenge, code_challenge_method: q['code_challenge_method'] ?? 'plain' };
}

/** Whether posted-back consent parameters still name the app and an absolute redirect URI. */
export function namesApp(carry: Record<string, string>, clientId: string): boolean {
  return carry['client_id'] === clientId && isRedirectUri(carry['redirect_uri']);
}

/** A code for the carried client and redirect URI, acting for `subject`. */
export function codeForCarry(
  tokens: TokenStore,
  carry: Record<string, string>,
  subject: string,
  scopes: readonly string[],
  more: { ttlSeconds?: number; extra?: Record<string, string> } = {},
): AuthCode {
  return tokens.issueCode({
    clientId: carry['client_id'] ?? '',
    redirectUri: carry['redirect_uri'] ?? '',
    subject,
    scopes,
    ...more,
  });
}

/**
 * Allow on an authorization-code consent: a code for the carried client, redirect URI and
 * (space-separated) scopes that keeps any PKCE challenge, sent back with the state.
 */
export function approveWithCode(
  tokens: TokenStore,
  carry: Record<string, string>,
  subject: string,
  ttlSeconds: number,
): SandboxResponse {
  const scopes = (carry['scope'] ?? '').split(/\s+/).filter(Boolean);
  const code = codeForCarry(tokens, carry, subject, scopes, { ttlSeconds, extra: pkceExtra(carry) });
  return redirectWith(carry['redirect_uri'] ?? '', { code: code.code, state: carry['state'] });
}

/** Whether the verifier answers the challenge kept on the code; a code without one needs none. */
export function pkceVerified(extra: Record<string, string>, verifier: string | undefined): boolean {
  const challenge = extra['code_challenge'];
  if (challenge === undefined) return true;
  if (!verifier) return false;
  return extra['code_challenge_method'] === 'S256'
    ? createHash('sha256').update(verifier).digest('base64url') === challenge
    : verifier === challenge;
}

export interface ClientCredentials {
  id?: string;
  secret?: string;
}

/**
 * The client's credentials at a token endpoint: HTTP Basic when sent, else the client_id and
 * client_secret fields. `decode` undoes the form-encoding RFC 6749 §2.3.1 asks for inside Basic.
 */
export function clientCredentials(
  req: SandboxRequest,
  params: Record<string, unknown> = req.body,
  decode = false,
): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  if (basic?.[1]) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    const plain = (s: string): string => (decode ? decodeURIComponent(s) : s);
    return { id: plain(id ?? ''), secret: plain(rest.join(':')) };
  }
  const id = field(params['client_id']);
  const secret = field(params['client_secret']);
  return { ...(id === undefined ? {} : { id }), ...(secret === undefined ? {} : { secret }) };
}

/** Whether the request's body is form-encoded, as RFC 6749 token requests must be. */
export function isFormBody(req: SandboxRequest): boolean {
  return (header(req, 'content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded');
}

/**
 * The refresh token a refresh grant leaves behind: with rotation a new one in the same grant
 * (undefined when the old one cannot rotate), without it the same one, the refresh counted.
 */
export function renewRefresh(
  tokens: TokenStore,
  current: TokenRecord,
  rotate: boolean,
  ttlSeconds: number | null,
): TokenRecord | undefined {
  if (!rotate) {
    tokens.recordRefresh(current.grantId);
    return current;
  }
  const rotated = tokens.rotateRefresh(current.token, ttlSeconds);
  return rotated.ok ? rotated.record : undefined;
}

/** A new access token for the same client, user, scopes and grant as `from`. */
export function accessFrom(
  tokens: TokenStore,
  from: TokenRecord,
  ttlSeconds: number | null,
  label?: string,
): TokenRecord {
  return tokens.issue({
    kind: 'access',
    clientId: from.clientId,
    subject: from.subject,
    scopes: from.scopes,
    ttlSeconds,
    grantId: from.grantId,
    ...(label === undefined ? {} : { label }),
  });
}
