import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { call, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, decide, postToken, redirectOf } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type SnapchatRunningSandbox, type SnapchatSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

async function startSnap(t: TestContext, opts: SnapchatSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 7, size: 2000, autoConsent: true, ...opts });
}

function api(url: string, token: string): Promise<Res> {
  return call(url, { headers: { authorization: `Bearer ${token}` } });
}

function authorizeUrl(sb: SnapchatRunningSandbox, extra: Record<string, string> = {}): string {
  return codeRequestUrl(sb, REDIRECT, { scope: 'snapchat-marketing-api', state: 'st-snap', ...extra });
}

function authorize(sb: SnapchatRunningSandbox, extra: Record<string, string> = {}): Promise<URL> {
  return redirectOf(authorizeUrl(sb, extra));
}

function exchange(sb: SnapchatRunningSandbox, code: string, extra: Record<string, string> = {}): Promise<Res> {
  return postToken(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra });
}

function refresh(sb: SnapchatRunningSandbox, rt: string): Promise<Res> {
  return postToken(sb, { grant_type: 'refresh_token', refresh_token: rt });
}

test('authorize (auto consent) → code + state → 1-hour Bearer token with refresh token → /v1/me; reused code fails', async (t) => {
  const { sb } = await startSnap(t);
  const loc = await authorize(sb);
  assert.equal(loc.searchParams.get('state'), 'st-snap');
  const code = loc.searchParams.get('code') ?? '';
  const tok = await exchange(sb, code);
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  assert.equal(tok.body.token_type, 'Bearer');
  assert.equal(tok.body.expires_in, 3600);
  assert.equal(tok.body.scope, 'snapchat-marketing-api');
  assert.ok(tok.body.refresh_token);

  const me = await api(`${sb.apiUrl}/me`, tok.body.access_token);
  assert.equal(me.status, 200);
  assert.equal(me.body.request_status, 'SUCCESS');
  assert.equal(typeof me.body.request_id, 'string');
  assert.equal(me.body.me.id, sb.world().me.id);
  assert.match(me.body.me.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  const reused = await exchange(sb, code);
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_grant');
  // The alias authorize path behaves the same.
  const alias = await call(
    codeRequestUrl({ authorizeUrl: `${sb.url}/accounts/oauth2/auth`, clientId: sb.clientId }, REDIRECT, {
      scope: 'snapchat-marketing-api',
    }),
  );
  assert.equal(alias.status, 302);
});

test('consent page: Deny → error=access_denied with state; Allow → code', async (t) => {
  const { sb } = await startSnap(t, { autoConsent: false, appName: 'Agency Hub' });
  const page = await call(authorizeUrl(sb));
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  const deny = await decide(sb.url, page, 'deny');
  assert.equal(deny.searchParams.get('error'), 'access_denied');
  assert.equal(deny.searchParams.get('state'), 'st-snap');
  assert.equal(deny.searchParams.get('code'), null);
  const allow = await decide(sb.url, page, 'allow');
  assert.equal((await exchange(sb, allow.searchParams.get('code') ?? '')).status, 200);
});

test('expired access token → 401 with WWW-Authenticate invalid_token; refresh restores access and is counted', async (t) => {
  const { sb, clock } = await startSnap(t);
  const tok = await exchange(sb, (await authorize(sb)).searchParams.get('code') ?? '');
  clock.t += 3600 * 1000;
  const expired = await api(`${sb.apiUrl}/me`, tok.body.access_token);
  assert.equal(expired.status, 401);
  assert.equal(expired.body.request_status, 'ERROR');
  assert.match(
    expired.headers.get('www-authenticate') ?? '',
    /error="invalid_token", error_description="The access token expired"/,
  );
  const r1 = await refresh(sb, tok.body.refresh_token);
  assert.equal(r1.status, 200);
  assert.equal(r1.body.expires_in, 3600);
  assert.equal(r1.body.refresh_token, tok.body.refresh_token);
  assert.equal((await api(`${sb.apiUrl}/me`, r1.body.access_token)).status, 200);
  assert.equal((await refresh(sb, tok.body.refresh_token)).status, 200);
  assert.equal(sb.tokens.refreshCount(tok.body.refresh_token), 2);
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.refreshes.total, 2);
});

