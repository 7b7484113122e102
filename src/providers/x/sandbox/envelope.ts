/**
 * What every X Ads route shares: the `{errors: [{code, message, …}], request: {params}}` error
 * envelope (ads.md §5.8), `count`/`cursor` paging (§5.4), boolean params, and the guard type
 * with the rate-limit families it meters (§5.6).
 */
import { json, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { Account } from './world.ts';

export const WINDOW_MS = 15 * 60_000;
/** Calls per window and the window, per rate-limit family (ads.md §5.6). */
export const LIMITS = {
  globalReads: { limit: 2000, windowMs: WINDOW_MS },
  accountReads: { limit: 10_000, windowMs: WINDOW_MS },
  analytics: { limit: 250, windowMs: WINDOW_MS },
  writes: { limit: 450, windowMs: 60_000 },
  // Creating an analytics job is a POST in the write category, but it changes no ads object.
  statsJobs: { limit: 450, windowMs: 60_000 },
} as const;
export type Family = keyof typeof LIMITS;

export type RouteHandler = (
  req: SandboxRequest,
  p: Record<string, string>,
  account: Account | undefined,
) => SandboxResponse;
/** Wraps a handler in signature verification, metering and the account lookup. */
export type Guard = (
  family: Family,
  endpoint: string,
  handler: RouteHandler,
) => (req: SandboxRequest) => SandboxResponse;

export function adsError(
  status: number,
  code: string,
  message: string,
  params: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return json(status, { errors: [{ code, message, ...extra }], request: { params } });
}

export function boolParam(p: Record<string, string>, key: string): boolean | undefined | 'invalid' {
  const v = p[key];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return 'invalid';
}

type PageResult =
  { ok: true; page: unknown[]; next: string | null; total: number } | { ok: false; res: SandboxResponse };

export function paginate(
  items: readonly unknown[],
  p: Record<string, string>,
  echo: Record<string, unknown>,
): PageResult {
  const count = p['count'] === undefined ? 200 : Number(p['count']);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    return {
      ok: false,
      res: adsError(
        400,
        'INVALID_PARAMETER',
        `Expected integer in range [1, 1000], got "${p['count']}" for count`,
        echo,
        { parameter: 'count' },
      ),
    };
  }
  if (p['with_total_count'] === 'true' && p['cursor'] !== undefined) {
    return {
      ok: false,
      res: adsError(400, 'EXCLUSIVE_PARAMETERS', 'with_total_count and cursor are exclusive', echo, {
        parameters: ['with_total_count', 'cursor'],
      }),
    };
  }
  let offset = 0;
  if (p['cursor'] !== undefined) {
    const m = /^c-([0-9a-z]+)$/.exec(p['cursor']);
    if (!m?.[1])
      return {
        ok: false,
        res: adsError(400, 'INVALID_PARAMETER', `Invalid cursor "${p['cursor']}"`, echo, { parameter: 'cursor' }),
      };
    offset = parseInt(m[1], 36);
  }
  const page = items.slice(offset, offset + count);
  const next = offset + count < items.length ? `c-${(offset + count).toString(36)}` : null;
  return { ok: true, page, next, total: items.length };
}
