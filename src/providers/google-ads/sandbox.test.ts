import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { call, form, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, decide, postToken, redirectOf } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type GoogleAdsRunningSandbox, type GoogleAdsSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/oauth/callback';
const SCOPE = 'https://www.googleapis.com/auth/adwords';
const VERIFIER = 'v'.repeat(20) + '-sandbox-verifier-0123456789abcdef';

async function startGoogle(t: TestContext, opts: GoogleAdsSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 3, size: 2000, autoConsent: true, ...opts });
}

function authUrl(sb: GoogleAdsRunningSandbox, extra: Record<string, string> = {}): string {
  return codeRequestUrl(sb, REDIRECT, {
    scope: SCOPE,
    access_type: 'offline',
    prompt: 'consent',
    state: 'st-g',
    ...extra,
  });
}

async function authorize(sb: GoogleAdsRunningSandbox, extra: Record<string, string> = {}): Promise<URL> {
  return redirectOf(authUrl(sb, extra));
}

function exchange(sb: GoogleAdsRunningSandbox, code: string, extra: Record<string, string> = {}): Promise<Res> {
  return postToken(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra });
}

function refresh(sb: GoogleAdsRunningSandbox, refreshToken: string): Promise<Res> {
  return postToken(sb, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

function api(
  sb: GoogleAdsRunningSandbox,
  path: string,
  token: string,
  init: RequestInit & { login?: string; devToken?: string | null } = {},
): Promise<Res> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.devToken !== null) headers['developer-token'] = init.devToken ?? sb.developerToken;
  if (init.login) headers['login-customer-id'] = init.login;
  if (init.body) headers['content-type'] = 'application/json';
  return call(`${sb.apiUrl}${path}`, { ...init, headers });
}

function search(
  sb: GoogleAdsRunningSandbox,
  cid: string,
  token: string,
  body: Record<string, unknown>,
  login?: string,
): Promise<Res> {
  return api(sb, `/customers/${cid}/googleAds:search`, token, {
    method: 'POST',
    body: JSON.stringify(body),
    ...(login ? { login } : {}),
  });
}

function failure(res: Res): { errorCode: Record<string, string>; message: string } {
  const details = res.body?.error?.details;
  assert.ok(Array.isArray(details), JSON.stringify(res.body));
  assert.match(details[0]['@type'], /google\.ads\.googleads\.v26\.errors\.GoogleAdsFailure$/);
  assert.equal(typeof details[0].requestId, 'string');
  return details[0].errors[0];
}

async function connect(sb: GoogleAdsRunningSandbox): Promise<{ access: string; refresh: string }> {
  const loc = await authorize(sb);
  const tok = await exchange(sb, loc.searchParams.get('code') ?? '');
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  return { access: tok.body.access_token, refresh: tok.body.refresh_token };
}

test('auto consent with PKCE: code and state come back; exchange gives 1-hour token + refresh token; the code is single-use', async (t) => {
  const { sb } = await startGoogle(t);
  const challenge = createHash('sha256').update(VERIFIER).digest('base64url');
  const loc = await authorize(sb, { code_challenge: challenge, code_challenge_method: 'S256' });
  assert.equal(`${loc.origin}${loc.pathname}`, REDIRECT);
  assert.equal(loc.searchParams.get('state'), 'st-g');
  assert.equal(loc.searchParams.get('scope'), SCOPE);
  const code = loc.searchParams.get('code') ?? '';
  assert.match(code, /^4\/0A/);

  const tok = await exchange(sb, code, { code_verifier: VERIFIER });
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  assert.match(tok.body.access_token, /^ya29\./);
  assert.match(tok.body.refresh_token, /^1\/\/0/);
  assert.equal(tok.body.expires_in, 3599);
  assert.equal(tok.body.token_type, 'Bearer');
  assert.equal(tok.body.scope, SCOPE);

  const list = await api(sb, '/customers:listAccessibleCustomers', tok.body.access_token);
  assert.equal(list.status, 200);
  const { managerId, standaloneIds } = sb.accounts();
  assert.deepEqual(list.body.resourceNames, [
    `customers/${managerId}`,
    ...standaloneIds.map((id) => `customers/${id}`),
  ]);

  const reused = await exchange(sb, code, { code_verifier: VERIFIER });
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_grant');

  const info = await call(`${sb.url}/tokeninfo?access_token=${tok.body.access_token}`);
  assert.equal(info.body.aud, sb.clientId);
  assert.equal(info.body.access_type, 'offline');
  assert.equal(info.body.expires_in, '3600');
});

