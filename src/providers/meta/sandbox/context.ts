/**
 * State shared by the Meta sandbox's route modules, plus the request helpers every Graph route
 * needs: merged parameters (Graph takes them from the query or the body alike) and token
 * authentication with Meta's OAuthException codes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenProblem, TokenRecord, TokenStore } from '../../../sandbox/kit/tokens.ts';
import { graphError, permissionError } from './errors.ts';
import type { MetaWorld } from './world.ts';

export interface MetaConfig {
  appId: string;
  appSecret: string;
  appName: string;
  version: string;
  autoConsent: boolean;
  shortLivedTtlSeconds: number;
  longLivedTtlSeconds: number;
  asyncReportPolls: number;
  /** When above 0, a report job completes this long after it was created, polled or not. */
  asyncReportMs: number;
  /** Rows (objects × time buckets) above which a synchronous insights read answers 100/1504018. */
  syncInsightsMaxRows: number;
  requireAppSecretProof: boolean;
  user: { id: string; name: string };
}

export interface MetaContext {
  config: MetaConfig;
  now(): number;
  /** Base URL once listening; used to build `paging.next`. */
  baseUrl: string;
  world: MetaWorld;
  tokens: TokenStore;
}

export type Params = Record<string, unknown>;

export function params(req: SandboxRequest): Params {
  return { ...req.query, ...req.body };
}

export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Graph accepts JSON-encoded strings for structured params in query and form bodies. */
export function jsonParam(p: Params, key: string): { ok: true; value: unknown } | { ok: false } {
  const v = p[key];
  if (typeof v !== 'string') return { ok: true, value: v };
  try {
    return { ok: true, value: JSON.parse(v) };
  } catch {
    return { ok: false };
  }
}

/** `Bearer` or Graph's older `OAuth` scheme, or the access_token parameter. */
export function tokenOf(req: SandboxRequest): string | undefined {
  const auth = header(req, 'authorization');
  const m = auth ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim()) : null;
  if (m?.[1]) return m[1];
  const p = params(req)['access_token'];
  return typeof p === 'string' && p.length > 0 ? p : undefined;
}

export type Caller = { kind: 'user'; record: TokenRecord; token: string } | { kind: 'app'; token: string };

export type AuthResult = { ok: true; caller: Caller } | { ok: false; res: SandboxResponse };

const REVOKE_SUBCODES: Record<string, { subcode: number; text: string }> = {
  app_not_installed: { subcode: 458, text: 'The user has not authorized application {app}.' },
  checkpointed: {
    subcode: 459,
    text: 'You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  },
  password_changed: {
    subcode: 460,
    text: 'The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  },
  logged_out: { subcode: 467, text: 'The session is invalid because the user logged out.' },
};

export function tokenError(ctx: MetaContext, problem: TokenProblem | 'missing', record?: TokenRecord): SandboxResponse {
  const www = { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' };
  if (problem === 'missing') {
    return graphError({ message: 'An access token is required to request this resource.', code: 104, headers: www });
  }
  if (problem === 'expired' && record?.expiresAt != null) {
    const when = new Date(record.expiresAt).toUTCString();
    return graphError({
      message: `Error validating access token: Session has expired on ${when}. The current time is ${new Date(ctx.now()).toUTCString()}.`,
      code: 190,
      subcode: 463,
      headers: www,
    });
  }
  if ((problem === 'revoked' || problem === 'rotated') && record) {
    const r = REVOKE_SUBCODES[record.revokeReason ?? ''] ?? REVOKE_SUBCODES['logged_out']!;
    return graphError({
      message: `Error validating access token: ${r.text.replace('{app}', ctx.config.appId)}`,
      code: 190,
      subcode: r.subcode,
      headers: www,
    });
  }
  return graphError({ message: 'Invalid OAuth access token - Cannot parse access token', code: 190, headers: www });
}

export function appToken(ctx: MetaContext): string {
  return `${ctx.config.appId}|${ctx.config.appSecret}`;
}

export function authenticate(ctx: MetaContext, req: SandboxRequest, opts: { allowApp?: boolean } = {}): AuthResult {
  const token = tokenOf(req);
  if (!token) return { ok: false, res: tokenError(ctx, 'missing') };
  if (token === appToken(ctx)) {
    return opts.allowApp
      ? { ok: true, caller: { kind: 'app', token } }
      : { ok: false, res: tokenError(ctx, 'unknown') };
  }
  const check = ctx.tokens.validate(token);
  if (!check.ok) return { ok: false, res: tokenError(ctx, check.problem, check.record) };
  const proof = params(req)['appsecret_proof'];
  if (typeof proof === 'string' || ctx.config.requireAppSecretProof) {
    const expected = createHmac('sha256', ctx.config.appSecret).update(token).digest('hex');
    const given = Buffer.from(typeof proof === 'string' ? proof : '', 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
      const message =
        typeof proof === 'string'
          ? 'Invalid appsecret_proof provided in the API argument'
          : 'API calls from the server require an appsecret_proof argument';
      return { ok: false, res: graphError({ message, code: 100, type: 'GraphMethodException' }) };
    }
  }
  return { ok: true, caller: { kind: 'user', record: check.record, token } };
}

/** Reads need ads_read or ads_management; writes need ads_management. */
export function requireScope(caller: Caller, access: 'read' | 'write'): SandboxResponse | undefined {
  if (caller.kind === 'app') return undefined;
  const s = caller.record.scopes;
  if (access === 'write') return s.includes('ads_management') ? undefined : permissionError('ads_management');
  return s.includes('ads_read') || s.includes('ads_management') ? undefined : permissionError('ads_read');
}

/** Options for minting a user token directly (tests, demo mode). */
export interface MintOptions {
  scopes?: string[];
  /** null: never expires (like a non-expiring system-user token). */
  ttlSeconds?: number | null;
  label?: string;
}

export function mint(ctx: MetaContext, o: MintOptions): string {
  return ctx.tokens.issue({
    kind: 'access',
    clientId: ctx.config.appId,
    subject: ctx.config.user.id,
    scopes: o.scopes ?? ['ads_read', 'ads_management', 'business_management'],
    ttlSeconds: o.ttlSeconds === undefined ? ctx.config.longLivedTtlSeconds : o.ttlSeconds,
    label: o.label ?? 'long_lived',
  }).token;
}
