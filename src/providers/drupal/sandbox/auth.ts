/**
 * Drupal authentication as JSON:API routes see it: every enabled provider is tried. basic_auth
 * checks `Authorization: Basic`; wrong credentials do not fail the request, it simply runs as
 * anonymous (and, because a provider applied, denials stay 403 instead of the 401 challenge).
 * Cookie sessions come from `POST /user/login?_format=json` and need `X-CSRF-Token` on unsafe
 * methods. simple_oauth issues RS256 JWT access tokens and rotating refresh tokens at `/oauth/token`.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { isRedirectUri } from '../../../sandbox/kit/consent.ts';
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { accessDenied } from '../../../sandbox/kit/decline.ts';
import { header, json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord, TokenStore } from '../../../sandbox/kit/tokens.ts';

export interface DrupalUser {
  uid: number;
  uuid: string;
  name: string;
  pass: string;
  roles: string[];
}

export interface DrupalAuthConfig {
  siteName: string;
  users: DrupalUser[];
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  rotateRefreshTokens: boolean;
}

export type Caller =
  | { kind: 'anonymous'; credentialsSent: boolean }
  | { kind: 'user'; user: DrupalUser; via: 'basic' | 'cookie' | 'oauth'; session?: Session };

export interface Session {
  id: string;
  uid: number;
  csrf: string;
  logoutToken: string;
}

export class DrupalAuth {
  readonly sessions = new Map<string, Session>();
  readonly #key: KeyObject;
  #pending: Record<string, unknown> = {};

  constructor(
    readonly config: DrupalAuthConfig,
    readonly tokens: TokenStore,
    private readonly now: () => number,
  ) {
    this.#key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  /** TokenStore hook: access tokens are JWTs carrying the claims of the token being issued. */
  generate(kind: 'access' | 'refresh' | 'code'): string {
    if (kind !== 'access') return `def50200${randomBytes(kind === 'code' ? 48 : 96).toString('hex')}`;
    const jti = randomBytes(40).toString('hex');
    const h = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', jti })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ ...this.#pending, jti })).toString('base64url');
    const sig = createSign('RSA-SHA256').update(`${h}.${p}`).sign(this.#key).toString('base64url');
    return `${h}.${p}.${sig}`;
  }

  issueAccess(clientId: string, user: DrupalUser, scopes: readonly string[], grantId?: string): TokenRecord {
    const iat = Math.floor(this.now() / 1000);
    this.#pending = {
      aud: clientId,
      iat,
      nbf: iat,
      exp: iat + this.config.accessTtlSeconds,
      sub: String(user.uid),
      scope: scopes,
    };
    return this.tokens.issue({
      kind: 'access',
      clientId,
      subject: String(user.uid),
      scopes,
      ttlSeconds: this.config.accessTtlSeconds,
      ...(grantId ? { grantId } : {}),
    });
  }

  user(uid: number | string): DrupalUser | undefined {
    return this.config.users.find((u) => String(u.uid) === String(uid));
  }

  check(name: string, pass: string): DrupalUser | undefined {
    return this.config.users.find((u) => u.name === name && u.pass === pass);
  }

  /** Resolves the caller; only a bad Bearer token fails outright (simple_oauth throws). */
  resolve(req: SandboxRequest): { ok: true; caller: Caller } | { ok: false; detail: string } {
    const auth = header(req, 'authorization')?.trim();
    const basic = auth ? /^Basic\s+(.+)$/i.exec(auth) : null;
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const user = i < 0 ? undefined : this.check(decoded.slice(0, i), decoded.slice(i + 1));
      return {
        ok: true,
        caller: user ? { kind: 'user', user, via: 'basic' } : { kind: 'anonymous', credentialsSent: true },
      };
    }
    const bearer = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
    if (bearer?.[1]) {
      const check = this.tokens.validate(bearer[1]);
      const base = 'The resource owner or authorization server denied the request.';
      if (!check.ok)
        return {
          ok: false,
          detail: `${base} ${check.problem === 'revoked' ? 'Access token has been revoked' : check.problem === 'expired' ? 'Access token is invalid' : 'Access token could not be verified'}`,
        };
      const user = this.user(check.record.subject);
      return user
        ? { ok: true, caller: { kind: 'user', user, via: 'oauth' } }
        : { ok: false, detail: `${base} Access token is invalid` };
    }
    const cookie = header(req, 'cookie') ?? '';
    const sid = /(?:^|;\s*)SESS[a-f0-9]+=([^;]+)/.exec(cookie)?.[1];
    const session = sid ? this.sessions.get(sid) : undefined;
    const user = session ? this.user(session.uid) : undefined;
    if (session && user) return { ok: true, caller: { kind: 'user', user, via: 'cookie', session } };
    return { ok: true, caller: { kind: 'anonymous', credentialsSent: false } };
  }

  cookieName(): string {
    return `SESS${createHash('sha256').update(this.config.siteName).digest('hex').slice(0, 32)}`;
  }
}