test('PKCE: a wrong or missing code_verifier is refused with invalid_grant', async (t) => {
  const { sb } = await startGoogle(t);
  const challenge = createHash('sha256').update(VERIFIER).digest('base64url');
  const wrong = await authorize(sb, { code_challenge: challenge, code_challenge_method: 'S256' });
  const bad = await exchange(sb, wrong.searchParams.get('code') ?? '', { code_verifier: `${VERIFIER}x` });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
  const missing = await authorize(sb, { code_challenge: challenge, code_challenge_method: 'S256' });
  const none = await exchange(sb, missing.searchParams.get('code') ?? '');
  assert.deepEqual(none.body, { error: 'invalid_grant', error_description: 'Missing code verifier.' });
});

test('consent page: Deny redirects with error=access_denied and the state; Allow issues a code', async (t) => {
  const { sb } = await startGoogle(t, { autoConsent: false, appName: 'Agency Hub' });
  const page = await call(authUrl(sb));
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  assert.match(page.body, /auth\/adwords/);
  const denied = await decide(sb.url, page, 'deny');
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('state'), 'st-g');
  assert.equal(denied.searchParams.get('code'), null);
  const code = (await decide(sb.url, page, 'allow')).searchParams.get('code') ?? '';
  assert.equal((await exchange(sb, code)).status, 200);

  assert.equal((await call(authUrl(sb, { client_id: 'nope' }))).status, 401);
  const badScope = await call(authUrl(sb, { scope: 'https://www.googleapis.com/auth/nothing' }));
  assert.equal(badScope.status, 400);
  assert.match(badScope.body, /invalid_scope/);
});

test('a refresh token comes only on first offline consent or with prompt=consent', async (t) => {
  const { sb } = await startGoogle(t);
  const first = await connect(sb);
  assert.ok(first.refresh);
  const again = await exchange(sb, (await authorize(sb, { prompt: 'select_account' })).searchParams.get('code') ?? '');
  assert.equal(again.status, 200);
  assert.equal(again.body.refresh_token, undefined);
  const online = await exchange(sb, (await authorize(sb, { access_type: 'online' })).searchParams.get('code') ?? '');
  assert.equal(online.body.refresh_token, undefined);
  const forced = await exchange(sb, (await authorize(sb, { prompt: 'consent' })).searchParams.get('code') ?? '');
  assert.ok(forced.body.refresh_token);
  assert.notEqual(forced.body.refresh_token, first.refresh);
});

test('expired access token → 401 UNAUTHENTICATED OAUTH_TOKEN_EXPIRED; refresh keeps the refresh token and counts', async (t) => {
  const { sb, clock } = await startGoogle(t);
  const { access, refresh: rt } = await connect(sb);
  clock.t += 3600 * 1000;
  const expired = await api(sb, '/customers:listAccessibleCustomers', access);
  assert.equal(expired.status, 401);
  assert.equal(expired.body.error.status, 'UNAUTHENTICATED');
  assert.equal(expired.body.error.code, 401);
  assert.deepEqual(failure(expired).errorCode, { authenticationError: 'OAUTH_TOKEN_EXPIRED' });

  const r1 = await refresh(sb, rt);
  assert.equal(r1.status, 200);
  assert.equal(r1.body.refresh_token, undefined);
  assert.equal(r1.body.expires_in, 3599);
  assert.equal((await api(sb, '/customers:listAccessibleCustomers', r1.body.access_token)).status, 200);
  const r2 = await refresh(sb, rt);
  assert.equal(r2.status, 200);
  assert.equal(sb.tokens.refreshCount(rt), 2);
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.refreshes.total, 2);

  const missing = await call(`${sb.apiUrl}/customers:listAccessibleCustomers`, {
    headers: { 'developer-token': sb.developerToken },
  });
  assert.equal(missing.status, 401);
  assert.equal(missing.body.error.status, 'UNAUTHENTICATED');
});

