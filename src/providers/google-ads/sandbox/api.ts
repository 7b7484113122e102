/**
 * The Ads API surface: `customers:listAccessibleCustomers` and `googleAds:search` /
 * `googleAds:searchStream`, behind the checks Google runs on every call (OAuth token,
 * developer-token header, adwords scope, login-customer-id for customers reached through a
 * manager). Search pages are fixed-size; `pageSize` is rejected and a page token only works
 * with the identical query.
 */
import { createHash } from 'node:crypto';
import { header, json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenProblem } from '../../../sandbox/kit/tokens.ts';
import { ADWORDS_SCOPE, type GoogleContext } from './context.ts';
import { adsError, htmlNotFound, invalidArgument, missingCredential, requestId, unsupportedVersion } from './errors.ts';
import { checkFields, fieldMask, GaqlError, parse, render, run, scopes, template, type Query } from './gaql.ts';
import type { Customer } from './world.ts';

const PAGE_TOKEN_TTL_MS = 2 * 3600_000;
const USER_PERMISSION_DENIED =
  "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header. See https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid";

/** What Google answers for a bearer token that fails validation; any other problem reads as invalid. */
const TOKEN_ERRORS: Partial<Record<TokenProblem, { code: string; message: string }>> = {
  expired: { code: 'OAUTH_TOKEN_EXPIRED', message: 'Oauth token is expired.' },
  revoked: { code: 'OAUTH_TOKEN_REVOKED', message: 'Oauth token is revoked.' },
};
const INVALID_TOKEN = { code: 'OAUTH_TOKEN_INVALID', message: 'Oauth token is invalid.' };

type Authed = { ok: true; version: string } | { ok: false; res: SandboxResponse };

export function authenticate(ctx: GoogleContext, req: SandboxRequest): Authed {
  const version = req.params['version'] ?? '';
  if (ctx.config.sunsetVersions.includes(version)) return { ok: false, res: unsupportedVersion(version) };
  if (!ctx.config.versions.includes(version)) return { ok: false, res: htmlNotFound(req.path) };
  const auth = header(req, 'authorization');
  const bearer = auth ? /^Bearer\s+(\S+)$/i.exec(auth.trim())?.[1] : undefined;
  if (!bearer) return { ok: false, res: missingCredential() };
  const check = ctx.tokens.validate(bearer);
  if (!check.ok) {
    const { code, message } = TOKEN_ERRORS[check.problem] ?? INVALID_TOKEN;
    return {
      ok: false,
      res: adsError(version, 'UNAUTHENTICATED', [{ errorCode: { authenticationError: code }, message }], {
        headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      }),
    };
  }
  if (!check.record.scopes.includes(ADWORDS_SCOPE)) {
    return {
      ok: false,
      res: json(403, {
        error: {
          code: 403,
          message: 'Request had insufficient authentication scopes.',
          status: 'PERMISSION_DENIED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
              domain: 'googleapis.com',
              metadata: { service: 'googleads.googleapis.com' },
            },
          ],
        },
      }),
    };
  }
  const devToken = header(req, 'developer-token');
  if (!devToken) {
    return {
      ok: false,
      res: invalidArgument(
        version,
        'requestError',
        'DEVELOPER_TOKEN_PARAMETER_MISSING',
        'The developer-token parameter is required for all requests.',
      ),
    };
  }
  if (devToken !== ctx.config.developerToken) {
    return {
      ok: false,
      res: adsError(version, 'UNAUTHENTICATED', [
        { errorCode: { authenticationError: 'DEVELOPER_TOKEN_INVALID' }, message: 'The developer token is not valid.' },
      ]),
    };
  }
  return { ok: true, version };
}

/** Customers the signed-in user was invited to directly (managers and standalone accounts). */
function direct(ctx: GoogleContext): Customer[] {
  return ctx.world.customers.filter((c) => c.managerId === null);
}

export function resolveCustomer(
  ctx: GoogleContext,
  req: SandboxRequest,
  version: string,
): { ok: true; customer: Customer } | { ok: false; res: SandboxResponse } {
  const cid = req.params['cid'] ?? '';
  if (!/^\d{10}$/.test(cid))
    return {
      ok: false,
      res: invalidArgument(version, 'requestError', 'INVALID_CUSTOMER_ID', 'Customer ID is invalid.', cid),
    };
  const login = header(req, 'login-customer-id');
  if (login !== undefined && !/^\d{10}$/.test(login)) {
    return {
      ok: false,
      res: invalidArgument(
        version,
        'requestError',
        'INVALID_CUSTOMER_ID',
        'Invalid login-customer-id header; it must be 10 digits without dashes.',
        login,
      ),
    };
  }
  const entry = login ?? cid;
  const target = ctx.world.customers.find((c) => c.id === cid);
  const via = direct(ctx).find((c) => c.id === entry);
  const reachable = target && via && (target.id === via.id || (via.manager && target.managerId === via.id));
  if (!target || !reachable) {
    return {
      ok: false,
      res: adsError(version, 'PERMISSION_DENIED', [
        { errorCode: { authorizationError: 'USER_PERMISSION_DENIED' }, message: USER_PERMISSION_DENIED },
      ]),
    };
  }
  if (target.status !== 'ENABLED') {
    return {
      ok: false,
      res: adsError(version, 'PERMISSION_DENIED', [
        {
          errorCode: { authorizationError: 'CUSTOMER_NOT_ENABLED' },
          message: "The customer account can't be accessed because it is not yet enabled or has been deactivated.",
        },
      ]),
    };
  }
  return { ok: true, customer: target };
}

