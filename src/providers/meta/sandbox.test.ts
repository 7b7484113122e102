import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { meta } from './index.ts';
import { verify } from '../kit/webhook-schemes/hmac-sha256-hex.ts';
import {
  callWithCredential,
  form,
  jsonPost,
  receiver,
  startSandbox,
  T0,
  type Res,
} from '../../../test/helpers/sandbox-http.ts';
import { consentForm, decide } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type MetaRunningSandbox, type MetaSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

async function startMeta(t: TestContext, opts: MetaSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 11, size: 3000, autoConsent: true, ...opts });
}

const call = callWithCredential('token', 'authorization', 'Bearer ');

function dialogUrl(sb: MetaRunningSandbox, scope = 'ads_read,ads_management'): string {
  const q = new URLSearchParams({
    client_id: sb.appId,
    redirect_uri: REDIRECT,
    state: 'st-123',
    scope,
    response_type: 'code',
  });
  return `${sb.dialogUrl}?${q.toString()}`;
}

async function exchangeCode(sb: MetaRunningSandbox, code: string): Promise<Res> {
  const q = new URLSearchParams({ client_id: sb.appId, client_secret: sb.appSecret, redirect_uri: REDIRECT, code });
  return call(`${sb.graphUrl}/oauth/access_token?${q.toString()}`);
}

async function exchangeLongLived(sb: MetaRunningSandbox, token: string): Promise<Res> {
  const q = new URLSearchParams({
    grant_type: 'fb_exchange_token',
    client_id: sb.appId,
    client_secret: sb.appSecret,
    fb_exchange_token: token,
  });
  return call(`${sb.graphUrl}/oauth/access_token?${q.toString()}`);
}

/** Follows `paging.next` until it is absent and returns every row. */
async function walk(url: string, token: string): Promise<{ rows: any[]; pages: number }> {
  const rows: any[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const res = await call(next, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...res.body.data);
    pages++;
    next = res.body.paging?.next;
  }
  return { rows, pages };
}

