import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { call, form, startSandbox, T0, type Res } from '../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, decide, postToken, redirectOf } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type LinkedInRunningSandbox, type LinkedInSandboxOptions } from './sandbox.ts';

const DAY = 86_400_000;
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

async function startLinkedIn(t: TestContext, opts: LinkedInSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 5, size: 2000, autoConsent: true, ...opts });
}

/** Rest.li 2.0: parentheses and commas stay literal; only URN characters are encoded. */
function rest(
  sb: LinkedInRunningSandbox,
  pathAndQuery: string,
  token: string,
  headers: Record<string, string | null> = {},
): Promise<Res> {
  const h: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'LinkedIn-Version': sb.version,
    'X-Restli-Protocol-Version': '2.0.0',
  };
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) delete h[k];
    else h[k] = v;
  }
  return call(`${sb.apiUrl}${pathAndQuery}`, { headers: h });
}

async function authorize(
  sb: LinkedInRunningSandbox,
  extra: Record<string, string> = {},
  rawScope = 'r_ads,rw_ads,r_ads_reporting',
): Promise<URL> {
  // The official JS client sends comma-separated scopes unencoded.
  return redirectOf(`${codeRequestUrl(sb, REDIRECT, { state: 'st-li', ...extra })}&scope=${rawScope}`);
}

function exchange(sb: LinkedInRunningSandbox, code: string, extra: Record<string, string> = {}): Promise<Res> {
  return postToken(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra });
}

function refresh(sb: LinkedInRunningSandbox, token: string): Promise<Res> {
  return postToken(sb, { grant_type: 'refresh_token', refresh_token: token });
}

