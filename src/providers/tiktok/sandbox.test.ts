import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { call, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { decide } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type TikTokRunningSandbox, type TikTokSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

async function startTikTok(t: TestContext, opts: TikTokSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 4, size: 2000, autoConsent: true, ...opts });
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

function get(
  sb: TikTokRunningSandbox,
  path: string,
  token: string | undefined,
  query: Record<string, string> = {},
): Promise<Res> {
  const q = new URLSearchParams(query);
  return call(`${sb.apiUrl}${path}${q.size ? `?${q.toString()}` : ''}`, {
    headers: token === undefined ? {} : { 'Access-Token': token },
  });
}

/** Application errors are HTTP 200 with a non-zero code in the envelope. */
function assertCode(res: Res, code: number): void {
  assert.equal(res.status, 200, `TikTok answers HTTP 200 even for errors: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.code, code, JSON.stringify(res.body));
  assert.equal(typeof res.body.message, 'string');
  assert.match(res.body.request_id, /^\d{14}[0-9A-F]+$/);
  assert.ok('data' in res.body);
}

async function authorize(sb: TikTokRunningSandbox): Promise<URL> {
  const q = new URLSearchParams({ app_id: sb.appId, redirect_uri: REDIRECT, state: 'st-tt' });
  const res = await call(`${sb.authorizeUrl}?${q.toString()}`);
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location') ?? '');
}

function exchange(sb: TikTokRunningSandbox, authCode: string, secret = sb.secret): Promise<Res> {
  return post(`${sb.apiUrl}/oauth2/access_token/`, { app_id: sb.appId, secret, auth_code: authCode });
}

test('authorize (auto consent) → auth_code + state → long-term token; advertiser list with Access-Token; reused code fails', async (t) => {
  const { sb, clock } = await startTikTok(t);
  const loc = await authorize(sb);
  assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'st-tt');
  const authCode = loc.searchParams.get('auth_code') ?? '';
  assert.ok(authCode);
  assert.equal(loc.searchParams.get('code'), authCode);

  const tok = await exchange(sb, authCode);
  assertCode(tok, 0);
  assert.equal(tok.body.message, 'OK');
  assert.match(tok.body.data.access_token, /^[0-9a-f]{40}$/);
  assert.deepEqual(tok.body.data.advertiser_ids, sb.advertiserIds());
  assert.deepEqual(tok.body.data.scope, [1, 2, 3, 4]);
  assert.equal(tok.body.data.refresh_token, undefined);

  const token = tok.body.data.access_token;
  const advertisers = await get(sb, '/oauth2/advertiser/get/', token, { app_id: sb.appId, secret: sb.secret });
  assertCode(advertisers, 0);
  assert.deepEqual(
    advertisers.body.data.list.map((a: any) => a.advertiser_id),
    sb.advertiserIds(),
  );
  assert.equal(typeof advertisers.body.data.list[0].advertiser_name, 'string');

  // Long-term tokens have no timer.
  clock.t += 400 * 86_400_000;
  assertCode(await get(sb, '/oauth2/advertiser/get/', token, { app_id: sb.appId, secret: sb.secret }), 0);

  assertCode(await exchange(sb, authCode), 40110);
  assertCode(await exchange(sb, 'not-a-code'), 40110);
});

test('consent page: Deny redirects back without an auth_code and with the state; Allow issues one', async (t) => {
  const { sb } = await startTikTok(t, { autoConsent: false, appName: 'Agency Hub' });
  const q = new URLSearchParams({ app_id: sb.appId, redirect_uri: REDIRECT, state: 'st-tt' });
  const page = await call(`${sb.authorizeUrl}?${q.toString()}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  const deny = await decide(sb.url, page, 'deny');
  assert.equal(deny.searchParams.get('auth_code'), null);
  assert.equal(deny.searchParams.get('error'), 'access_denied');
  assert.equal(deny.searchParams.get('state'), 'st-tt');
  const allow = await decide(sb.url, page, 'allow');
  assertCode(await exchange(sb, allow.searchParams.get('auth_code') ?? ''), 0);
  assert.equal((await call(`${sb.authorizeUrl}?app_id=999&redirect_uri=${encodeURIComponent(REDIRECT)}`)).status, 400);
});

