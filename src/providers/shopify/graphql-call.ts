/**
 * One GraphQL Admin API call (`POST /admin/api/{version}/graphql.json`, see
 * docs/platforms/shopify-graphql.md). Each operation states its requested query cost, which the
 * shared per-shop budget takes before the call; the answer's `extensions.cost` gives back the
 * difference to the actual cost and reports what the shop's bucket has left. A THROTTLED answer
 * is waited out for as long as Shopify's numbers say, `(requested − currentlyAvailable) /
 * restoreRate`, and sent again, until the waiting would pass a bound; then it goes to the
 * caller as `provider.rate_limited` with that delay. Other errors become typed Plexus errors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { DecryptedCredentials } from '../../vault/credentials.ts';
import type { Connector, ConnectorContext } from '../contracts/connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';

const MAX_INLINE_WAIT_MS = 20_000;

/** A GraphQL document Plexus sends, with the requested cost Shopify computes for it. */
export interface Operation {
  name: string;
  query: string;
  /** Requested query cost (the sandbox test checks each against Shopify's cost rules). */
  cost: number;
}

export interface Caller {
  connector: Connector;
  ctx: ConnectorContext;
  creds: DecryptedCredentials;
}

interface Cost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

interface GqlError {
  message?: string;
  extensions?: { code?: string };
  path?: (string | number)[];
}

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: GqlError[] | string | Record<string, unknown>;
  extensions?: { cost?: Cost };
}

const costOf = (res: HttpResponse): Cost | undefined => (res.body as GqlBody | undefined)?.extensions?.cost;

/** Milliseconds until the bucket holds `requested` points again. */
export function throttleWaitMs(cost: Cost | undefined): number {
  const t = cost?.throttleStatus;
  if (!t || !(t.restoreRate > 0)) return 1000;
  return Math.max(0, Math.ceil((((cost?.requestedQueryCost ?? 0) - t.currentlyAvailable) / t.restoreRate) * 1000));
}

function gqlError(errors: GqlError[], cost: Cost | undefined): PlexusError {
  const first = errors[0] ?? {};
  const code = first.extensions?.code ?? '';
  const message = `Shopify: ${errors.map((e) => e.message ?? code).join('; ')}`.slice(0, 500);
  const details = { codes: errors.map((e) => e.extensions?.code ?? null) };
  if (code === 'THROTTLED')
    return plexusError('provider.rate_limited', { message, details, retryAfterMs: throttleWaitMs(cost) });
  if (code === 'ACCESS_DENIED')
    return plexusError('provider.invalid_request', {
      message: `${message} (the app lacks a scope; reinstall it with the scopes Plexus asks for)`,
      details,
    });
  if (code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE' || code === 'TIMEOUT')
    return plexusError('provider.unavailable', { message, details });
  return plexusError('provider.invalid_request', { message, details });
}

/** Runs an operation; resolves with its `data` (userErrors are the caller's to read, see `payload`). */
export async function shopifyGraphql<T = Record<string, unknown>>(
  c: Caller,
  op: Operation,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let waited = 0;
  for (;;) {
    const res = await apiCall(c.connector, c.ctx, c.creds, {
      method: 'POST',
      url: apiUrl(c.ctx, '/graphql.json'),
      json: { query: op.query, variables, operationName: op.name },
      budget: {
        units: op.cost,
        // A throttled query costs nothing.
        used: (r) => costOf(r)?.actualQueryCost ?? 0,
        available: (r) => costOf(r)?.throttleStatus?.currentlyAvailable,
      },
    });
    const body = (res.body ?? {}) as GqlBody;
    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (!errors.length) return (body.data ?? {}) as T;
    const err = gqlError(errors, body.extensions?.cost);
    const wait = err.code === 'provider.rate_limited' ? (err.retryAfterMs ?? 1000) : undefined;
    if (wait === undefined || waited + wait > MAX_INLINE_WAIT_MS) throw err;
    waited += wait;
    await sleep(wait);
  }
}

interface UserError {
  code?: string | null;
  field?: string[] | null;
  message: string;
}

/**
 * A mutation's payload; its userErrors become one typed error: NOT_FOUND (or "does not exist")
 * is `provider.not_found`, anything else `provider.invalid_request` naming the field.
 */
export function payload<T extends Record<string, unknown>>(data: Record<string, unknown>, key: string): T {
  const p = data[key] as (T & { userErrors?: UserError[] }) | null | undefined;
  if (!p) throw plexusError('provider.invalid_request', { message: `Shopify answered ${key} without a payload.` });
  const ue = p.userErrors ?? [];
  if (!ue.length) return p;
  const message =
    `Shopify ${key}: ${ue.map((e) => `${(e.field ?? []).join('.') || 'input'}: ${e.message}`).join('; ')}`.slice(
      0,
      500,
    );
  const details = { userErrors: ue.map((e) => ({ code: e.code ?? null, field: e.field ?? null, message: e.message })) };
  if (ue.some((e) => e.code === 'NOT_FOUND' || /does not exist/i.test(e.message)))
    throw plexusError('provider.not_found', { message, details });
  throw plexusError('provider.invalid_request', { message, details });
}