/** Follows `metadata.nextPageToken` from `path` to the last page; the ids of every element, in order. */
async function pagedIds(sb: LinkedInRunningSandbox, token: string, path: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  let next: string | undefined;
  do {
    const res = await rest(sb, `${path}${next ? `&pageToken=${next}` : ''}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    seen.push(...res.body.elements.map((e: any) => e.id));
    next = res.body.metadata.nextPageToken;
  } while (next);
  return seen;
}

async function connect(sb: LinkedInRunningSandbox): Promise<Res> {
  const loc = await authorize(sb);
  const tok = await exchange(sb, loc.searchParams.get('code') ?? '');
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  return tok;
}

test('authorize with comma scopes (auto consent) → code + state → 60-day token and 365-day refresh token; reused code fails', async (t) => {
  const { sb } = await startLinkedIn(t);
  const loc = await authorize(sb);
  assert.equal(loc.searchParams.get('state'), 'st-li');
  const code = loc.searchParams.get('code') ?? '';
  const tok = await exchange(sb, code);
  assert.equal(tok.status, 200);
  assert.equal(tok.body.expires_in, 5_184_000);
  assert.equal(tok.body.refresh_token_expires_in, 31_536_000);
  assert.equal(tok.body.scope, 'r_ads,rw_ads,r_ads_reporting');
  assert.ok(tok.body.refresh_token);

  const accounts = await rest(sb, '/adAccounts?q=search&search=(status:(values:List(ACTIVE)))', tok.body.access_token);
  assert.equal(accounts.status, 200, JSON.stringify(accounts.body));
  assert.deepEqual(
    accounts.body.elements.map((a: any) => a.id),
    sb
      .world()
      .accounts.filter((a) => a.status === 'ACTIVE')
      .map((a) => a.id),
  );
  assert.equal(accounts.body.metadata.nextPageToken, undefined);
  assert.equal(accounts.headers.get('x-restli-protocol-version'), '2.0.0');

  const reused = await exchange(sb, code);
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_request');
  assert.match(reused.body.error_description, /authorization code expired/);

  // Space-separated scopes are accepted too.
  const spaced = await authorize(sb, {}, 'r_ads%20r_ads_reporting');
  assert.ok(spaced.searchParams.get('code'));
});

test('consent page: Deny → user_cancelled_authorize with state; unknown scope → unauthorized_scope_error', async (t) => {
  const { sb } = await startLinkedIn(t, { autoConsent: false, appName: 'Agency Hub' });
  const page = await call(codeRequestUrl(sb, REDIRECT, { state: 'st-li', scope: 'r_ads rw_ads' }));
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  assert.match(page.body, /rw_ads/);
  const deny = await decide(sb.url, page, 'deny');
  assert.equal(deny.searchParams.get('error'), 'user_cancelled_authorize');
  assert.equal(deny.searchParams.get('state'), 'st-li');
  assert.equal(deny.searchParams.get('code'), null);
  const allow = await decide(sb.url, page, 'allow');
  assert.equal((await exchange(sb, allow.searchParams.get('code') ?? '')).status, 200);

  const bad = await call(codeRequestUrl(sb, REDIRECT, { state: 's', scope: 'r_ads w_everything' }));
  const badLoc = new URL(bad.headers.get('location') ?? '');
  assert.equal(badLoc.searchParams.get('error'), 'unauthorized_scope_error');
  assert.match(badLoc.searchParams.get('error_description') ?? '', /w_everything/);
});

test('expired access token → 401 EXPIRED_ACCESS_TOKEN; refresh gives a new token, keeps the refresh TTL fixed and counts', async (t) => {
  const { sb, clock } = await startLinkedIn(t);
  const tok = await connect(sb);
  clock.t += 60 * DAY;
  const expired = await rest(sb, '/adAccounts?q=search', tok.body.access_token);
  assert.equal(expired.status, 401);
  assert.deepEqual(expired.body, {
    status: 401,
    serviceErrorCode: 65602,
    code: 'EXPIRED_ACCESS_TOKEN',
    message: 'The token used in the request has expired',
  });
  const r1 = await refresh(sb, tok.body.refresh_token);
  assert.equal(r1.status, 200, JSON.stringify(r1.body));
  assert.equal(r1.body.expires_in, 5_184_000);
  assert.equal(r1.body.refresh_token, tok.body.refresh_token);
  assert.equal(r1.body.refresh_token_expires_in, 31_536_000 - 60 * 86_400);
  assert.equal((await rest(sb, '/adAccounts?q=search', r1.body.access_token)).status, 200);
  assert.equal(sb.tokens.refreshCount(tok.body.refresh_token), 1);
  clock.t += 305 * DAY;
  const dead = await refresh(sb, tok.body.refresh_token);
  assert.equal(dead.status, 400);
  assert.equal(dead.body.error, 'invalid_grant');

  const invalid = await rest(sb, '/adAccounts?q=search', 'garbage');
  assert.deepEqual(invalid.body, {
    status: 401,
    serviceErrorCode: 65600,
    code: 'INVALID_ACCESS_TOKEN',
    message: 'Invalid access token',
  });
});

test('rotateRefreshTokens: the old refresh token fails with invalid_grant; programmaticRefresh off → no refresh token', async (t) => {
  const { sb } = await startLinkedIn(t, { rotateRefreshTokens: true });
  const tok = await connect(sb);
  const r1 = await refresh(sb, tok.body.refresh_token);
  assert.notEqual(r1.body.refresh_token, tok.body.refresh_token);
  const old = await refresh(sb, tok.body.refresh_token);
  assert.equal(old.status, 400);
  assert.equal(old.body.error, 'invalid_grant');
  const r2 = await refresh(sb, r1.body.refresh_token);
  assert.equal(r2.status, 200);
  assert.equal(sb.tokens.refreshCount(r2.body.refresh_token), 2);

  const plain = await startLinkedIn(t, { programmaticRefresh: false });
  const noRefresh = await connect(plain.sb);
  assert.equal(noRefresh.body.refresh_token, undefined);
  assert.equal(noRefresh.body.refresh_token_expires_in, undefined);
  assert.equal((await refresh(plain.sb, 'anything')).status, 400);
});

test('token endpoint errors: wrong secret → 401 invalid_client; redirect mismatch; PKCE verifier mismatch', async (t) => {
  const { sb } = await startLinkedIn(t);
  const code = (await authorize(sb)).searchParams.get('code') ?? '';
  const wrong = await exchange(sb, code, { client_secret: 'nope' });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { error: 'invalid_client', error_description: 'Client authentication failed' });
  const code2 = (await authorize(sb)).searchParams.get('code') ?? '';
  assert.equal((await exchange(sb, code2, { redirect_uri: 'http://127.0.0.1:9/other' })).body.error, 'invalid_request');
  const verifier = 'x'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const code3 =
    (await authorize(sb, { code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code') ?? '';
  assert.equal((await exchange(sb, code3, { code_verifier: 'y'.repeat(50) })).status, 400);
  const code4 =
    (await authorize(sb, { code_challenge: challenge, code_challenge_method: 'S256' })).searchParams.get('code') ?? '';
  assert.equal((await exchange(sb, code4, { code_verifier: verifier })).status, 200);
  const json = await call(sb.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'authorization_code' }),
  });
  assert.equal(json.status, 400);
});

test('introspection and revocation: revoked tokens answer 65601 and introspect as revoked', async (t) => {
  const { sb } = await startLinkedIn(t);
  const tok = await connect(sb);
  const intro = await call(
    sb.introspectUrl,
    form({ client_id: sb.clientId, client_secret: sb.clientSecret, token: tok.body.access_token }),
  );
  assert.equal(intro.body.active, true);
  assert.equal(intro.body.status, 'active');
  assert.equal(intro.body.scope, 'r_ads,rw_ads,r_ads_reporting');
  assert.equal(intro.body.expires_at, Math.floor(T0 / 1000) + 5_184_000);
  const revoked = await call(
    sb.revokeUrl,
    form({ client_id: sb.clientId, client_secret: sb.clientSecret, token: tok.body.access_token }),
  );
  assert.equal(revoked.status, 200);
  const after = await rest(sb, '/adAccounts?q=search', tok.body.access_token);
  assert.equal(after.status, 401);
  assert.equal(after.body.serviceErrorCode, 65601);
  assert.equal(after.body.code, 'REVOKED_ACCESS_TOKEN');
  const intro2 = await call(
    sb.introspectUrl,
    form({ client_id: sb.clientId, client_secret: sb.clientSecret, token: tok.body.access_token }),
  );
  assert.equal(intro2.body.active, false);
  assert.equal(intro2.body.status, 'revoked');
  assert.equal((await refresh(sb, tok.body.refresh_token)).body.error, 'invalid_grant');
});

test('version headers: missing LinkedIn-Version → 400 VERSION_MISSING, sunset → 426, missing Rest.li protocol → 400', async (t) => {
  const { sb } = await startLinkedIn(t);
  const token = sb.mintToken();
  const missing = await rest(sb, '/adAccounts?q=search', token, { 'LinkedIn-Version': null });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.code, 'VERSION_MISSING');
  const sunset = await rest(sb, '/adAccounts?q=search', token, { 'LinkedIn-Version': '202401' });
  assert.equal(sunset.status, 426);
  assert.equal((await rest(sb, '/adAccounts?q=search', token, { 'LinkedIn-Version': '202512' })).status, 200);
  assert.equal((await rest(sb, '/adAccounts?q=search', token, { 'X-Restli-Protocol-Version': null })).status, 400);
  const noScope = sb.mintToken({ scopes: ['r_basicprofile'] });
  assert.equal((await rest(sb, '/adAccounts?q=search', noScope)).status, 403);
});

test('search finders page with pageSize/pageToken; campaign search by group URN; money as decimal strings', async (t) => {
  const { sb } = await startLinkedIn(t);
  const token = sb.mintToken();
  const users = await rest(sb, '/adAccountUsers?q=authenticatedUser', token);
  assert.equal(users.body.elements.length, sb.world().accounts.length);
  assert.match(users.body.elements[0].account, /^urn:li:sponsoredAccount:\d+$/);

  assert.deepEqual(
    await pagedIds(sb, token, '/adAccounts?q=search&pageSize=1'),
    sb.world().accounts.map((a) => a.id),
  );

  const account = sb.world().accounts[0]!;
  const group = sb.world().groups.find((g) => g.account === `urn:li:sponsoredAccount:${account.id}`)!;
  const urn = encodeURIComponent(`urn:li:sponsoredCampaignGroup:${group.id}`);
  const camps = await rest(
    sb,
    `/adAccounts/${account.id}/adCampaigns?q=search&search=(campaignGroup:(values:List(${urn})))`,
    token,
  );
  assert.equal(camps.status, 200, JSON.stringify(camps.body));
  const expected = sb.world().campaigns.filter((c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${group.id}`);
  assert.deepEqual(
    camps.body.elements.map((c: any) => c.id),
    expected.map((c) => c.id),
  );
  for (const c of camps.body.elements) {
    assert.match(c.dailyBudget.amount, /^\d+\.\d{2}$/);
    assert.equal(c.dailyBudget.currencyCode, account.currency);
    assert.equal(typeof c.runSchedule.start, 'number');
  }
  const one = await rest(sb, `/adAccounts/${account.id}`, token);
  assert.equal(one.body.id, account.id);
  assert.equal(one.body.role, undefined);
  const broken = await rest(sb, '/adAccounts?q=search&search=(status:(values:List(ACTIVE)', token);
  assert.equal(broken.status, 400);

  sb.remote.edit(String(expected[0]?.id ?? group.id), { status: 'PAUSED' });
  const paused = await rest(
    sb,
    `/adAccounts/${account.id}/adCampaigns?q=search&search=(status:(values:List(PAUSED)))`,
    token,
  );
  assert.ok(paused.body.elements.length >= 1);
});