const DECISION_PATH = '/oauth/authorize/decision';

function leagueError(status: number, error: string, description: string, hint?: string): SandboxResponse {
  return json(status, { error, error_description: description, ...(hint ? { hint } : {}), message: description });
}

export function authRoutes(r: Router, auth: DrupalAuth): void {
  r.add('POST', '/user/login', (req) => {
    if (req.query['_format'] !== 'json') return json(404, { message: 'Not acceptable format: html' });
    const name = typeof req.body['name'] === 'string' ? req.body['name'] : '';
    const pass = typeof req.body['pass'] === 'string' ? req.body['pass'] : '';
    if (!name || !pass) return json(400, { message: 'Missing credentials.' });
    const user = auth.check(name, pass);
    if (!user) return json(400, { message: 'Sorry, unrecognized username or password.' });
    const session: Session = {
      id: randomBytes(24).toString('base64url'),
      uid: user.uid,
      csrf: randomBytes(24).toString('base64url'),
      logoutToken: randomBytes(24).toString('base64url'),
    };
    auth.sessions.set(session.id, session);
    return json(
      200,
      {
        current_user: { uid: String(user.uid), roles: user.roles, name: user.name },
        csrf_token: session.csrf,
        logout_token: session.logoutToken,
      },
      {
        'set-cookie': `${auth.cookieName()}=${session.id}; path=/; HttpOnly; SameSite=Lax`,
      },
    );
  });
  r.add('GET', '/user/login_status', (req) => {
    const who = auth.resolve(req);
    return json(200, who.ok && who.caller.kind === 'user' ? 1 : 0);
  });
  r.add('POST', '/user/logout', (req) => {
    const who = auth.resolve(req);
    if (!who.ok || who.caller.kind !== 'user' || !who.caller.session)
      return json(403, { message: "'access content' permission is required." });
    if (req.query['token'] !== who.caller.session.logoutToken)
      return json(403, { message: "'csrf_token' URL query argument is invalid." });
    auth.sessions.delete(who.caller.session.id);
    return { status: 204 };
  });
  r.add('GET', '/session/token', (req) => {
    const who = auth.resolve(req);
    const token =
      who.ok && who.caller.kind === 'user' && who.caller.session
        ? who.caller.session.csrf
        : randomBytes(24).toString('base64url');
    return { status: 200, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: token };
  });

  // simple_oauth (contrib): authorization code consent and the token endpoint.
  r.add('GET', '/oauth/authorize', (req) => {
    const q = req.query;
    if (q['client_id'] !== auth.config.clientId)
      return leagueError(401, 'invalid_client', 'Client authentication failed');
    if (q['response_type'] !== 'code')
      return leagueError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
      );
    if (!isRedirectUri(q['redirect_uri']))
      return leagueError(
        400,
        'invalid_request',
        'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.',
        'Check the `redirect_uri` parameter',
      );
    const carry = {
      client_id: auth.config.clientId,
      redirect_uri: q['redirect_uri'],
      state: q['state'] ?? '',
      scope: q['scope'] ?? '',
    };
    const screen = { platform: 'Drupal', action: DECISION_PATH, userName: auth.config.users[0]?.name ?? 'admin' };
    const scopes = carry.scope.split(/\s+/).filter(Boolean);
    return oauth2.askConsent(auth.config, screen, carry, scopes, (c) => approve(auth, c));
  });
  const denial = 'The resource owner or authorization server denied the request.';
  const declined = accessDenied(denial, { hint: 'The user denied the request', message: denial });
  oauth2.decisionRoute(r, DECISION_PATH, auth, checkDecision, approve, declined);
  r.add('POST', '/oauth/token', (req) => token(auth, req));
}