test('rotateRefreshTokens: each refresh returns a new refresh token and the old one fails with invalid_grant', async (t) => {
  const { sb } = await startGoogle(t, { rotateRefreshTokens: true });
  const { refresh: rt } = await connect(sb);
  const r1 = await refresh(sb, rt);
  assert.ok(r1.body.refresh_token);
  assert.notEqual(r1.body.refresh_token, rt);
  const old = await refresh(sb, rt);
  assert.equal(old.status, 400);
  assert.deepEqual(old.body, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  const r2 = await refresh(sb, r1.body.refresh_token);
  assert.equal(r2.status, 200);
  assert.equal(sb.tokens.refreshCount(r2.body.refresh_token), 2);
});

test('token endpoint errors: wrong secret, unknown client, redirect mismatch, unknown grant', async (t) => {
  const { sb } = await startGoogle(t);
  const code = (await authorize(sb)).searchParams.get('code') ?? '';
  const wrong = await exchange(sb, code, { client_secret: 'nope' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  const unknown = await exchange(sb, code, { client_id: 'other.apps.googleusercontent.com' });
  assert.deepEqual(unknown.body, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
  const code2 = (await authorize(sb)).searchParams.get('code') ?? '';
  const mismatch = await exchange(sb, code2, { redirect_uri: 'http://127.0.0.1:9/other' });
  assert.equal(mismatch.status, 400);
  assert.equal(mismatch.body.error, 'redirect_uri_mismatch');
  const grant = await call(
    sb.tokenUrl,
    form({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret }),
  );
  assert.equal(grant.body.error, 'unsupported_grant_type');
  // Basic client authentication works as well as client_secret_post.
  const code3 = (await authorize(sb)).searchParams.get('code') ?? '';
  const basic = await call(sb.tokenUrl, {
    ...form({ grant_type: 'authorization_code', code: code3, redirect_uri: REDIRECT }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${sb.clientId}:${sb.clientSecret}`).toString('base64')}`,
    },
  });
  assert.equal(basic.status, 200);
});

test('revoke: revoking the refresh token kills the grant; a second revoke is invalid_token', async (t) => {
  const { sb } = await startGoogle(t);
  const { access, refresh: rt } = await connect(sb);
  const res = await call(sb.revokeUrl, form({ token: rt }));
  assert.equal(res.status, 200);
  const after = await api(sb, '/customers:listAccessibleCustomers', access);
  assert.equal(after.status, 401);
  assert.deepEqual(failure(after).errorCode, { authenticationError: 'OAUTH_TOKEN_REVOKED' });
  assert.equal((await refresh(sb, rt)).body.error, 'invalid_grant');
  const twice = await call(sb.revokeUrl, form({ token: rt }));
  assert.deepEqual(twice.body, { error: 'invalid_token', error_description: 'Token expired or revoked' });
});

test('developer-token and login-customer-id are enforced the way Google does', async (t) => {
  const { sb } = await startGoogle(t);
  const { accessToken } = sb.mintToken();
  const noDev = await api(sb, '/customers:listAccessibleCustomers', accessToken, { devToken: null });
  assert.equal(noDev.status, 400);
  assert.deepEqual(failure(noDev).errorCode, { requestError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' });
  const badDev = await api(sb, '/customers:listAccessibleCustomers', accessToken, { devToken: 'wrong' });
  assert.equal(badDev.status, 401);
  assert.deepEqual(failure(badDev).errorCode, { authenticationError: 'DEVELOPER_TOKEN_INVALID' });

  const { managerId, clientIds, standaloneIds } = sb.accounts();
  const client = clientIds[0] ?? '';
  const q = { query: 'SELECT customer.id, customer.descriptive_name, customer.currency_code FROM customer' };
  const denied = await search(sb, client, accessToken, q);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.status, 'PERMISSION_DENIED');
  assert.deepEqual(failure(denied).errorCode, { authorizationError: 'USER_PERMISSION_DENIED' });
  const viaManager = await search(sb, client, accessToken, q, managerId);
  assert.equal(viaManager.status, 200);
  assert.equal(viaManager.body.results[0].customer.id, client);
  assert.equal(viaManager.body.results[0].customer.resourceName, `customers/${client}`);
  assert.equal(viaManager.body.fieldMask, 'customer.id,customer.descriptiveName,customer.currencyCode');
  assert.equal((await search(sb, standaloneIds[0] ?? '', accessToken, q)).status, 200);
  assert.equal((await search(sb, standaloneIds[0] ?? '', accessToken, q, managerId)).status, 403);

  const tree = await search(sb, managerId, accessToken, {
    query: 'SELECT customer_client.id, customer_client.level, customer_client.manager FROM customer_client',
  });
  assert.equal(tree.body.results.length, 1 + clientIds.length);
  assert.deepEqual(tree.body.results[0].customerClient.manager, true);
});

test('googleAds:search: fixed pages with nextPageToken, identical query required, pageSize rejected, int64 as strings', async (t) => {
  const { sb } = await startGoogle(t, { searchPageSize: 4 });
  const { accessToken } = sb.mintToken();
  const { managerId, clientIds } = sb.accounts();
  const client = clientIds[0] ?? '';
  const query =
    "SELECT campaign.id, campaign.name, campaign.status, campaign_budget.amount_micros FROM campaign WHERE campaign.status != 'REMOVED' ORDER BY campaign.id";
  const expected = sb
    .world()
    .campaigns.filter((c) => c.customerId === client && c.status !== 'REMOVED')
    .map((c) => c.id)
    .sort((a, b) => Number(a) - Number(b));
  const seen: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const res = await search(sb, client, accessToken, { query, ...(pageToken ? { pageToken } : {}) }, managerId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const row of res.body.results ?? []) {
      assert.equal(typeof row.campaign.id, 'string');
      assert.match(row.campaignBudget.amountMicros, /^\d+$/);
      assert.notEqual(row.campaign.status, 'REMOVED');
      seen.push(row.campaign.id);
    }
    pageToken = res.body.nextPageToken;
    pages++;
  } while (pageToken);
  assert.deepEqual(seen, expected);
  assert.equal(pages, Math.max(1, Math.ceil(expected.length / 4)));

  const first = await search(sb, client, accessToken, { query }, managerId);
  if (first.body.nextPageToken) {
    const other = await search(
      sb,
      client,
      accessToken,
      { query: 'SELECT campaign.id FROM campaign', pageToken: first.body.nextPageToken },
      managerId,
    );
    assert.deepEqual(failure(other).errorCode, { requestError: 'INVALID_PAGE_TOKEN' });
  }
  const sized = await search(sb, client, accessToken, { query, pageSize: 100 }, managerId);
  assert.equal(sized.status, 400);
  assert.deepEqual(failure(sized).errorCode, { requestError: 'PAGE_SIZE_NOT_SUPPORTED' });
  const unknown = await search(sb, client, accessToken, { query: 'SELECT campaign.bogus FROM campaign' }, managerId);
  assert.deepEqual(failure(unknown).errorCode, { queryError: 'UNRECOGNIZED_FIELD' });
  const none = await search(
    sb,
    client,
    accessToken,
    { query: "SELECT campaign.id FROM campaign WHERE campaign.name = 'no such'" },
    managerId,
  );
  assert.equal(none.status, 200);
  assert.equal(none.body.results, undefined);
  assert.equal(typeof none.body.fieldMask, 'string');

  const stream = await api(sb, `/customers/${client}/googleAds:searchStream`, accessToken, {
    method: 'POST',
    body: JSON.stringify({ query }),
    login: managerId,
  });
  assert.ok(Array.isArray(stream.body));
  assert.equal(stream.body.flatMap((b: any) => b.results ?? []).length, expected.length);
});

test('rate-limit fault → 429 RESOURCE_EXHAUSTED with quotaError and retryDelay; control endpoints work', async (t) => {
  const { sb } = await startGoogle(t);
  const { accessToken } = sb.mintToken();
  const added = await call(`${sb.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'rate_limit', pathPrefix: '/customers' }),
  });
  assert.equal(added.status, 201);
  const limited = await api(sb, '/customers:listAccessibleCustomers', accessToken);
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.status, 'RESOURCE_EXHAUSTED');
  const err = failure(limited) as any;
  assert.deepEqual(err.errorCode, { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' });
  assert.equal(err.details.quotaErrorDetails.retryDelay, '30s');
  assert.equal((await api(sb, '/customers:listAccessibleCustomers', accessToken)).status, 200);
  const log = await call(`${sb.url}/__sandbox/requests?status=429`);
  assert.equal(log.body.requests.length, 1);
  assert.equal(log.body.requests[0].headers.authorization.startsWith('Bearer ***'), true);

  const campaign = sb.world().campaigns[0]!;
  sb.remote.edit(campaign.id, { name: 'Edited in UI' });
  await call(`${sb.url}/__sandbox/remote/delete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: campaign.id }),
  });
  assert.equal(sb.world().campaigns[0]!.name, 'Edited in UI');
  assert.equal(sb.world().campaigns[0]!.status, 'REMOVED');
  assert.equal((await call(`${sb.url}/v15/customers:listAccessibleCustomers`)).status, 404);
});

test('GAQL ad_group and ad_group_ad with nested fields; per-ad metrics by segments.date BETWEEN, paged with the identical query', async (t) => {
  const { sb } = await startGoogle(t, { searchPageSize: 50 });
  const { accessToken } = sb.mintToken();
  const { managerId, clientIds } = sb.accounts();
  const client = clientIds[0] ?? '';
  const w = sb.world();
  const groups = await search(
    sb,
    client,
    accessToken,
    { query: 'SELECT ad_group.id, ad_group.status, campaign.id FROM ad_group' },
    managerId,
  );
  assert.equal(groups.status, 200, JSON.stringify(groups.body));
  assert.equal(groups.body.results.length, Math.min(50, w.adGroups.filter((g) => g.customerId === client).length));
  const ads = await search(
    sb,
    client,
    accessToken,
    {
      query:
        "SELECT ad_group_ad.ad.id, ad_group_ad.status, ad_group.id FROM ad_group_ad WHERE ad_group_ad.status = 'ENABLED'",
    },
    managerId,
  );
  assert.equal(ads.status, 200, JSON.stringify(ads.body));
  const first = ads.body.results[0];
  assert.match(first.adGroupAd.resourceName, /^customers\/\d+\/adGroupAds\/\d+~\d+$/);
  assert.match(first.adGroupAd.ad.resourceName, /^customers\/\d+\/ads\/\d+$/);
  assert.equal(typeof first.adGroupAd.ad.id, 'string');
  assert.equal(ads.body.fieldMask, 'adGroupAd.ad.id,adGroupAd.status,adGroup.id');
  const last = new Date(Date.parse(`${w.firstDay}T00:00:00Z`) + (w.days - 1) * 86_400_000).toISOString().slice(0, 10);
  const query = `SELECT ad_group_ad.ad.id, segments.date, metrics.impressions, metrics.cost_micros, metrics.conversions FROM ad_group_ad WHERE segments.date BETWEEN '${w.firstDay}' AND '${last}'`;
  let token: string | undefined;
  let rows = 0;
  do {
    const res = await search(sb, client, accessToken, { query, ...(token ? { pageToken: token } : {}) }, managerId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body.results[0];
    assert.equal(r.metrics.resourceName, undefined);
    assert.match(r.metrics.costMicros, /^\d+$/);
    assert.equal(typeof r.metrics.conversions, 'number');
    rows += res.body.results.length;
    token = res.body.nextPageToken;
  } while (token);
  assert.equal(rows, w.ads.filter((a) => a.customerId === client).length * w.days);
});

test('v23+ campaign dates: start_date_time / end_date_time are served and written; the removed start_date is an unknown field', async (t) => {
  const { sb } = await startGoogle(t);
  const { accessToken } = sb.mintToken();
  const { managerId, clientIds } = sb.accounts();
  const client = clientIds[0] ?? '';
  const old = await search(
    sb,
    client,
    accessToken,
    { query: 'SELECT campaign.id, campaign.start_date FROM campaign' },
    managerId,
  );
  assert.equal(old.status, 400);
  const res = await search(
    sb,
    client,
    accessToken,
    {
      query: 'SELECT campaign.id, campaign.start_date_time, campaign.end_date_time FROM campaign ORDER BY campaign.id',
    },
    managerId,
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const first = res.body.results[0].campaign;
  assert.match(first.startDateTime, /^\d{4}-\d{2}-\d{2} 00:00:00$/);
  const budget = sb.world().campaigns.find((c) => c.customerId === client)!.budgetId;
  const create = (fields: Record<string, unknown>) =>
    api(sb, `/customers/${client}/campaigns:mutate`, accessToken, {
      method: 'POST',
      login: managerId,
      body: JSON.stringify({
        operations: [
          {
            create: {
              name: `v26 ${Object.keys(fields).join(',')}`,
              status: 'PAUSED',
              advertisingChannelType: 'SEARCH',
              campaignBudget: `customers/${client}/campaignBudgets/${budget}`,
              manualCpc: {},
              containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
              ...fields,
            },
          },
        ],
      }),
    });
  const refused = await create({ startDate: '2030-01-01' });
  assert.equal(refused.status, 400);
  const badFormat = await create({ startDateTime: '2030-01-01' });
  assert.equal(failure(badFormat).errorCode.dateError, 'INVALID_STRING_DATE_TIME_SECONDS');
  const ok = await create({ startDateTime: '2030-01-01 00:00:00', endDateTime: '2030-02-01 23:59:59' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const made = sb.world().campaigns.at(-1)!;
  assert.deepEqual([made.start_date, made.end_date], ['2030-01-01', '2030-02-01']);
});