test('rotateRefreshTokens: the previous refresh token fails with invalid_grant', async (t) => {
  const { sb } = await startSnap(t, { rotateRefreshTokens: true });
  const tok = await exchange(sb, (await authorize(sb)).searchParams.get('code') ?? '');
  const r1 = await refresh(sb, tok.body.refresh_token);
  assert.notEqual(r1.body.refresh_token, tok.body.refresh_token);
  const old = await refresh(sb, tok.body.refresh_token);
  assert.equal(old.status, 400);
  assert.equal(old.body.error, 'invalid_grant');
  assert.equal((await refresh(sb, r1.body.refresh_token)).status, 200);
  assert.equal(sb.tokens.refreshCount(r1.body.refresh_token), 2);
});

test('token endpoint errors: wrong secret → 401 invalid_client; redirect mismatch; PKCE mismatch; revoked grant → 401 on the API', async (t) => {
  const { sb } = await startSnap(t);
  const code = (await authorize(sb)).searchParams.get('code') ?? '';
  const wrong = await exchange(sb, code, { client_secret: 'nope' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  const code2 = (await authorize(sb)).searchParams.get('code') ?? '';
  assert.equal((await exchange(sb, code2, { redirect_uri: 'http://127.0.0.1:9/else' })).body.error, 'invalid_grant');
  const code3 =
    (
      await authorize(sb, {
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })
    ).searchParams.get('code') ?? '';
  assert.equal(
    (await exchange(sb, code3, { code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier' })).body.error,
    'invalid_grant',
  );
  const code4 =
    (
      await authorize(sb, {
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })
    ).searchParams.get('code') ?? '';
  // RFC 7636 appendix B test vector.
  const good = await exchange(sb, code4, { code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' });
  assert.equal(good.status, 200, JSON.stringify(good.body));

  const revoked = await call(`${sb.url}/__sandbox/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: good.body.refresh_token }),
  });
  assert.equal(revoked.body.revoked, 1);
  assert.equal((await refresh(sb, good.body.refresh_token)).body.error, 'invalid_grant');
  const grant = sb.tokens.get(good.body.access_token)?.grantId ?? '';
  sb.tokens.revokeGrant(grant);
  assert.equal((await api(`${sb.apiUrl}/me`, good.body.access_token)).status, 401);
});

test('organizations → ad accounts → campaigns: envelopes, limit 50–1000 with next_link, micros, deleted hidden', async (t) => {
  const { sb } = await startSnap(t, { size: 20_000 });
  const { accessToken } = sb.mintToken();
  const orgs = await api(`${sb.apiUrl}/me/organizations?with_ad_accounts=true`, accessToken);
  assert.equal(orgs.body.request_status, 'SUCCESS');
  assert.equal(orgs.body.organizations[0].sub_request_status, 'SUCCESS');
  const org = orgs.body.organizations[0].organization;
  assert.ok(Array.isArray(org.ad_accounts));
  const accts = await api(`${sb.apiUrl}/organizations/${org.id}/adaccounts`, accessToken);
  assert.deepEqual(
    accts.body.adaccounts.map((a: any) => a.adaccount.id),
    org.ad_accounts.map((a: any) => a.id),
  );

  const account = sb.world().accounts[0]!;
  const expected = sb.world().campaigns.filter((c) => c.ad_account_id === account.id);
  assert.ok(expected.length > 50, 'want more than one page');
  const seen: string[] = [];
  let next: string | undefined = `${sb.apiUrl}/adaccounts/${account.id}/campaigns?limit=50`;
  let pages = 0;
  while (next) {
    const res = await api(next, accessToken);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const w of res.body.campaigns) {
      assert.equal(w.sub_request_status, 'SUCCESS');
      if (w.campaign.daily_budget_micro !== undefined) assert.equal(w.campaign.daily_budget_micro % 1_000_000, 0);
      seen.push(w.campaign.id);
    }
    next = res.body.paging?.next_link;
    if (next) assert.ok(next.startsWith(sb.apiUrl));
    pages++;
  }
  assert.equal(pages, Math.ceil(expected.length / 50));
  assert.deepEqual([...seen].sort(), expected.map((c) => c.id).sort());
  const unpaged = await api(`${sb.apiUrl}/adaccounts/${account.id}/campaigns`, accessToken);
  assert.equal(unpaged.body.campaigns.length, expected.length);
  assert.equal(unpaged.body.paging, undefined);

  const bad = await api(`${sb.apiUrl}/adaccounts/${account.id}/campaigns?limit=10`, accessToken);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.request_status, 'ERROR');

  sb.remote.delete(expected[0]!.id);
  const after = await api(`${sb.apiUrl}/adaccounts/${account.id}/campaigns`, accessToken);
  assert.equal(after.body.campaigns.length, expected.length - 1);
  const withDeleted = await api(
    `${sb.apiUrl}/adaccounts/${account.id}/campaigns?read_deleted_entities=true`,
    accessToken,
  );
  assert.equal(withDeleted.body.campaigns.length, expected.length);
});

test('rate-limit fault → 429 with no rate-limit headers and no Retry-After', async (t) => {
  const { sb } = await startSnap(t);
  const { accessToken } = sb.mintToken();
  await call(`${sb.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'rate_limit', pathPrefix: '/v1/me' }),
  });
  const limited = await api(`${sb.apiUrl}/me`, accessToken);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.request_status, 'ERROR');
  assert.equal(limited.headers.get('retry-after'), null);
  assert.equal(
    [...limited.headers.keys()].some((k) => k.includes('rate')),
    false,
  );
  assert.equal((await api(`${sb.apiUrl}/me`, accessToken)).status, 200);
});

test('ad squads, ads and DAY stats: account-local midnights, breakdown by ad, micros, deterministic per seed', async (t) => {
  const { sb } = await startSnap(t, { size: 3000 });
  const { accessToken } = sb.mintToken();
  const w = sb.world();
  const c = sb.counts();
  assert.ok(c.ads * c.days > 2000 && c.ads * c.days < 4500, `${c.ads} ads × ${c.days} days`);
  const account = w.accounts.find((a) => a.timezone === 'America/Los_Angeles')!;
  const squads = await api(`${sb.apiUrl}/adaccounts/${account.id}/adsquads?limit=50`, accessToken);
  assert.equal(squads.status, 200);
  assert.equal(squads.body.adsquads[0].sub_request_status, 'SUCCESS');
  const ads = await api(`${sb.apiUrl}/adsquads/${squads.body.adsquads[0].adsquad.id}/ads`, accessToken);
  assert.ok(ads.body.ads.length >= 1);
  const day = w.firstDay;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const offset = (d: string) =>
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', timeZoneName: 'longOffset' })
      .formatToParts(new Date(`${d}T12:00:00Z`))
      .find((p) => p.type === 'timeZoneName')!
      .value.slice(3);
  const q = `granularity=DAY&breakdown=ad&fields=impressions,swipes,spend&start_time=${encodeURIComponent(`${day}T00:00:00${offset(day)}`)}&end_time=${encodeURIComponent(`${next}T00:00:00${offset(next)}`)}`;
  const stats = await api(`${sb.apiUrl}/adaccounts/${account.id}/stats?${q}`, accessToken);
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  const ts = stats.body.timeseries_stats[0].timeseries_stat;
  assert.equal(ts.type, 'AD_ACCOUNT');
  const first = ts.breakdown_stats.ad[0];
  assert.equal(first.type, 'AD');
  assert.equal(first.timeseries.length, 1);
  assert.ok(first.timeseries[0].start_time.startsWith(`${day}T00:00:00.000-0`));
  assert.ok(Number.isInteger(first.timeseries[0].stats.spend));
  const utc = await api(
    `${sb.apiUrl}/adaccounts/${account.id}/stats?granularity=DAY&start_time=${day}T00:00:00Z&end_time=${next}T00:00:00Z`,
    accessToken,
  );
  assert.equal(utc.status, 400, 'DAY windows must start at the account midnight');
  const { sb: again } = await startSnap(t, { size: 3000 });
  assert.deepEqual(
    again.world().ads.map((a) => a.id),
    w.ads.map((a) => a.id),
  );
});

function send(method: string, url: string, token: string, body?: unknown): Promise<Res> {
  return call(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test('campaign writes: {campaigns: [...]} envelopes, per-entity errors with E-codes, PUT replaces the whole entity, DELETE takes children along', async (t) => {
  const { sb } = await startSnap(t);
  const { accessToken } = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const url = `${sb.apiUrl}/adaccounts/${account.id}/campaigns`;
  const fields = {
    ad_account_id: account.id,
    name: 'Lens week',
    status: 'PAUSED',
    start_time: '2026-01-05T00:00:00.000Z',
    daily_budget_micro: 25_000_000,
  };

  assert.equal((await send('POST', url, '', { campaigns: [fields] })).status, 401);
  const created = await send('POST', url, accessToken, {
    campaigns: [{ ...fields, lifetime_spend_cap_micro: 400_000_000, end_time: '2026-02-01T00:00:00-08:00' }],
  });
  assert.equal(created.status, 200, created.text);
  assert.equal(created.body.request_status, 'SUCCESS');
  const c = created.body.campaigns[0].campaign;
  assert.equal(created.body.campaigns[0].sub_request_status, 'SUCCESS');
  assert.match(c.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(
    [c.daily_budget_micro, c.lifetime_spend_cap_micro, c.end_time],
    [25_000_000, 400_000_000, '2026-02-01T08:00:00.000Z'],
  );

  const refused = await send('POST', url, accessToken, { campaigns: [{ ...fields, daily_budget_micro: 19_990_000 }] });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.request_status, 'ERROR');
  assert.equal(refused.body.campaigns[0].sub_request_status, 'ERROR');
  assert.match(
    refused.body.campaigns[0].sub_request_error_reason,
    /^Error code: E2003, message: daily_budget_micro 19990000 is below the minimum/,
  );
  const missing = await send('POST', url, accessToken, { campaigns: [{ ...fields, start_time: undefined }] });
  assert.match(
    missing.body.campaigns[0].sub_request_error_reason,
    /^Error code: E1001, message: Missing required field start_time/,
  );
  const partial = await send('POST', url, accessToken, {
    campaigns: [
      { ...fields, name: 'Good' },
      { ...fields, end_time: '2025-01-01T00:00:00Z' },
    ],
  });
  assert.deepEqual(
    [
      partial.status,
      partial.body.request_status,
      partial.body.campaigns.map((x: { sub_request_status: string }) => x.sub_request_status),
    ],
    [200, 'PARTIAL', ['SUCCESS', 'ERROR']],
  );
  assert.match(partial.body.campaigns[1].sub_request_error_reason, /E2002/);
  assert.equal(
    (await send('POST', url, accessToken, { campaign: fields })).status,
    400,
    'the array wrapper is required',
  );
  assert.equal(
    (await send('POST', url, accessToken, { campaigns: Array.from({ length: 31 }, () => fields) })).status,
    400,
    'at most 30 per request',
  );

  // An update sends the whole entity: optional fields left out are cleared.
  const updated = await send('PUT', url, accessToken, {
    campaigns: [
      {
        id: c.id,
        ad_account_id: account.id,
        name: 'Lens week 2',
        status: 'ACTIVE',
        start_time: c.start_time,
        daily_budget_micro: 30_000_000,
      },
    ],
  });
  assert.equal(updated.status, 200, updated.text);
  const u = updated.body.campaigns[0].campaign;
  assert.deepEqual(
    [u.name, u.status, u.daily_budget_micro, u.lifetime_spend_cap_micro, u.end_time],
    ['Lens week 2', 'ACTIVE', 30_000_000, undefined, undefined],
  );
  const immutable = await send('PUT', url, accessToken, {
    campaigns: [{ ...u, ad_account_id: sb.world().accounts[1]!.id }],
  });
  assert.match(immutable.body.campaigns[0].sub_request_error_reason, /^Error code: E2023/);
  const noId = await send('PUT', url, accessToken, { campaigns: [{ ...fields }] });
  assert.match(noId.body.campaigns[0].sub_request_error_reason, /Missing required field id/);

  const parent = sb
    .world()
    .campaigns.find((x) => !x.deleted && sb.world().adsquads.some((q) => q.campaign_id === x.id))!;
  const del = await send('DELETE', `${sb.apiUrl}/campaigns/${parent.id}`, accessToken);
  assert.equal(del.status, 200, del.text);
  assert.equal(parent.deleted, true);
  assert.ok(
    sb
      .world()
      .adsquads.filter((q) => q.campaign_id === parent.id)
      .every((q) => q.deleted),
  );
  assert.equal((await send('DELETE', `${sb.apiUrl}/campaigns/${parent.id}`, accessToken)).status, 404);
  assert.equal((await api(`${sb.apiUrl}/campaigns/${parent.id}`, accessToken)).status, 404);
});

test('ad squad and ad updates: PUT under the parent with the whole entity; a foreign parent or a changed parent id is refused', async (t) => {
  const { sb } = await startSnap(t);
  const { accessToken } = sb.mintToken();
  const squad = sb.world().adsquads.find((q) => !q.deleted && q.status === 'ACTIVE')!;
  const got = (await api(`${sb.apiUrl}/adsquads/${squad.id}`, accessToken)).body.adsquads[0].adsquad;
  const res = await send('PUT', `${sb.apiUrl}/campaigns/${squad.campaign_id}/adsquads`, accessToken, {
    adsquads: [{ ...got, status: 'PAUSED' }],
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(squad.status, 'PAUSED');
  const other = sb.world().campaigns.find((c) => c.id !== squad.campaign_id && !c.deleted)!;
  const foreign = await send('PUT', `${sb.apiUrl}/campaigns/${other.id}/adsquads`, accessToken, {
    adsquads: [{ ...got, status: 'ACTIVE' }],
  });
  assert.match(foreign.body.adsquads[0].sub_request_error_reason, /E1003/);
  assert.equal(squad.status, 'PAUSED');

  const ad = sb.world().ads.find((a) => !a.deleted && a.ad_squad_id === squad.id)!;
  const adGot = (await api(`${sb.apiUrl}/ads/${ad.id}`, accessToken)).body.ads[0].ad;
  const adRes = await send('PUT', `${sb.apiUrl}/adsquads/${squad.id}/ads`, accessToken, {
    ads: [{ ...adGot, status: 'PAUSED', name: 'Renamed ad' }],
  });
  assert.equal(adRes.status, 200, adRes.text);
  assert.deepEqual([ad.status, ad.name], ['PAUSED', 'Renamed ad']);
  const moved = await send('PUT', `${sb.apiUrl}/adsquads/${squad.id}/ads`, accessToken, {
    ads: [{ ...adGot, ad_squad_id: 'elsewhere' }],
  });
  assert.match(moved.body.ads[0].sub_request_error_reason, /E2023/);
});
