/**
 * The /rest Marketing API reads: adAccountUsers (q=authenticatedUser), adAccounts (search finder
 * and get), and per-account adCampaignGroups / adCampaigns search finders with cursor paging
 * (`pageSize`, `pageToken` → `metadata.nextPageToken`). Every call needs a valid token, a live
 * `LinkedIn-Version` (missing → 400, sunset/unknown → 426) and `X-Restli-Protocol-Version: 2.0.0`.
 */
import { header, json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import type { LinkedInContext } from './context.ts';
import { apiError } from './errors.ts';
import { parseRestli, rawParam, RestliError, searchFacets } from './restli.ts';
import { accountJson, type AdAccount } from './world.ts';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

type Check = { ok: true; record: TokenRecord } | { ok: false; res: SandboxResponse };

export function precheck(ctx: LinkedInContext, req: SandboxRequest, resource: string): Check {
  const auth = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  if (!auth) return { ok: false, res: apiError(401, 'EMPTY_ACCESS_TOKEN', 'Empty oauth2 access token', 65604) };
  const check = ctx.tokens.validate(auth);
  if (!check.ok) {
    if (check.problem === 'expired')
      return {
        ok: false,
        res: apiError(401, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired', 65602),
      };
    if (check.problem === 'revoked')
      return {
        ok: false,
        res: apiError(401, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user', 65601),
      };
    return { ok: false, res: apiError(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600) };
  }
  const version = header(req, 'linkedin-version');
  if (!version)
    return {
      ok: false,
      res: apiError(
        400,
        'VERSION_MISSING',
        'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
      ),
    };
  if (!ctx.config.activeVersions.includes(version))
    return { ok: false, res: apiError(426, 'NONEXISTENT_VERSION', `Requested version ${version} is not active`) };
  if (header(req, 'x-restli-protocol-version') !== '2.0.0') {
    return {
      ok: false,
      res: apiError(
        400,
        'ILLEGAL_ARGUMENT',
        'Invalid query parameters passed to request: this resource requires X-Restli-Protocol-Version: 2.0.0',
      ),
    };
  }
  if (!check.record.scopes.some((s) => s === 'r_ads' || s === 'rw_ads')) {
    return {
      ok: false,
      res: apiError(403, 'ACCESS_DENIED', `Not enough permissions to access: ${resource}.GET.${version}01`, 100),
    };
  }
  return { ok: true, record: check.record };
}

function accountUrn(a: AdAccount): string {
  return `urn:li:sponsoredAccount:${a.id}`;
}

function matchesFacets(entity: Record<string, unknown>, facets: Record<string, string[]>): boolean {
  return Object.entries(facets).every(([k, values]) => values.includes(String(entity[k])));
}

type Page =
  { ok: true; facets: Record<string, string[]>; size: number; offset: number } | { ok: false; res: SandboxResponse };

/** `pageSize` and the `pageToken` of a finder whose token is bound to `finderKey|raw`. */
export function cursorPage(
  req: SandboxRequest,
  finderKey: string,
  raw: string | undefined,
): { ok: true; size: number; offset: number } | { ok: false; res: SandboxResponse } {
  const size = req.query['pageSize'] === undefined ? DEFAULT_PAGE_SIZE : Number(req.query['pageSize']);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
    return { ok: false, res: apiError(400, 'ILLEGAL_ARGUMENT', `pageSize must be between 1 and ${MAX_PAGE_SIZE}`) };
  let offset = 0;
  const token = req.query['pageToken'];
  if (token) {
    const decoded = /^(\d+)\|(.*)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!decoded || decoded[2] !== `${finderKey}|${raw ?? ''}`)
      return { ok: false, res: apiError(400, 'ILLEGAL_ARGUMENT', 'Invalid pageToken') };
    offset = Number(decoded[1]);
  }
  return { ok: true, size, offset };
}

function searchRequest(req: SandboxRequest, finderKey: string): Page {
  if (req.query['q'] !== 'search')
    return {
      ok: false,
      res: apiError(400, 'ILLEGAL_ARGUMENT', `Invalid value for param "q": ${req.query['q'] ?? ''}; expected "search"`),
    };
  let facets: Record<string, string[]> = {};
  const raw = rawParam(req.url.search, 'search');
  if (raw !== undefined && raw !== '') {
    try {
      facets = searchFacets(parseRestli(raw));
    } catch (err) {
      if (err instanceof RestliError)
        return {
          ok: false,
          res: apiError(400, 'ILLEGAL_ARGUMENT', `Invalid query parameters passed to request: search (${err.message})`),
        };
      throw err;
    }
  }
  const page = cursorPage(req, finderKey, raw);
  if (!page.ok) return page;
  return { ok: true, facets, size: page.size, offset: page.offset };
}

export function pageOf(
  items: unknown[],
  p: { size: number; offset: number },
  finderKey: string,
  raw: string | undefined,
): SandboxResponse {
  const page = items.slice(p.offset, p.offset + p.size);
  const next =
    p.offset + p.size < items.length
      ? Buffer.from(`${p.offset + p.size}|${finderKey}|${raw ?? ''}`).toString('base64url')
      : undefined;
  return json(200, { elements: page, metadata: next ? { nextPageToken: next } : {} });
}

export function apiRoutes(r: Router, ctx: LinkedInContext): void {
  const memberAccount = (
    req: SandboxRequest,
    id: string | undefined,
  ): { ok: true; account: AdAccount } | { ok: false; res: SandboxResponse } => {
    const account = ctx.world.accounts.find((a) => String(a.id) === id);
    if (!account) {
      return /^\d+$/.test(id ?? '')
        ? { ok: false, res: apiError(403, 'ACCESS_DENIED', `Not enough permissions to access: ${req.path}`, 100) }
        : { ok: false, res: apiError(400, 'ILLEGAL_ARGUMENT', `Invalid ad account id: ${id ?? ''}`) };
    }
    return { ok: true, account };
  };

  r.add('GET', '/rest/adAccountUsers', (req) => {
    const pre = precheck(ctx, req, 'adAccountUsers');
    if (!pre.ok) return pre.res;
    if (req.query['q'] !== 'authenticatedUser')
      return apiError(400, 'ILLEGAL_ARGUMENT', 'Invalid value for param "q"; expected "authenticatedUser"');
    const elements = ctx.world.accounts.map((a) => ({
      account: accountUrn(a),
      role: a.role,
      user: `urn:li:person:${ctx.world.member.id}`,
      changeAuditStamps: a.changeAuditStamps,
    }));
    const start = Number(req.query['start'] ?? 0);
    const count = Number(req.query['count'] ?? 10);
    return json(200, { elements: elements.slice(start, start + count), paging: { start, count, links: [] } });
  });

  r.add('GET', '/rest/adAccounts', (req) => {
    const pre = precheck(ctx, req, 'adAccounts');
    if (!pre.ok) return pre.res;
    const p = searchRequest(req, 'adAccounts');
    if (!p.ok) return p.res;
    const all = ctx.world.accounts.map(accountJson).filter((a) => matchesFacets(a, p.facets));
    return pageOf(all, p, 'adAccounts', rawParam(req.url.search, 'search'));
  });

  r.add('GET', '/rest/adAccounts/:id', (req) => {
    const pre = precheck(ctx, req, 'adAccounts');
    if (!pre.ok) return pre.res;
    const acc = memberAccount(req, req.params['id']);
    return acc.ok ? json(200, accountJson(acc.account)) : acc.res;
  });

  for (const [path, kind] of [
    ['adCampaignGroups', 'groups'],
    ['adCampaigns', 'campaigns'],
  ] as const) {
    r.add('GET', `/rest/adAccounts/:id/${path}`, (req) => {
      const pre = precheck(ctx, req, path);
      if (!pre.ok) return pre.res;
      const acc = memberAccount(req, req.params['id']);
      if (!acc.ok) return acc.res;
      const key = `${path}:${acc.account.id}`;
      const p = searchRequest(req, key);
      if (!p.ok) return p.res;
      const urn = accountUrn(acc.account);
      const list = (kind === 'groups' ? ctx.world.groups : ctx.world.campaigns) as unknown as Record<string, unknown>[];
      const all = list.filter((e) => e['account'] === urn && matchesFacets(e, p.facets));
      return pageOf(all, p, key, rawParam(req.url.search, 'search'));
    });
    r.add('GET', `/rest/adAccounts/:id/${path}/:entityId`, (req) => {
      const pre = precheck(ctx, req, path);
      if (!pre.ok) return pre.res;
      const acc = memberAccount(req, req.params['id']);
      if (!acc.ok) return acc.res;
      const list = (kind === 'groups' ? ctx.world.groups : ctx.world.campaigns) as unknown as Record<string, unknown>[];
      const e = list.find(
        (x) => x['account'] === accountUrn(acc.account) && String(x['id']) === req.params['entityId'],
      );
      return e ? json(200, e) : apiError(404, 'NOT_FOUND', `${path} ${req.params['entityId'] ?? ''} does not exist`);
    });
  }
}