test('token call errors stay HTTP 200: wrong secret 40101, unknown app 40113, missing field 40002, expired auth_code 40110', async (t) => {
  const { sb, clock } = await startTikTok(t);
  const code = (await authorize(sb)).searchParams.get('auth_code') ?? '';
  assertCode(await exchange(sb, code, 'wrong-secret'), 40101);
  assertCode(
    await post(`${sb.apiUrl}/oauth2/access_token/`, { app_id: '1', secret: sb.secret, auth_code: 'x' }),
    40113,
  );
  assertCode(await post(`${sb.apiUrl}/oauth2/access_token/`, { app_id: sb.appId, secret: sb.secret }), 40002);
  const late = (await authorize(sb)).searchParams.get('auth_code') ?? '';
  clock.t += 3600 * 1000;
  assertCode(await exchange(sb, late), 40110);
  // Standard OAuth field names are not understood.
  assertCode(
    await post(`${sb.apiUrl}/oauth2/access_token/`, { client_id: sb.appId, client_secret: sb.secret, code: late }),
    40002,
  );
});

test('token problems on API calls: 40104 without the header, 40105 for a bad token, 40102 once a timed token expires', async (t) => {
  const { sb, clock } = await startTikTok(t, { accessTokenTtlSeconds: 86_400 });
  const id = sb.advertiserIds()[0] ?? '';
  const q = { advertiser_ids: JSON.stringify([id]) };
  assertCode(await get(sb, '/advertiser/info/', undefined, q), 40104);
  assertCode(await get(sb, '/advertiser/info/', 'garbage', q), 40105);
  const token = sb.mintToken();
  const info = await get(sb, '/advertiser/info/', token, q);
  assertCode(info, 0);
  assert.equal(info.body.data.list[0].advertiser_id, id);
  // Authorization: Bearer is not how TikTok takes the token.
  assertCode(
    await call(`${sb.apiUrl}/advertiser/info/?advertiser_ids=${encodeURIComponent(JSON.stringify([id]))}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
    40104,
  );
  clock.t += 86_400 * 1000;
  assertCode(await get(sb, '/advertiser/info/', token, q), 40102);
});

test('revoke_token ends the token (40105 afterwards); wrong secret cannot revoke', async (t) => {
  const { sb } = await startTikTok(t);
  const token = sb.mintToken();
  assertCode(
    await post(`${sb.apiUrl}/oauth2/revoke_token/`, { app_id: sb.appId, secret: 'nope', access_token: token }),
    40101,
  );
  assertCode(
    await post(`${sb.apiUrl}/oauth2/revoke_token/`, { app_id: sb.appId, secret: sb.secret, access_token: token }),
    0,
  );
  assertCode(await get(sb, '/oauth2/advertiser/get/', token, { app_id: sb.appId, secret: sb.secret }), 40105);
  assert.equal(sb.tokens.refreshCount(token), 0);
});

test('campaign/get: JSON-encoded params, page/page_size with page_info, budgets as floats, deleted hidden unless STATUS_ALL', async (t) => {
  const { sb } = await startTikTok(t);
  const token = sb.mintToken();
  const id = sb.advertiserIds()[0] ?? '';
  const mine = sb.world().campaigns.filter((c) => c.advertiser_id === id);
  const visible = mine.filter((c) => c.secondary_status !== 'CAMPAIGN_STATUS_DELETE');
  const seen: string[] = [];
  let page = 1;
  for (;;) {
    const res = await get(sb, '/campaign/get/', token, {
      advertiser_id: id,
      page: String(page),
      page_size: '3',
      fields: JSON.stringify(['campaign_id', 'campaign_name', 'budget', 'operation_status']),
    });
    assertCode(res, 0);
    assert.equal(res.body.data.page_info.total_number, visible.length);
    assert.equal(res.body.data.page_info.page_size, 3);
    for (const c of res.body.data.list) {
      assert.deepEqual(Object.keys(c).sort(), ['budget', 'campaign_id', 'campaign_name', 'operation_status']);
      assert.equal(typeof c.budget, 'number');
      seen.push(c.campaign_id);
    }
    if (page >= res.body.data.page_info.total_page) break;
    page++;
  }
  assert.deepEqual(seen.sort(), visible.map((c) => c.campaign_id).sort());
  const all = await get(sb, '/campaign/get/', token, {
    advertiser_id: id,
    page_size: '1000',
    filtering: JSON.stringify({ secondary_status: 'CAMPAIGN_STATUS_ALL' }),
  });
  assert.equal(all.body.data.list.length, mine.length);

  assertCode(await get(sb, '/campaign/get/', token, { advertiser_id: id, page_size: '1001' }), 40002);
  assertCode(await get(sb, '/campaign/get/', token, { advertiser_id: id, filtering: '{not json' }), 40002);
  assertCode(await get(sb, '/campaign/get/', token, { advertiser_id: '123' }), 40001);

  const noSlash = await call(`${sb.apiUrl}/campaign/get?advertiser_id=${id}`, { headers: { 'Access-Token': token } });
  assert.equal(noSlash.status, 404);
  assertCode(
    await call(`${sb.url}/open_api/v9.9/campaign/get/?advertiser_id=${id}`, { headers: { 'Access-Token': token } }),
    40051,
  );

  const target = visible[0]!;
  sb.remote.delete(target.campaign_id);
  const after = await get(sb, '/campaign/get/', token, { advertiser_id: id, page_size: '1000' });
  assert.equal(
    after.body.data.list.some((c: any) => c.campaign_id === target.campaign_id),
    false,
  );
});

test('rate-limit fault → HTTP 200 with code 40100 and no rate-limit headers; the next call succeeds', async (t) => {
  const { sb } = await startTikTok(t);
  const token = sb.mintToken();
  const id = sb.advertiserIds()[0] ?? '';
  const added = await post(`${sb.url}/__sandbox/faults`, {
    kind: 'rate_limit',
    pathPrefix: '/open_api/v1.3/campaign/',
  });
  assert.equal(added.status, 201);
  const limited = await get(sb, '/campaign/get/', token, { advertiser_id: id });
  assertCode(limited, 40100);
  assert.equal(limited.headers.get('retry-after'), null);
  assertCode(await get(sb, '/campaign/get/', token, { advertiser_id: id }), 0);
  const log = await call(`${sb.url}/__sandbox/requests?path_includes=/campaign/`);
  assert.equal(log.body.requests.length, 2);
  assert.match(log.body.requests[0].headers['access-token'], /^\*\*\*/);
});

test('adgroup/get, ad/get and report/integrated/get: STATUS_ALL listing, string metrics, page_info; a large world starts fast', async (t) => {
  const { sb } = await startTikTok(t);
  const token = sb.mintToken();
  const id = sb.advertiserIds()[0] ?? '';
  const w = sb.world();
  const ads = w.ads.filter((a) => a.advertiser_id === id);
  const all = await get(sb, '/ad/get/', token, {
    advertiser_id: id,
    page_size: '1000',
    filtering: JSON.stringify({ secondary_status: 'AD_STATUS_ALL' }),
  });
  assertCode(all, 0);
  assert.equal(all.body.data.page_info.total_number, ads.length);
  const groups = await get(sb, '/adgroup/get/', token, {
    advertiser_id: id,
    page_size: '2',
    fields: JSON.stringify(['adgroup_id', 'budget', 'secondary_status']),
  });
  assertCode(groups, 0);
  assert.ok(
    groups.body.data.list.every((g: { secondary_status: string }) => g.secondary_status !== 'ADGROUP_STATUS_DELETE'),
  );
  assert.deepEqual(Object.keys(groups.body.data.list[0]), ['adgroup_id', 'budget', 'secondary_status']);
  const report = await get(sb, '/report/integrated/get/', token, {
    advertiser_id: id,
    report_type: 'BASIC',
    data_level: 'AUCTION_AD',
    dimensions: JSON.stringify(['ad_id', 'stat_time_day']),
    metrics: JSON.stringify(['spend', 'impressions', 'clicks', 'conversion']),
    start_date: w.firstDay,
    end_date: w.firstDay,
    page_size: '1000',
  });
  assertCode(report, 0);
  assert.equal(report.body.data.page_info.total_number, ads.length);
  const row = report.body.data.list[0];
  assert.match(row.dimensions.stat_time_day, /^\d{4}-\d{2}-\d{2} 00:00:00$/);
  assert.match(row.metrics.spend, /^\d+\.\d{2}$/);
  assert.equal(typeof row.metrics.impressions, 'string');
  const bad = await get(sb, '/report/integrated/get/', token, {
    advertiser_id: id,
    report_type: 'BASIC',
    dimensions: JSON.stringify(['ad_id', 'stat_time_day']),
    metrics: JSON.stringify(['nope']),
    start_date: w.firstDay,
    end_date: w.firstDay,
  });
  assertCode(bad, 40002);
  const started = Date.now();
  const big = await sandbox.start({ seed: 1, size: 2_000_000 });
  try {
    assert.ok(Date.now() - started < 5000);
    assert.equal(big.counts().metricRows >= 2_000_000, true);
  } finally {
    await big.close();
  }
});