test('rate-limit fault → 429 with the throttle message and no rate-limit headers', async (t) => {
  const { sb } = await startLinkedIn(t);
  const token = sb.mintToken();
  await call(`${sb.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'rate_limit', pathPrefix: '/rest/adAccounts' }),
  });
  const limited = await rest(sb, '/adAccounts?q=search', token);
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.body, {
    message: 'Resource level throttle limit for calls to this resource is reached.',
    status: 429,
  });
  assert.equal(limited.headers.get('retry-after'), null);
  assert.equal(
    [...limited.headers.keys()].some((k) => k.includes('rate-limit') || k.includes('ratelimit')),
    false,
  );
  assert.equal((await rest(sb, '/adAccounts?q=search', token)).status, 200);
});

test('creatives: q=criteria with campaigns facet and cursor paging; adAnalytics CREATIVE/DAILY rows in LinkedIn shape; delete cascades', async (t) => {
  const { sb } = await startLinkedIn(t);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const mine = sb.world().creatives.filter((c) => c.account === `urn:li:sponsoredAccount:${account.id}`);
  assert.deepEqual(
    await pagedIds(sb, token, `/adAccounts/${account.id}/creatives?q=criteria&pageSize=2`),
    mine.map((c) => c.id),
  );
  const campaign = mine[0]!.campaign;
  const one = await rest(
    sb,
    `/adAccounts/${account.id}/creatives?q=criteria&campaigns=List(${encodeURIComponent(campaign)})`,
    token,
  );
  assert.deepEqual(
    one.body.elements.map((c: any) => c.campaign),
    mine.filter((c) => c.campaign === campaign).map((c) => c.campaign),
  );

  const w = sb.world();
  const day = w.firstDay;
  const [y, m, d] = day.split('-').map(Number);
  const res = await rest(
    sb,
    `/adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY&dateRange=(start:(year:${y},month:${m},day:${d}),end:(year:${y},month:${m},day:${d}))&accounts=List(${encodeURIComponent(`urn:li:sponsoredAccount:${account.id}`)})&fields=impressions,clicks,costInLocalCurrency,externalWebsiteConversions,dateRange,pivotValues`,
    token,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.elements.length > 0);
  const row = res.body.elements[0];
  assert.deepEqual(row.dateRange, { start: { year: y, month: m, day: d }, end: { year: y, month: m, day: d } });
  assert.equal(typeof row.costInLocalCurrency, 'string');
  assert.equal(typeof row.impressions, 'number');
  assert.match(row.pivotValues[0], /^urn:li:sponsoredCreative:\d+$/);
  const noReporting = sb.mintToken({ scopes: ['r_ads'] });
  assert.equal(
    (
      await rest(
        sb,
        `/adAnalytics?q=analytics&pivot=CREATIVE&timeGranularity=DAILY&dateRange=(start:(year:${y},month:${m},day:${d}))&accounts=List(x)&fields=impressions`,
        noReporting,
      )
    ).status,
    403,
  );

  const before = sb.counts();
  const group = w.groups.find((g) =>
    w.campaigns.some((c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${g.id}`),
  )!;
  const under = w.campaigns.filter((c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${group.id}`);
  sb.remote.delete(String(group.id));
  const after = sb.counts();
  assert.equal(after.groups, before.groups - 1);
  assert.equal(after.campaigns, before.campaigns - under.length);
  assert.ok(after.creatives < before.creatives);
});
