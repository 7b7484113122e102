/**
 * X's three-legged OAuth 1.0a on api.x.com: `/oauth/request_token` → `/oauth/authorize` (or
 * `/oauth/authenticate`) → `/oauth/access_token`, plus `/1.1/oauth/invalidate_token`. Every call
 * is HMAC-SHA1 verified; request tokens are single-use and short-lived; access tokens never
 * expire and a user re-authorizing the same app gets the same token back.
 */
import { randomBytes } from 'node:crypto';
import { isRedirectUri, readDecision, withParams } from '../../../sandbox/kit/consent.ts';
import { askConsent } from '../../../sandbox/kit/oauth2.ts';
import {
  header,
  html,
  json,
  redirect,
  type Router,
  type SandboxRequest,
  type SandboxResponse,
} from '../../../sandbox/kit/server.ts';
import type { XContext } from './context.ts';
import { parseAuthHeader, verify, type SignedRequest, type VerifyProblem } from './oauth1.ts';

interface RequestToken {
  token: string;
  secret: string;
  callback: string;
  accessType: string;
  expiresAt: number;
  verifier: string | null;
  used: boolean;
}

const DECISION_PATH = '/oauth/authorize/decision';

function rand(n: number): string {
  return randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
}

/** Legacy v1.1-style error bodies used by the api.x.com OAuth endpoints. */
export function v11Error(status: number, code: number, message: string): SandboxResponse {
  return json(status, { errors: [{ code, message }] });
}

function problemResponse(p: VerifyProblem): SandboxResponse {
  if (p === 'timestamp') return v11Error(401, 135, 'Timestamp out of bounds.');
  return v11Error(401, 32, 'Could not authenticate you.');
}

function formText(values: Record<string, string>): SandboxResponse {
  // api.x.com answers these form-encoded bodies with a text/html content type.
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: new URLSearchParams(values).toString(),
  };
}

export class OAuthFlow {
  readonly requestTokens = new Map<string, RequestToken>();
  readonly #nonces = new Map<string, number>();

  constructor(private readonly ctx: XContext) {}

  clear(): void {
    this.requestTokens.clear();
    this.#nonces.clear();
    this.ctx.secrets.clear();
  }