function assertGraphError(res: Res, code: number, subcode?: number): void {
  assert.equal(typeof res.body?.error, 'object', `expected a Graph error, got ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, code);
  if (subcode !== undefined) assert.equal(res.body.error.error_subcode, subcode);
  assert.equal(typeof res.body.error.message, 'string');
  assert.equal(typeof res.body.error.type, 'string');
  assert.equal(typeof res.body.error.fbtrace_id, 'string');
}

test('the entry module loads the Meta sandbox lazily', async () => {
  const loaded = await meta.sandbox();
  assert.equal(loaded.provider, 'meta');
});

test('OAuth with auto consent: code (state echoed) → short-lived token → long-lived exchange, counted as refreshes', async (t) => {
  const { sb } = await startMeta(t);
  const dialog = await call(dialogUrl(sb));
  assert.equal(dialog.status, 302);
  const location = new URL(dialog.headers.get('location') ?? '');
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.equal(location.searchParams.get('state'), 'st-123');
  assert.equal(location.hash, '#_=_');
  const code = location.searchParams.get('code') ?? '';

  const short = await exchangeCode(sb, code);
  assert.equal(short.status, 200);
  assert.equal(short.body.token_type, 'bearer');
  assert.match(short.body.access_token, /^EAA[A-Za-z0-9]+$/);
  assert.ok(short.body.expires_in >= 3600 && short.body.expires_in <= 7200);

  const reused = await exchangeCode(sb, code);
  assertGraphError(reused, 100, 36009);

  const me = await call(`${sb.graphUrl}/me?access_token=${short.body.access_token}`);
  assert.deepEqual(me.body, { id: sb.userId, name: 'Sandbox User' });

  assert.equal(sb.tokens.refreshCount(short.body.access_token), 0);
  const long = await exchangeLongLived(sb, short.body.access_token);
  assert.equal(long.status, 200);
  assert.equal(long.body.expires_in, 5_183_944);
  assert.equal(sb.tokens.refreshCount(short.body.access_token), 1);
  const again = await exchangeLongLived(sb, long.body.access_token);
  assert.equal(again.status, 200);
  assert.equal(sb.tokens.refreshCount(again.body.access_token), 2);
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.refreshes.total, 2);

  const wrongSecret = await call(
    `${sb.graphUrl}/oauth/access_token?client_id=${sb.appId}&client_secret=nope&code=x&redirect_uri=${encodeURIComponent(REDIRECT)}`,
  );
  assertGraphError(wrongSecret, 1);

  const debug = await call(
    `${sb.graphUrl}/debug_token?input_token=${long.body.access_token}&access_token=${encodeURIComponent(sb.appToken)}`,
  );
  assert.equal(debug.body.data.is_valid, true);
  assert.equal(debug.body.data.app_id, sb.appId);
  assert.equal(debug.body.data.user_id, sb.userId);
  assert.deepEqual(debug.body.data.scopes, ['ads_read', 'ads_management']);
  assert.equal(typeof debug.body.data.issued_at, 'number');
});

test('consent page shows app and scopes; Deny redirects with Meta error params, Allow with a code', async (t) => {
  const { sb } = await startMeta(t, { autoConsent: false, appName: 'Agency Hub' });
  const page = await call(dialogUrl(sb, 'ads_read business_management'));
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  assert.match(page.body, /ads_read/);
  assert.match(page.body, /business_management/);
  assert.equal(consentForm(page).hidden['state'], 'st-123');

  const denied = await decide(sb.url, page, 'deny');
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('error_reason'), 'user_denied');
  assert.ok(denied.searchParams.get('error_description'));
  assert.equal(denied.searchParams.get('state'), 'st-123');
  assert.equal(denied.searchParams.get('code'), null);

  const allowed = await decide(sb.url, page, 'allow');
  assert.equal(allowed.searchParams.get('state'), 'st-123');
  const token = await exchangeCode(sb, allowed.searchParams.get('code') ?? '');
  assert.equal(token.status, 200);

  const badScope = await call(dialogUrl(sb, 'ads_read,not_a_scope'));
  assert.equal(badScope.status, 400);
  assert.match(badScope.body, /not_a_scope/);
  const badClient = await call(dialogUrl(sb).replace(`client_id=${sb.appId}`, 'client_id=999'));
  assert.equal(badClient.status, 400);
});

test('expired tokens fail with OAuthException 190/463 and cannot be exchanged', async (t) => {
  const { sb, clock } = await startMeta(t);
  const loc = new URL((await call(dialogUrl(sb))).headers.get('location') ?? '');
  const short = await exchangeCode(sb, loc.searchParams.get('code') ?? '');
  clock.t += short.body.expires_in * 1000;
  const res = await call(`${sb.graphUrl}/me/adaccounts`, { token: short.body.access_token });
  assert.equal(res.status, 400);
  assertGraphError(res, 190, 463);
  assert.equal(res.body.error.type, 'OAuthException');
  assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
  assertGraphError(await exchangeLongLived(sb, short.body.access_token), 190, 463);

  const debug = await call(
    `${sb.graphUrl}/debug_token?input_token=${short.body.access_token}&access_token=${encodeURIComponent(sb.appToken)}`,
  );
  assert.equal(debug.body.data.is_valid, false);
  assert.equal(debug.body.data.error.subcode, 463);

  assertGraphError(await call(`${sb.graphUrl}/me?access_token=garbage`), 190);
  assertGraphError(await call(`${sb.graphUrl}/me`), 104);
});

test('revoked tokens: DELETE /me/permissions logs the app out; control revoke invalidates a session', async (t) => {
  const { sb } = await startMeta(t);
  const a = sb.mintToken();
  const del = await call(`${sb.graphUrl}/me/permissions`, { method: 'DELETE', token: a });
  assert.equal(del.status, 200);
  assert.equal(del.body, true);
  assertGraphError(await call(`${sb.graphUrl}/me`, { token: a }), 190, 458);

  const b = sb.mintToken();
  const revoked = await call(`${sb.url}/__sandbox/revoke`, jsonPost({ token: b }));
  assert.equal(revoked.body.revoked, 1);
  assertGraphError(await call(`${sb.graphUrl}/me`, { token: b }), 190, 467);
});

test('pagination walks every page and yields exactly the seeded objects; previous goes back', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  const counts = sb.counts();
  assert.ok(counts.accounts >= 2, 'the test wants more than one account');
  const accounts = await walk(
    `${sb.graphUrl}/me/adaccounts?fields=id,account_id,name,currency,timezone_name,account_status&limit=1`,
    token,
  );
  assert.equal(accounts.rows.length, counts.accounts);
  assert.equal(accounts.pages, counts.accounts);

  let campaigns = 0;
  let ads = 0;
  for (const account of accounts.rows) {
    assert.equal(account.id, `act_${account.account_id}`);
    assert.equal(account.account_status, 1);
    const c = await walk(`${sb.graphUrl}/${account.id}/campaigns?fields=id,name,daily_budget,status&limit=3`, token);
    assert.equal(new Set(c.rows.map((r) => r.id)).size, c.rows.length, 'no duplicates across pages');
    campaigns += c.rows.length;
    const a = await walk(
      `${sb.graphUrl}/${account.id}/ads?fields=id,adset_id,campaign_id,effective_status&limit=7`,
      token,
    );
    ads += a.rows.length;
  }
  assert.equal(campaigns, counts.campaigns);
  assert.equal(ads, counts.ads);

  const first = accounts.rows[0];
  const page1 = await call(`${sb.graphUrl}/${first.id}/campaigns?fields=id&limit=2`, { token });
  assert.equal(page1.body.paging.previous, undefined);
  const page2 = await call(page1.body.paging.next, { token });
  const back = await call(page2.body.paging.previous, { token });
  assert.deepEqual(back.body.data, page1.body.data);

  const summary = await call(`${sb.graphUrl}/${first.id}/campaigns?summary=true&limit=1`, { token });
  assert.equal(
    summary.body.summary.total_count,
    sb.world().under(
      sb.world().accounts.find((x) => x.id === first.id)!,
      'campaign',
    ).length,
  );
});

test('insights: daily rows as strings, spend in major units; walking all pages gives exactly the seeded rows', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  let rows = 0;
  for (const account of sb.world().accounts) {
    const all = await walk(
      `${sb.graphUrl}/${account.id}/insights?level=ad&time_increment=1&date_preset=maximum&fields=ad_id,impressions,clicks,spend,actions&limit=500`,
      token,
    );
    rows += all.rows.length;
    const currency = String(account.fields['currency']);
    for (const r of all.rows.slice(0, 50)) {
      assert.equal(r.date_start, r.date_stop);
      assert.equal(typeof r.impressions, 'string');
      assert.match(r.spend, currency === 'JPY' ? /^\d+$/ : /^\d+\.\d{2}$/);
    }
  }
  assert.equal(rows, sb.counts().metricRows);

  const usd = sb.world().accounts[0]!;
  const last = sb.world().firstDay;
  const range = encodeURIComponent(JSON.stringify({ since: last, until: last }));
  const one = await call(
    `${sb.graphUrl}/${usd.id}/insights?level=account&time_range=${range}&fields=account_id,account_currency,impressions,spend,ctr,cpc`,
    { token },
  );
  assert.equal(one.body.data.length, 1);
  assert.equal(one.body.data[0].account_id, usd.accountId);
  assert.equal(one.body.data[0].account_currency, 'USD');
  assert.equal(one.body.paging.next, undefined);

  assertGraphError(await call(`${sb.graphUrl}/${usd.id}/insights?fields=not_a_metric`, { token }), 100);
});

test('same seed and size give identical data; a different seed gives different data', async (t) => {
  const snapshot = async (seed: number) => {
    const sb = await sandbox.start({ seed, size: 500, now: () => T0 });
    t.after(() => sb.close());
    const token = sb.mintToken();
    const accounts = await call(`${sb.graphUrl}/me/adaccounts?fields=id,name,currency,timezone_name`, { token });
    const account = accounts.body.data[0].id;
    const campaigns = await walk(
      `${sb.graphUrl}/${account}/campaigns?fields=id,name,objective,status,daily_budget,created_time`,
      token,
    );
    const adsets = await walk(
      `${sb.graphUrl}/${account}/adsets?fields=id,name,campaign_id,targeting,daily_budget`,
      token,
    );
    const insights = await walk(
      `${sb.graphUrl}/${account}/insights?level=ad&time_increment=1&date_preset=maximum&fields=ad_id,impressions,clicks,spend&limit=200`,
      token,
    );
    return {
      accounts: accounts.body.data,
      campaigns: campaigns.rows,
      adsets: adsets.rows,
      insights: insights.rows,
      counts: sb.counts(),
    };
  };
  const [a, b, c] = [await snapshot(5), await snapshot(5), await snapshot(6)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.accounts, c.accounts);
  assert.notDeepEqual(a.insights, c.insights);
});

test('a large size starts without building metric rows up front', async (t) => {
  const { sb } = await startMeta(t, { size: 100_000 });
  assert.ok(sb.counts().metricRows >= 100_000);
  assert.ok(sb.counts().ads < 2000);
});

test('campaign create: required fields, Graph error envelope, fields honoured, budgets as minor-unit strings', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!.id;
  const missing = await call(`${sb.graphUrl}/${account}/campaigns`, {
    ...form({ name: 'X', status: 'PAUSED', special_ad_categories: '[]' }),
    token,
  });
  assert.equal(missing.status, 400);
  assertGraphError(missing, 100);
  assert.match(missing.body.error.message, /objective/);
  assertGraphError(
    await call(`${sb.graphUrl}/${account}/campaigns`, {
      ...form({ name: 'X', objective: 'LINK_CLICKS', status: 'PAUSED', special_ad_categories: '[]' }),
      token,
    }),
    100,
  );

  const created = await call(`${sb.graphUrl}/${account}/campaigns`, {
    ...form({
      name: 'Winter Sale',
      objective: 'OUTCOME_TRAFFIC',
      status: 'PAUSED',
      special_ad_categories: '[]',
      daily_budget: '5000',
    }),
    token,
  });
  assert.equal(created.status, 200);
  assert.match(created.body.id, /^\d+$/);
  const read = await call(
    `${sb.graphUrl}/${created.body.id}?fields=name,daily_budget,status,effective_status,special_ad_categories`,
    { token },
  );
  assert.deepEqual(read.body, {
    id: created.body.id,
    name: 'Winter Sale',
    daily_budget: '5000',
    status: 'PAUSED',
    effective_status: 'PAUSED',
    special_ad_categories: [],
  });
  const minimal = await call(`${sb.graphUrl}/${created.body.id}`, { token });
  assert.deepEqual(Object.keys(minimal.body).sort(), ['id']);
  assertGraphError(await call(`${sb.graphUrl}/${created.body.id}?fields=name,bogus`, { token }), 100);

  const json = await call(`${sb.graphUrl}/${account}/campaigns`, {
    ...jsonPost({ name: 'JSON one', objective: 'OUTCOME_SALES', status: 'ACTIVE', special_ad_categories: [] }),
    token,
  });
  assert.equal(json.status, 200);

  const update = await call(`${sb.graphUrl}/${created.body.id}`, {
    ...form({ status: 'ACTIVE', daily_budget: '7500' }),
    token,
  });
  assert.deepEqual(update.body, { success: true });
  const del = await call(`${sb.graphUrl}/${created.body.id}`, { method: 'DELETE', token });
  assert.deepEqual(del.body, { success: true });
  const after = await call(`${sb.graphUrl}/${created.body.id}?fields=status,daily_budget`, { token });
  assert.equal(after.body.status, 'DELETED');
  assert.equal(after.body.daily_budget, '7500');

  const readOnly = sb.mintToken({ scopes: ['ads_read'] });
  const denied = await call(`${sb.graphUrl}/${account}/campaigns`, {
    ...form({ name: 'X', objective: 'OUTCOME_TRAFFIC', status: 'PAUSED', special_ad_categories: '[]' }),
    token: readOnly,
  });
  assertGraphError(denied, 200);
  assertGraphError(await call(`${sb.graphUrl}/999999999`, { token }), 100, 33);
});

test('rate-limit faults answer with Meta throttling codes and usage headers', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  sb.faults.rateLimit({ times: 1, pathPrefix: `/${account.id}/` });
  const throttled = await call(`${sb.graphUrl}/${account.id}/campaigns`, { token });
  assert.equal(throttled.status, 400);
  assertGraphError(throttled, 80004, 2446079);
  assert.equal(throttled.body.error.is_transient, true);
  const buc = JSON.parse(throttled.headers.get('x-business-use-case-usage') ?? '{}');
  const mgmt = buc[account.accountId].find((x: any) => x.type === 'ads_management');
  assert.equal(mgmt.call_count, 100);
  assert.ok(mgmt.estimated_time_to_regain_access >= 1);
  assert.equal(JSON.parse(throttled.headers.get('x-ad-account-usage') ?? '{}').acc_id_util_pct, 100);

  const ok = await call(`${sb.graphUrl}/${account.id}/campaigns`, { token });
  assert.equal(ok.status, 200);
  assert.ok(JSON.parse(ok.headers.get('x-app-usage') ?? '{}').call_count >= 0);

  // Over HTTP, as a test in another process would do it.
  const added = await call(`${sb.url}/__sandbox/faults`, jsonPost({ kind: 'rate_limit', code: 4, pathPrefix: '/me' }));
  assert.equal(added.status, 201);
  const app = await call(`${sb.graphUrl}/me`, { token });
  assertGraphError(app, 4);
  assert.equal(JSON.parse(app.headers.get('x-app-usage') ?? '{}').call_count, 100);
  const insights = await call(
    `${sb.url}/__sandbox/faults`,
    jsonPost({ kind: 'rate_limit', pathPrefix: `/${account.id}/insights` }),
  );
  assert.equal(insights.status, 201);
  assertGraphError(await call(`${sb.graphUrl}/${account.id}/insights`, { token }), 80000, 2446079);
  assert.equal((await call(`${sb.url}/__sandbox/faults`, jsonPost({ kind: 'bogus' }))).status, 400);
});

test('usage past 100% throttles until the window moves on', async (t) => {
  const { sb, clock } = await startMeta(t, { limits: { adsManagementPerHour: 3 } });
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const url = `${sb.graphUrl}/${account.id}/adsets?fields=id`;
  const pct: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await call(url, { token });
    assert.equal(res.status, 200);
    pct.push(JSON.parse(res.headers.get('x-ad-account-usage') ?? '{}').acc_id_util_pct);
  }
  assert.deepEqual(pct, [33.33, 66.67, 100]);
  const blocked = await call(url, { token });
  assertGraphError(blocked, 80004);
  const buc = JSON.parse(blocked.headers.get('x-business-use-case-usage') ?? '{}')[account.accountId];
  assert.ok(buc.find((x: any) => x.type === 'ads_management').estimated_time_to_regain_access > 0);
  clock.t += 3_600_001;
  assert.equal((await call(url, { token })).status, 200);
});

test('5xx faults use Meta transient error codes; the next call succeeds', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  sb.faults.serverError({ status: 503 });
  const unavailable = await call(`${sb.graphUrl}/me`, { token });
  assert.equal(unavailable.status, 503);
  assertGraphError(unavailable, 2);
  assert.equal(unavailable.body.error.is_transient, true);
  sb.faults.serverError();
  const unknown = await call(`${sb.graphUrl}/me`, { token });
  assert.equal(unknown.status, 500);
  assertGraphError(unknown, 1, 99);
  assert.equal((await call(`${sb.graphUrl}/me`, { token })).status, 200);
});

test('latency faults delay the answer and are recorded in the request log', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  sb.faults.latency(40, { times: 1 });
  const res = await call(`${sb.graphUrl}/me`, { token });
  assert.equal(res.status, 200);
  const entry = sb.requests.last();
  assert.equal(entry?.injectedLatencyMs, 40);
  assert.deepEqual(entry?.faults, ['latency']);
  await call(`${sb.graphUrl}/me`, { token });
  assert.equal(sb.requests.last()?.injectedLatencyMs, 0);
});

test('request log records every platform call with secrets masked; control calls are not logged', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  await call(`${sb.graphUrl}/me?fields=id`, { token });
  await call(`${sb.graphUrl}/me?access_token=${token}`);
  await call(`${sb.url}/__sandbox/stats`);
  const remote = await call(`${sb.url}/__sandbox/requests?path_prefix=/${sb.version}/me`);
  assert.equal(remote.body.requests.length, 2);
  const [bearer, query] = remote.body.requests;
  assert.equal(bearer.method, 'GET');
  assert.equal(bearer.path, `/${sb.version}/me`);
  assert.equal(bearer.status, 200);
  assert.equal(bearer.query.fields, 'id');
  assert.equal(bearer.headers.authorization, `Bearer ***${token.slice(-4)}`);
  assert.equal(query.query.access_token, `***${token.slice(-4)}`);
  assert.ok(!JSON.stringify(remote.body).includes(token));
  assert.equal(sb.requests.count(), 2);
});

test('remote edits and deletes are visible to readers; restatement changes only recent days', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const campaign = sb
    .world()
    .under(account, 'campaign')
    .find((c) => c.fields['status'] === 'ACTIVE')!;
  const ad = sb.world().under(campaign, 'ad')[0]!;
  const before = await call(`${sb.graphUrl}/${campaign.id}?fields=name,updated_time`, { token });

  sb.remote.edit(campaign.id, { name: 'Renamed in Ads Manager', status: 'PAUSED' });
  const after = await call(`${sb.graphUrl}/${campaign.id}?fields=name,status,effective_status,updated_time`, { token });
  assert.equal(after.body.name, 'Renamed in Ads Manager');
  assert.equal(after.body.effective_status, 'PAUSED');
  assert.notEqual(after.body.updated_time, before.body.updated_time);
  const child = await call(`${sb.graphUrl}/${ad.id}?fields=status,effective_status`, { token });
  assert.equal(child.body.effective_status, 'CAMPAIGN_PAUSED');

  const viaHttp = await call(
    `${sb.url}/__sandbox/remote/edit`,
    jsonPost({ id: campaign.id, patch: { daily_budget: 12300 } }),
  );
  assert.equal(viaHttp.status, 200);
  assert.equal((await call(`${sb.graphUrl}/${campaign.id}?fields=daily_budget`, { token })).body.daily_budget, '12300');

  sb.remote.delete(ad.id);
  const listed = await walk(`${sb.graphUrl}/${account.id}/ads?fields=id&limit=100`, token);
  assert.ok(!listed.rows.some((r) => r.id === ad.id));
  const deleted = await call(
    `${sb.graphUrl}/${account.id}/ads?fields=id,effective_status&effective_status=${encodeURIComponent('["DELETED"]')}`,
    { token },
  );
  assert.deepEqual(deleted.body.data, [{ id: ad.id, effective_status: 'DELETED' }]);

  const last = sb.world().firstDay;
  const days = Array.from({ length: 4 }, (_, i) =>
    new Date(Date.parse(`${last}T00:00:00Z`) + (sb.world().days - 4 + i) * 86_400_000).toISOString().slice(0, 10),
  );
  const range = encodeURIComponent(JSON.stringify({ since: days[0], until: days[3] }));
  const url = `${sb.graphUrl}/${account.id}/insights?level=account&time_increment=1&time_range=${range}&fields=impressions,spend`;
  const r1 = (await call(url, { token })).body.data;
  assert.deepEqual(sb.remote.restate(2), [days[3], days[2]]);
  const r2 = (await call(url, { token })).body.data;
  assert.deepEqual(r2.slice(0, 2), r1.slice(0, 2));
  assert.notDeepEqual(r2[2], r1[2]);
  assert.notDeepEqual(r2[3], r1[3]);
  assert.throws(() => sb.remote.edit('nope', {}));
});

test('async insights: report run → polls to Job Completed → same rows as the sync call', async (t) => {
  const { sb } = await startMeta(t, { asyncReportPolls: 3 });
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const q = 'level=campaign&time_increment=1&date_preset=last_7d&fields=campaign_id,campaign_name,impressions,spend';
  const run = await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { method: 'POST', token });
  assert.equal(run.status, 200);
  const id = run.body.report_run_id as string;
  assert.match(id, /^\d+$/);
  assertGraphError(await call(`${sb.graphUrl}/${id}/insights`, { token }), 100);

  const statuses: string[] = [];
  let status: any;
  for (let i = 0; i < 10; i++) {
    status = (await call(`${sb.graphUrl}/${id}`, { token })).body;
    statuses.push(status.async_status);
    if (status.async_status === 'Job Completed') break;
  }
  assert.deepEqual(statuses, ['Job Not Started', 'Job Running', 'Job Completed']);
  assert.equal(status.async_percent_completion, 100);
  assert.equal(status.account_id, account.accountId);

  const viaRun = await walk(`${sb.graphUrl}/${id}/insights?limit=5`, token);
  const sync = await walk(`${sb.graphUrl}/${account.id}/insights?${q}&limit=50`, token);
  assert.ok(viaRun.rows.length > 0);
  assert.deepEqual(viaRun.rows, sync.rows);

  sb.remote.failNextReport();
  const failing = await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { method: 'POST', token });
  let last: any;
  for (let i = 0; i < 10 && last?.async_status !== 'Job Failed'; i++)
    last = (await call(`${sb.graphUrl}/${failing.body.report_run_id}`, { token })).body;
  assert.equal(last.async_status, 'Job Failed');
  assertGraphError(await call(`${sb.graphUrl}/${failing.body.report_run_id}/insights`, { token }), -2, 2490547);
});

test('async insights: longer jobs pass through Job Started; Job Skipped can be injected; unknown runs are 100/33', async (t) => {
  const { sb } = await startMeta(t, { asyncReportPolls: 5 });
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const q = 'level=ad&time_increment=1&date_preset=last_7d&fields=ad_id,impressions';
  const statuses = async (id: string) => {
    const out: { status: string; pct: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const b = (await call(`${sb.graphUrl}/${id}`, { token })).body;
      out.push({ status: b.async_status, pct: b.async_percent_completion });
    }
    return out;
  };
  const ok = await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { method: 'POST', token });
  const seen = await statuses(ok.body.report_run_id);
  assert.deepEqual(
    seen.map((x) => x.status),
    ['Job Not Started', 'Job Started', 'Job Running', 'Job Running', 'Job Completed'],
  );
  assert.deepEqual(
    seen.map((x) => x.pct),
    [0, 20, 40, 60, 100],
    'completion rises with each poll',
  );

  sb.remote.failNextReport('Job Skipped');
  const skipped = await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { method: 'POST', token });
  assert.equal((await statuses(skipped.body.report_run_id)).at(-1)?.status, 'Job Skipped');
  assertGraphError(await call(`${sb.graphUrl}/${skipped.body.report_run_id}/insights`, { token }), -2, 2490547);
  assertGraphError(await call(`${sb.graphUrl}/99999999999/insights`, { token }), 100, 33);
});

test('a synchronous insights read larger than the configured rows times out with 100/1504018; the same query as a job works', async (t) => {
  const { sb } = await startMeta(t, { syncInsightsMaxRows: 100 });
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const q = 'level=ad&time_increment=1&date_preset=last_30d&fields=ad_id,impressions';
  assertGraphError(await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { token }), 100, 1504018);
  assert.equal(
    (await call(`${sb.graphUrl}/${account.id}/insights?level=account&date_preset=last_7d`, { token })).status,
    200,
    'small reads still answer',
  );
  const run = await call(`${sb.graphUrl}/${account.id}/insights?${q}`, { method: 'POST', token });
  assert.equal(run.status, 200);
});

test('historyDays spreads the seeded rows over a long history', async (t) => {
  const { sb } = await startMeta(t, { size: 100_000, historyDays: 1095 });
  const c = sb.counts();
  assert.equal(c.days, 1095);
  assert.ok(c.metricRows >= 100_000 && c.ads < 200, JSON.stringify(c));
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const old = await call(
    `${sb.graphUrl}/${account.id}/insights?level=account&time_range=${encodeURIComponent(JSON.stringify({ since: sb.world().firstDay, until: sb.world().firstDay }))}&fields=impressions`,
    { token },
  );
  assert.equal(old.body.data.length, 1, 'the first day of the history has delivery');
});

/** A subscriber that answers Meta's hub.challenge and records webhook posts verbatim. */
async function subscriber(t: TestContext, verifyToken: string, statuses: number[] = [200]) {
  const challenges: URLSearchParams[] = [];
  const rx = await receiver(t, '/webhooks/meta', statuses, {
    onGet: (url, res) => {
      challenges.push(url.searchParams);
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === verifyToken;
      res.statusCode = ok ? 200 : 403;
      res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
    },
  });
  return {
    url: rx.url,
    challenges,
    /** The posts received so far, raw bytes as sent. */
    get posts(): { raw: Buffer; headers: IncomingHttpHeaders }[] {
      return rx.got.map((g) => ({ raw: g.body, headers: g.headers }));
    },
  };
}

test('hub.challenge handshake: the subscription is only accepted when the callback echoes the challenge', async (t) => {
  const { sb } = await startMeta(t);
  const hook = await subscriber(t, 'right-token');
  const good = await sb.webhooks.verifyCallback(hook.url, 'right-token');
  assert.equal(good.ok, true);
  assert.equal(hook.challenges[0]?.get('hub.challenge'), good.challenge);
  const bad = await sb.webhooks.verifyCallback(hook.url, 'wrong-token');
  assert.equal(bad.ok, false);
  assert.equal(bad.status, 403);

  const subscribe = (verify_token: string, access_token: string) =>
    call(
      `${sb.graphUrl}/${sb.appId}/subscriptions`,
      form({
        object: 'ad_account',
        callback_url: hook.url,
        fields: 'in_process_ad_objects,with_issues_ad_objects',
        verify_token,
        access_token,
      }),
    );
  assertGraphError(await subscribe('wrong-token', sb.appToken), 2200);
  assertGraphError(await subscribe('right-token', sb.mintToken()), 15);
  assert.deepEqual((await subscribe('right-token', sb.appToken)).body, { success: true });
  const listed = await call(`${sb.graphUrl}/${sb.appId}/subscriptions?access_token=${encodeURIComponent(sb.appToken)}`);
  assert.equal(listed.body.data[0].callback_url, hook.url);
});

test('ad_account webhooks are signed with X-Hub-Signature-256 over escaped-unicode bytes and verify()', async (t) => {
  const { sb } = await startMeta(t, { webhookRetryDelaysMs: [0, 0] });
  const hook = await subscriber(t, 'vt', [500, 200]);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const sub = await call(
    `${sb.graphUrl}/${sb.appId}/subscriptions`,
    form({
      object: 'ad_account',
      callback_url: hook.url,
      fields: 'in_process_ad_objects,with_issues_ad_objects',
      verify_token: 'vt',
      access_token: sb.appToken,
    }),
  );
  assert.deepEqual(sub.body, { success: true });
  assert.equal(
    sb.webhooks.emit(account.accountId, 'in_process_ad_objects', {}),
    undefined,
    'account has not opted in yet',
  );
  const optIn = await call(`${sb.graphUrl}/${account.id}/subscribed_apps`, { ...form({ app_id: sb.appId }), token });
  assert.deepEqual(optIn.body, { success: true });

  const campaign = sb
    .world()
    .under(account, 'campaign')
    .find((c) => c.fields['status'] === 'ACTIVE')!;
  sb.remote.edit(campaign.id, { status: 'PAUSED' });
  await sb.webhooks.idle();
  assert.equal(hook.posts.length, 2, 'first delivery answered 500, retried once');
  const delivered = sb.webhooks.sender.deliveries()[0]!;
  assert.deepEqual(
    delivered.attempts.map((a) => a.status),
    [500, 200],
  );
  const { raw, headers } = hook.posts[1]!;
  assert.deepEqual(verify(raw, String(headers['x-hub-signature-256']), sb.appSecret), { ok: true });
  assert.equal(verify(raw, String(headers['x-hub-signature-256']), 'not-the-secret').ok, false);
  assert.equal(headers['x-hub-signature'], `sha1=${createHmac('sha1', sb.appSecret).update(raw).digest('hex')}`);
  const payload = JSON.parse(raw.toString('utf8'));
  assert.equal(payload.object, 'ad_account');
  assert.equal(payload.entry[0].id, account.accountId);
  assert.deepEqual(payload.entry[0].changes[0], {
    field: 'in_process_ad_objects',
    value: { id: campaign.id, level: 'CAMPAIGN', status_name: 'Paused' },
  });

  const delivery = await sb.webhooks.emit(account.accountId, 'with_issues_ad_objects', {
    id: '1',
    level: 'AD',
    status_name: 'Pausé – Zürich',
  });
  assert.equal(delivery?.ok, true);
  const escaped = hook.posts.at(-1)!.raw;
  assert.ok(
    escaped.every((byte) => byte < 0x80),
    'body is pure ASCII',
  );
  const text = escaped.toString('utf8');
  assert.ok(text.includes('Paus\\u00e9 \\u2013 Z\\u00fcrich'), text);
  assert.equal(JSON.parse(text).entry[0].changes[0].value.status_name, 'Pausé – Zürich');
  assert.deepEqual(verify(escaped, String(hook.posts.at(-1)!.headers['x-hub-signature-256']), sb.appSecret), {
    ok: true,
  });
});

test('appsecret_proof is checked when sent, and required when the app demands it', async (t) => {
  const { sb } = await startMeta(t, { requireAppSecretProof: true });
  const token = sb.mintToken();
  assertGraphError(await call(`${sb.graphUrl}/me`, { token }), 100);
  const proof = createHmac('sha256', sb.appSecret).update(token).digest('hex');
  assert.equal((await call(`${sb.graphUrl}/me?appsecret_proof=${proof}`, { token })).status, 200);
  assertGraphError(await call(`${sb.graphUrl}/me?appsecret_proof=${'0'.repeat(64)}`, { token }), 100);
});

test('reset restores the seeded state and drops tokens', async (t) => {
  const { sb } = await startMeta(t);
  const token = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const before = sb.counts();
  await call(`${sb.graphUrl}/${account.id}/campaigns`, {
    ...form({ name: 'Temp', objective: 'OUTCOME_TRAFFIC', status: 'PAUSED', special_ad_categories: '[]' }),
    token,
  });
  assert.equal(sb.counts().campaigns, before.campaigns + 1);
  assert.equal((await call(`${sb.url}/__sandbox/reset`, { method: 'POST' })).status, 200);
  assert.deepEqual(sb.counts(), before);
  assert.equal(sb.requests.count(), 0);
  assertGraphError(await call(`${sb.graphUrl}/me`, { token }), 190);
});

test('control endpoints drive the sandbox the way a test in another process would', async (t) => {
  const { sb } = await startMeta(t);
  const post = (path: string, body: unknown) => call(`${sb.url}/__sandbox/${path}`, jsonPost(body));
  const minted = await post('tokens', { scopes: ['ads_read'] });
  assert.equal(minted.status, 201);
  assert.equal((await call(`${sb.graphUrl}/me`, { token: minted.body.access_token })).status, 200);
  assert.equal((await post('remote/restate', { days: 1 })).body.dates.length, 1);

  await post('faults', {
    faults: [
      { kind: 'server_error', times: 3 },
      { kind: 'latency', latencyMs: 5, forMs: 60_000 },
    ],
  });
  assert.equal((await call(`${sb.url}/__sandbox/faults`)).body.faults.length, 2);
  assert.equal((await call(`${sb.url}/__sandbox/faults`, { method: 'DELETE' })).status, 200);
  assert.equal((await call(`${sb.url}/__sandbox/faults`)).body.faults.length, 0);

  const hook = await subscriber(t, 'remote-vt');
  assert.equal((await post('webhooks/subscribe', { callbackUrl: hook.url, verifyToken: 'remote-vt' })).status, 200);
  const account = sb.world().accounts[0]!;
  const sent = await post('webhooks/emit', {
    accountId: account.accountId,
    field: 'in_process_ad_objects',
    value: { id: '1', level: 'AD', status_name: 'Active' },
  });
  assert.equal(sent.body.ok, true);
  assert.deepEqual(verify(hook.posts[0]!.raw, String(hook.posts[0]!.headers['x-hub-signature-256']), sb.appSecret), {
    ok: true,
  });
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.provider, 'meta');
  assert.equal(stats.body.counts.campaigns, sb.counts().campaigns);
});