/** The consent form, posted back: it must still name this client and an absolute redirect URI. */
function checkDecision(auth: DrupalAuth, carry: Record<string, string>): SandboxResponse | undefined {
  if (oauth2.namesApp(carry, auth.config.clientId)) return undefined;
  return leagueError(400, 'invalid_request', 'The request is missing a required parameter.');
}

function approve(auth: DrupalAuth, carry: Record<string, string>): SandboxResponse {
  const scopes = (carry['scope'] ?? '').split(/\s+/).filter(Boolean);
  const code = oauth2.codeForCarry(auth.tokens, carry, String(auth.config.users[0]?.uid ?? 1), scopes);
  return oauth2.redirectWith(carry['redirect_uri'] ?? '', { code: code.code, state: carry['state'] || undefined });
}

function token(auth: DrupalAuth, req: SandboxRequest): SandboxResponse {
  const b = req.body;
  const s = (k: string) => (typeof b[k] === 'string' ? b[k] : undefined);
  if (s('client_id') !== auth.config.clientId || s('client_secret') !== auth.config.clientSecret)
    return leagueError(401, 'invalid_client', 'Client authentication failed');
  const scopes = (s('scope') ?? '').split(/\s+/).filter(Boolean);
  const pair = (user: DrupalUser, sc: readonly string[], grantId?: string, withRefresh = true) => {
    const access = auth.issueAccess(auth.config.clientId, user, sc, grantId);
    const out: Record<string, unknown> = {
      token_type: 'Bearer',
      expires_in: auth.config.accessTtlSeconds,
      access_token: access.token,
    };
    if (withRefresh)
      out['refresh_token'] = auth.tokens.issue({
        kind: 'refresh',
        clientId: auth.config.clientId,
        subject: String(user.uid),
        scopes: sc,
        ttlSeconds: auth.config.refreshTtlSeconds,
        grantId: access.grantId,
      }).token;
    return json(200, out);
  };
  switch (s('grant_type')) {
    case 'client_credentials': {
      // The client's configured default user acts; League issues no refresh token for this grant.
      const user = auth.config.users[0];
      return user ? pair(user, scopes, undefined, false) : leagueError(400, 'invalid_grant', 'No default user.');
    }
    case 'password': {
      const user = auth.check(s('username') ?? '', s('password') ?? '');
      return user ? pair(user, scopes) : leagueError(400, 'invalid_grant', 'The user credentials were incorrect.');
    }
    case 'authorization_code': {
      const redeemed = auth.tokens.redeemCode(s('code') ?? '', auth.config.clientId, s('redirect_uri'));
      if (!redeemed.ok)
        return leagueError(
          400,
          'invalid_grant',
          'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
          'Authorization code has been revoked',
        );
      const user = auth.user(redeemed.code.subject);
      return user ? pair(user, redeemed.code.scopes) : leagueError(400, 'invalid_grant', 'Unknown user.');
    }
    case 'refresh_token': {
      const old = s('refresh_token') ?? '';
      const check = auth.tokens.validate(old, 'refresh');
      if (!check.ok)
        return leagueError(
          400,
          'invalid_grant',
          'The refresh token is invalid.',
          check.problem === 'expired'
            ? 'Token has expired'
            : check.problem === 'unknown'
              ? 'Cannot decrypt the refresh token'
              : 'Token has been revoked',
        );
      const user = auth.user(check.record.subject);
      if (!user) return leagueError(400, 'invalid_grant', 'The refresh token is invalid.');
      // League revokes the old access token on refresh; the refresh token rotates unless configured not to.
      auth.tokens.revokeWhere((t) => t.grantId === check.record.grantId && t.kind === 'access', 'refreshed');
      const rotate = auth.config.rotateRefreshTokens;
      const refresh = oauth2.renewRefresh(auth.tokens, check.record, rotate, auth.config.refreshTtlSeconds);
      if (!refresh) return leagueError(400, 'invalid_grant', 'The refresh token is invalid.', 'Token has been revoked');
      const access = auth.issueAccess(auth.config.clientId, user, check.record.scopes, check.record.grantId);
      return json(200, {
        token_type: 'Bearer',
        expires_in: auth.config.accessTtlSeconds,
        access_token: access.token,
        refresh_token: refresh.token,
      });
    }
    default:
      return leagueError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
        'Check that all required parameters have been provided',
      );
  }
}