interface PageToken {
  q: string;
  c: string;
  o: number;
  t: number;
}

function queryHash(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

type Prepared =
  | {
      ok: true;
      q: Query;
      rows: ReturnType<typeof run>;
      mask: string;
      version: string;
      customer: Customer;
      query: string;
    }
  | { ok: false; res: SandboxResponse };

function prepare(ctx: GoogleContext, req: SandboxRequest): Prepared {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth;
  const { version } = auth;
  if (req.bodyError)
    return { ok: false, res: adsError(version, 'INVALID_ARGUMENT', [], { message: 'Invalid JSON payload received.' }) };
  const cust = resolveCustomer(ctx, req, version);
  if (!cust.ok) return cust;
  const query = typeof req.body['query'] === 'string' ? req.body['query'] : '';
  if (!query.trim())
    return { ok: false, res: invalidArgument(version, 'queryError', 'QUERY_NOT_SPECIFIED', 'Query cannot be empty.') };
  let q: Query;
  try {
    q = parse(query);
    const tpl = template(q.from);
    if (!tpl)
      throw new GaqlError(
        'INVALID_RESOURCE_TYPE_IN_FROM_CLAUSE',
        `Error in FROM clause: invalid resource name '${q.from}'.`,
        q.from,
      );
    checkFields(q, tpl);
  } catch (err) {
    if (err instanceof GaqlError)
      return { ok: false, res: invalidArgument(version, 'queryError', err.code, err.message, err.trigger) };
    throw err;
  }
  const rows = run(q, scopes(ctx.world, cust.customer, q.from, q) ?? []);
  return { ok: true, q, rows, mask: fieldMask(q), version, customer: cust.customer, query };
}

function search(ctx: GoogleContext, req: SandboxRequest): SandboxResponse {
  if (req.body['pageSize'] !== undefined) {
    const version = req.params['version'] ?? '';
    if (ctx.config.versions.includes(version)) {
      return invalidArgument(
        version,
        'requestError',
        'PAGE_SIZE_NOT_SUPPORTED',
        "Setting the page size is not supported. Search Responses will have fixed page size of '10000' rows.",
      );
    }
  }
  const prep = prepare(ctx, req);
  if (!prep.ok) return prep.res;
  const { version } = prep;
  let offset = 0;
  const raw = req.body['pageToken'];
  if (typeof raw === 'string' && raw.length > 0) {
    let tok: PageToken | undefined;
    try {
      tok = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    } catch {
      tok = undefined;
    }
    if (!tok || typeof tok.o !== 'number' || tok.q !== queryHash(prep.query) || tok.c !== prep.customer.id) {
      return invalidArgument(version, 'requestError', 'INVALID_PAGE_TOKEN', 'Page token is invalid.', raw);
    }
    if (ctx.now() - tok.t > PAGE_TOKEN_TTL_MS)
      return invalidArgument(version, 'requestError', 'EXPIRED_PAGE_TOKEN', 'Page token has expired.', raw);
    offset = tok.o;
  }
  const size = ctx.config.searchPageSize;
  const page = prep.rows.slice(offset, offset + size).map((s) => render(prep.q, s));
  const body: Record<string, unknown> = {};
  // Google leaves `results` out entirely when nothing matches.
  if (page.length) body['results'] = page;
  if (offset + size < prep.rows.length) {
    const next: PageToken = { q: queryHash(prep.query), c: prep.customer.id, o: offset + size, t: ctx.now() };
    body['nextPageToken'] = Buffer.from(JSON.stringify(next)).toString('base64url');
  }
  if (req.body['returnTotalResultsCount'] === true) body['totalResultsCount'] = String(prep.rows.length);
  body['fieldMask'] = prep.mask;
  body['requestId'] = requestId();
  body['queryResourceConsumption'] = String(prep.rows.length * 10 + 20);
  return json(200, body);
}

function searchStream(ctx: GoogleContext, req: SandboxRequest): SandboxResponse {
  const prep = prepare(ctx, req);
  if (!prep.ok) return prep.res;
  const size = ctx.config.searchPageSize;
  const rid = requestId();
  const batches: Record<string, unknown>[] = [];
  for (let i = 0; i < Math.max(1, prep.rows.length); i += size) {
    const results = prep.rows.slice(i, i + size).map((s) => render(prep.q, s));
    batches.push({ ...(results.length ? { results } : {}), fieldMask: prep.mask, requestId: rid });
  }
  const last = batches[batches.length - 1];
  if (last) last['queryResourceConsumption'] = String(prep.rows.length * 10 + 20);
  return json(200, batches);
}

export function apiRoutes(r: Router, ctx: GoogleContext): void {
  r.add('GET', '/:version/customers:listAccessibleCustomers', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    // login-customer-id does not narrow this call: it lists what the user can reach directly.
    return json(200, { resourceNames: direct(ctx).map((c) => `customers/${c.id}`) });
  });
  r.add('POST', '/:version/customers/:cid/googleAds:search', (req) => search(ctx, req));
  r.add('POST', '/:version/customers/:cid/googleAds:searchStream', (req) => searchStream(ctx, req));
}
