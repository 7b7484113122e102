/**
 * State and helpers shared by the Shopify sandbox modules: config, the shop's content, the OAuth
 * query HMAC (sorted, form-encoded, hex), shop-domain validation, the `{"errors": …}` bodies of
 * non-GraphQL answers (401, 404), and
 * `X-Shopify-Access-Token` authentication.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord, TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { ShopFiles } from './files.ts';
import type { Resource, ShopData } from './store.ts';

export interface ShopifyConfig {
  /** Shop name, the part before `.myshopify.com`. */
  shop: string;
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
  /** Allowed redirect URIs; empty accepts any absolute http(s) URI. */
  redirectUris: readonly string[];
  version: string;
  supportedVersions: readonly string[];
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  onlineTtlSeconds: number;
  clientCredentialsTtlSeconds: number;
  rotateRefreshTokens: boolean;
  /** Query-cost bucket: points held and restored a second. */
  maximumAvailable: number;
  restoreRate: number;
  /** Shop's UTC offset; webhook payloads carry times in the shop's timezone. */
  utcOffsetMinutes: number;
}

export interface ShopifyContext {
  config: ShopifyConfig;
  now(): number;
  baseUrl: string;
  tokens: TokenStore;
  data: ShopData;
  /** Article images, served from the shop's CDN path. */
  files: ShopFiles;
  /** Told about every content change and uninstall, so webhooks go out whoever made the change. */
  events?: ShopEvents;
}

export interface ShopEvents {
  changed(action: 'create' | 'update' | 'delete', r: Resource): void;
  uninstalled(): void;
}

export function shopDomain(config: ShopifyConfig): string {
  return `${config.shop}.myshopify.com`;
}

/** The library's check (`shop-validator.ts`), including the admin.shopify.com/store/<name> form. */
export function sanitizeShop(input: string): string | undefined {
  const admin = /^admin\.shopify\.com\/store\/([a-zA-Z0-9][a-zA-Z0-9-_]*)\/?$/.exec(input.replace(/^https?:\/\//, ''));
  if (admin) return `${admin[1]}.myshopify.com`;
  const host = input.replace(/^https?:\/\//, '');
  return /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.(myshopify\.com|shopify\.com|myshopify\.io|shop\.dev)[/]*$/.test(host)
    ? host.replace(/\/+$/, '')
    : undefined;
}

/** Message for OAuth query HMACs: drop `hmac`/`signature`, sort keys, form-encode `k=v&k=v`. */
export function hmacMessage(query: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort((a, b) => a.localeCompare(b))) {
    const v = query[key];
    if (Array.isArray(v)) for (const item of v) params.append(key.endsWith('[]') ? key : `${key}[]`, item);
    else if (v !== undefined) params.append(key, v);
  }
  return params.toString();
}

export function signQuery(query: Record<string, string>, secret: string): string {
  return createHmac('sha256', secret).update(hmacMessage(query)).digest('hex');
}

export function verifyQueryHmac(query: Record<string, string>, secret: string): boolean {
  const given = Buffer.from(query['hmac'] ?? '', 'utf8');
  const expected = Buffer.from(signQuery(query, secret), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `host` parameter: base64 of the admin URL without scheme, unpadded. */
export function hostParam(config: ShopifyConfig): string {
  return Buffer.from(`admin.shopify.com/store/${config.shop}`).toString('base64').replace(/=+$/, '');
}

export function restErrors(status: number, errors: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: { errors } };
}

export const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

export type AuthResult = { ok: true; record: TokenRecord } | { ok: false; res: SandboxResponse };

export function authenticate(ctx: ShopifyContext, req: SandboxRequest): AuthResult {
  const token = header(req, 'x-shopify-access-token');
  const check = ctx.tokens.validate(token?.trim());
  // Shopify does not say why: unknown, expired and revoked tokens all get the same 401.
  if (!check.ok) return { ok: false, res: restErrors(401, INVALID_TOKEN) };
  return { ok: true, record: check.record };
}

/** `write_x` implies `read_x`. */
export function hasScope(record: TokenRecord, scope: string): boolean {
  return (
    record.scopes.includes(scope) || (scope.startsWith('read_') && record.scopes.includes(`write_${scope.slice(5)}`))
  );
}

export function scopeError(scope: string): SandboxResponse {
  return restErrors(403, `[API] This action requires merchant approval for ${scope} scope.`);
}

/** ISO 8601 in the shop's timezone with offset, second precision. */
export function shopTime(ctx: ShopifyContext, ms: number): string {
  const off = ctx.config.utcOffsetMinutes;
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