  /** Verifies a request signed with an access token (or a request token for access_token). */
  check(
    req: SandboxRequest,
    secretOf: (token: string | undefined) => string | undefined,
  ): { ok: true; signed: SignedRequest } | { ok: false; problem: VerifyProblem } {
    const nowSeconds = Math.floor(this.ctx.now() / 1000);
    return verify(req, {
      consumerKey: this.ctx.config.consumerKey,
      consumerSecret: this.ctx.config.consumerSecret,
      tokenSecret: secretOf,
      origins: this.ctx.origins,
      nowSeconds,
      windowSeconds: this.ctx.config.timestampWindowSeconds,
      useNonce: (key, ts) => {
        // Nonces only need remembering while their timestamp is still acceptable.
        for (const [k, exp] of this.#nonces) if (exp < nowSeconds) this.#nonces.delete(k);
        if (this.#nonces.has(key)) return false;
        this.#nonces.set(key, ts + (this.ctx.config.timestampWindowSeconds ?? 900) * 2);
        return true;
      },
    });
  }

  /** Access-token secret lookup that only yields live tokens. */
  accessSecret = (token: string | undefined): string | undefined => {
    if (!token || !this.ctx.tokens.validate(token).ok) return undefined;
    return this.ctx.secrets.get(token);
  };

  /** Issues (or returns the existing) access token for the sandbox user. */
  accessFor(accessType: string): { token: string; secret: string } {
    const live = this.ctx.tokens
      .all()
      .find(
        (t) =>
          t.kind === 'access' &&
          t.clientId === this.ctx.config.consumerKey &&
          t.subject === this.ctx.world.user.id &&
          this.ctx.tokens.validate(t.token).ok,
      );
    if (live) return { token: live.token, secret: this.ctx.secrets.get(live.token) ?? '' };
    const record = this.ctx.tokens.issue({
      kind: 'access',
      clientId: this.ctx.config.consumerKey,
      subject: this.ctx.world.user.id,
      scopes: accessType === 'read' ? ['read'] : ['read', 'write'],
      ttlSeconds: null,
    });
    const secret = rand(45);
    this.ctx.secrets.set(record.token, secret);
    return { token: record.token, secret };
  }

  routes(r: Router): void {
    const ctx = this.ctx;
    r.add('POST', '/oauth/request_token', (req) => {
      const v = this.check(req, () => '');
      if (!v.ok) return problemResponse(v.problem);
      const callback = v.signed.oauth['oauth_callback'] ?? v.signed.params['oauth_callback'];
      if (!callback || (callback !== 'oob' && !isRedirectUri(callback)))
        return v11Error(401, 32, 'Could not authenticate you.');
      const t: RequestToken = {
        token: rand(27),
        secret: rand(32),
        callback,
        accessType: v.signed.params['x_auth_access_type'] ?? 'write',
        expiresAt: ctx.now() + ctx.config.requestTokenTtlSeconds * 1000,
        verifier: null,
        used: false,
      };
      this.requestTokens.set(t.token, t);
      return formText({ oauth_token: t.token, oauth_token_secret: t.secret, oauth_callback_confirmed: 'true' });
    });

    for (const path of ['/oauth/authorize', '/oauth/authenticate']) {
      r.add('GET', path, (req) => {
        // The browser step is normally unsigned; a client that does sign it must sign correctly.
        if (req.query['oauth_signature'] !== undefined || /^OAuth /i.test(String(req.headers['authorization'] ?? ''))) {
          const v = this.check(req, () => '');
          if (!v.ok) return problemResponse(v.problem);
        }
        const t = this.#pending(req.query['oauth_token']);
        if (!t) return this.#invalidPage();
        const screen = { platform: 'X', action: DECISION_PATH, userName: `@${ctx.world.user.screenName}` };
        const scopes =
          t.accessType === 'read' ? ['Read posts and ads data'] : ['Read posts and ads data', 'Manage ads campaigns'];
        return askConsent(ctx.config, screen, { oauth_token: t.token }, scopes, () => this.#approve(t));
      });
    }
    r.add('POST', DECISION_PATH, (req) => {
      const t = this.#pending(typeof req.body['oauth_token'] === 'string' ? req.body['oauth_token'] : undefined);
      if (!t) return this.#invalidPage();
      if (readDecision(req.body) === 'allow') return this.#approve(t);
      t.used = true;
      if (t.callback === 'oob') return html(200, '<!doctype html><p>You did not authorize the app.</p>');
      return redirect(withParams(t.callback, { denied: t.token }));
    });

    r.add('POST', '/oauth/access_token', (req) => {
      const claimed =
        parseAuthHeader(header(req, 'authorization'))?.['oauth_token'] ??
        req.url.searchParams.get('oauth_token') ??
        undefined;
      const t = claimed ? this.requestTokens.get(claimed) : undefined;
      if (!t || t.used || ctx.now() >= t.expiresAt) return v11Error(401, 89, 'Invalid or expired token.');
      const v = this.check(req, (token) => (token === t.token ? t.secret : undefined));
      if (!v.ok) return problemResponse(v.problem);
      const verifier = v.signed.oauth['oauth_verifier'] ?? v.signed.params['oauth_verifier'];
      if (!t.verifier || verifier !== t.verifier) {
        return {
          status: 401,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: 'Error processing your OAuth request: Invalid oauth_verifier parameter',
        };
      }
      t.used = true;
      const access = this.accessFor(t.accessType);
      return formText({
        oauth_token: access.token,
        oauth_token_secret: access.secret,
        user_id: ctx.world.user.id,
        screen_name: ctx.world.user.screenName,
      });
    });

    r.add('POST', '/1.1/oauth/invalidate_token', (req) => {
      const v = this.check(req, this.accessSecret);
      if (!v.ok)
        return v.problem === 'signature' ? v11Error(401, 89, 'Invalid or expired token.') : problemResponse(v.problem);
      const token = v.signed.oauth['oauth_token'] ?? '';
      ctx.tokens.revoke(token, 'invalidated');
      return json(200, { access_token: token });
    });
  }

  #pending(token: string | undefined): RequestToken | undefined {
    const t = token ? this.requestTokens.get(token) : undefined;
    return t && !t.used && this.ctx.now() < t.expiresAt ? t : undefined;
  }

  #invalidPage(): SandboxResponse {
    return html(
      403,
      '<!doctype html><meta charset="utf-8"><title>X</title><p>This page is no longer valid. It looks like someone already used the token information you provided. Please return to the site that sent you to this page and try again … it was probably an honest mistake.</p>',
    );
  }

  #approve(t: RequestToken): SandboxResponse {
    t.verifier = rand(32);
    if (t.callback === 'oob')
      return html(
        200,
        `<!doctype html><p>Enter this PIN to complete the authorization:</p><code id="oauth_pin">${t.verifier}</code>`,
      );
    return redirect(withParams(t.callback, { oauth_token: t.token, oauth_verifier: t.verifier }));
  }
}
