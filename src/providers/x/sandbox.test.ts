import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { sandbox, signRequest, type SignInput, type XRunningSandbox, type XSandboxOptions } from './sandbox.ts';

const CALLBACK = 'http://127.0.0.1:9/oauth/callback';

async function startX(t: TestContext, opts: XSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 6, size: 2000, autoConsent: true, ...opts });
}

/** What a test may set of the signature (the rest comes from the sandbox and its clock), and how to bend it. */
type SignOpts = Partial<
  Pick<SignInput, 'token' | 'tokenSecret' | 'form' | 'oauth' | 'consumerSecret' | 'timestamp' | 'nonce'>
> & {
  /** Sign as if calling this origin instead of the sandbox (what a client that rewrites late does). */
  signOrigin?: string;
  tamper?: (header: string) => string;
};

async function signed(
  sb: XRunningSandbox,
  clock: { t: number },
  method: string,
  url: string,
  o: SignOpts = {},
): Promise<Res> {
  const u = new URL(url);
  const signUrl = o.signOrigin ? `${o.signOrigin}${u.pathname}${u.search}` : url;
  let auth = signRequest({
    method,
    url: signUrl,
    consumerKey: sb.consumerKey,
    consumerSecret: o.consumerSecret ?? sb.consumerSecret,
    ...(o.token ? { token: o.token } : {}),
    ...(o.tokenSecret ? { tokenSecret: o.tokenSecret } : {}),
    ...(o.form ? { form: o.form } : {}),
    ...(o.oauth ? { oauth: o.oauth } : {}),
    timestamp: o.timestamp ?? Math.floor(clock.t / 1000),
    nonce: o.nonce ?? randomBytes(12).toString('hex'),
  });
  if (o.tamper) auth = o.tamper(auth);
  const headers: Record<string, string> = { authorization: auth };
  let body: string | undefined;
  if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(o.form).toString();
  }
  return call(url, { method, headers, ...(body === undefined ? {} : { body }) });
}

async function threeLegged(
  sb: XRunningSandbox,
  clock: { t: number },
): Promise<{ token: string; secret: string; userId: string }> {
  const rt = await signed(sb, clock, 'POST', sb.requestTokenUrl, {
    oauth: { oauth_callback: CALLBACK },
    form: { x_auth_access_type: 'write' },
  });
  assert.equal(rt.status, 200, rt.text);
  const r = new URLSearchParams(rt.text);
  assert.equal(r.get('oauth_callback_confirmed'), 'true');
  const auth = await call(`${sb.authorizeUrl}?oauth_token=${r.get('oauth_token')}`);
  assert.equal(auth.status, 302);
  const cb = new URL(auth.headers.get('location') ?? '');
  assert.equal(cb.searchParams.get('oauth_token'), r.get('oauth_token'));
  const at = await signed(sb, clock, 'POST', sb.accessTokenUrl, {
    token: r.get('oauth_token') ?? '',
    tokenSecret: r.get('oauth_token_secret') ?? '',
    oauth: { oauth_verifier: cb.searchParams.get('oauth_verifier') ?? '' },
  });
  assert.equal(at.status, 200, at.text);
  const a = new URLSearchParams(at.text);
  return {
    token: a.get('oauth_token') ?? '',
    secret: a.get('oauth_token_secret') ?? '',
    userId: a.get('user_id') ?? '',
  };
}

test('three-legged OAuth 1.0a: request token → authorize → access token; signed /12/accounts works and tokens never expire', async (t) => {
  const { sb, clock } = await startX(t);
  const access = await threeLegged(sb, clock);
  assert.equal(access.userId, sb.userId);
  assert.ok(access.token.startsWith(`${sb.userId}-`));

  const accounts = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, {
    token: access.token,
    tokenSecret: access.secret,
  });
  assert.equal(accounts.status, 200, accounts.text);
  assert.deepEqual(
    accounts.body.data.map((a: any) => a.id),
    sb.world().accounts.map((a) => a.id),
  );
  assert.equal(accounts.body.next_cursor, null);
  assert.deepEqual(accounts.body.request, { params: {} });
  assert.equal(
    accounts.headers.get('x-rate-limit-remaining'),
    String(Number(accounts.headers.get('x-rate-limit-limit')) - 1),
  );
  assert.match(accounts.headers.get('x-rate-limit-reset') ?? '', /^\d+$/);
  assert.equal(accounts.headers.get('x-current-api-version'), '12');

  // Signing against the real host the client thinks it is calling is accepted too.
  const real = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts?count=1`, {
    token: access.token,
    tokenSecret: access.secret,
    signOrigin: 'https://ads-api.x.com',
  });
  assert.equal(real.status, 200, real.text);
  assert.equal(real.body.data.length, 1);

  clock.t += 2 * 365 * 86_400_000;
  assert.equal(
    (await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token: access.token, tokenSecret: access.secret }))
      .status,
    200,
  );
  // Re-authorizing the same app returns the same token.
  assert.equal((await threeLegged(sb, clock)).token, access.token);
  assert.equal(sb.tokens.refreshCount(access.token), 0);
});

test('consent page: Deny sends the user back with denied=<request token>; Allow with a verifier', async (t) => {
  const { sb, clock } = await startX(t, { autoConsent: false, appName: 'Agency Hub' });
  const rt = new URLSearchParams(
    (await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text,
  );
  const page = await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  const action = /action="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const post = (decision: string, token: string) =>
    call(`${sb.url}${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ oauth_token: token, decision }).toString(),
    });
  const deny = new URL((await post('deny', rt.get('oauth_token') ?? '')).headers.get('location') ?? '');
  assert.equal(deny.searchParams.get('denied'), rt.get('oauth_token'));
  assert.equal(deny.searchParams.get('oauth_verifier'), null);
  // A denied request token is spent.
  assert.equal((await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`)).status, 403);

  const rt2 = new URLSearchParams(
    (await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text,
  );
  const allow = new URL((await post('allow', rt2.get('oauth_token') ?? '')).headers.get('location') ?? '');
  assert.ok(allow.searchParams.get('oauth_verifier'));
});

test('signature verification: tampered signature, wrong consumer secret, altered params, stale timestamp and replayed nonce are refused', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  const tampered = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, {
    token,
    tokenSecret: secret,
    tamper: (h) =>
      h.replace(
        /oauth_signature="([^"]+)"/,
        (_m, sig: string) => `oauth_signature="${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}"`,
      ),
  });
  assert.equal(tampered.status, 401);
  assert.deepEqual(tampered.body.errors, [
    { code: 'UNAUTHORIZED_ACCESS', message: 'This request is not properly authenticated' },
  ]);
  assert.equal(tampered.body.request.params !== undefined, true);

  const wrongTokenSecret = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: 'nope' });
  assert.equal(wrongTokenSecret.status, 401);

  const badConsumer = await signed(sb, clock, 'POST', sb.requestTokenUrl, {
    oauth: { oauth_callback: CALLBACK },
    consumerSecret: 'wrong',
  });
  assert.equal(badConsumer.status, 401);
  assert.deepEqual(badConsumer.body, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });

  // Sign count=1, send count=2: the query is part of the signature.
  const auth = signRequest({
    method: 'GET',
    url: `${sb.apiUrl}/accounts?count=1`,
    consumerKey: sb.consumerKey,
    consumerSecret: sb.consumerSecret,
    token,
    tokenSecret: secret,
    timestamp: Math.floor(clock.t / 1000),
  });
  assert.equal((await call(`${sb.apiUrl}/accounts?count=2`, { headers: { authorization: auth } })).status, 401);

  const stale = await signed(sb, clock, 'POST', sb.requestTokenUrl, {
    oauth: { oauth_callback: CALLBACK },
    timestamp: Math.floor(clock.t / 1000) - 3600,
  });
  assert.deepEqual(stale.body, { errors: [{ code: 135, message: 'Timestamp out of bounds.' }] });

  const nonce = 'fixed-nonce-123';
  assert.equal(
    (await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret, nonce })).status,
    200,
  );
  assert.equal(
    (await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret, nonce })).status,
    401,
  );

  const unsigned = await call(`${sb.apiUrl}/accounts`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(unsigned.status, 401);
});

test('access_token: wrong verifier is refused; a used request token is invalid (code 89)', async (t) => {
  const { sb, clock } = await startX(t);
  const rt = new URLSearchParams(
    (await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text,
  );
  const cb = new URL(
    (await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`)).headers.get('location') ?? '',
  );
  const base = { token: rt.get('oauth_token') ?? '', tokenSecret: rt.get('oauth_token_secret') ?? '' };
  const wrong = await signed(sb, clock, 'POST', sb.accessTokenUrl, { ...base, oauth: { oauth_verifier: 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.text, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
  // oauth_verifier may also travel in the form body.
  const ok = await signed(sb, clock, 'POST', sb.accessTokenUrl, {
    ...base,
    form: { oauth_verifier: cb.searchParams.get('oauth_verifier') ?? '' },
  });
  assert.equal(ok.status, 200, ok.text);
  const reused = await signed(sb, clock, 'POST', sb.accessTokenUrl, {
    ...base,
    oauth: { oauth_verifier: cb.searchParams.get('oauth_verifier') ?? '' },
  });
  assert.deepEqual(reused.body, { errors: [{ code: 89, message: 'Invalid or expired token.' }] });
});

test('invalidate_token revokes the access token; afterwards calls are UNAUTHORIZED_ACCESS', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = await threeLegged(sb, clock);
  const inv = await signed(sb, clock, 'POST', `${sb.url}/1.1/oauth/invalidate_token`, { token, tokenSecret: secret });
  assert.equal(inv.status, 200, inv.text);
  assert.deepEqual(inv.body, { access_token: token });
  const after = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret });
  assert.equal(after.status, 401);
  assert.equal(after.body.errors[0].code, 'UNAUTHORIZED_ACCESS');
});

test('campaigns: count/cursor paging with next_cursor null at the end, micros, with_deleted, exclusive params, account headers', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const visible = sb
    .world()
    .campaigns.filter((c) => c.account_id === account.id && !c.deleted && c.entity_status !== 'DRAFT');
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `${sb.apiUrl}/accounts/${account.id}/campaigns?count=2${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await signed(sb, clock, 'GET', url, { token, tokenSecret: secret });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.request.params.account_id, account.id);
    assert.ok(res.headers.get('x-account-rate-limit-remaining'));
    for (const c of res.body.data) {
      assert.equal(Number.isInteger(c.daily_budget_amount_local_micro), true);
      assert.match(c.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      seen.push(c.id);
    }
    cursor = res.body.next_cursor;
    pages++;
  } while (cursor);
  assert.deepEqual(
    seen,
    visible.map((c) => c.id),
  );
  assert.equal(pages, Math.max(1, Math.ceil(visible.length / 2)));

  const all = await signed(
    sb,
    clock,
    'GET',
    `${sb.apiUrl}/accounts/${account.id}/campaigns?with_deleted=true&with_draft=true&with_total_count=true`,
    { token, tokenSecret: secret },
  );
  assert.equal(all.body.total_count, sb.world().campaigns.filter((c) => c.account_id === account.id).length);
  const excl = await signed(
    sb,
    clock,
    'GET',
    `${sb.apiUrl}/accounts/${account.id}/campaigns?with_total_count=true&cursor=c-2`,
    { token, tokenSecret: secret },
  );
  assert.equal(excl.status, 400);
  assert.equal(excl.body.errors[0].code, 'EXCLUSIVE_PARAMETERS');
  assert.equal(
    (
      await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?count=1001`, {
        token,
        tokenSecret: secret,
      })
    ).body.errors[0].code,
    'INVALID_PARAMETER',
  );
  assert.equal(
    (await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/nope/campaigns`, { token, tokenSecret: secret })).status,
    404,
  );

  const target = visible[0];
  if (target) {
    sb.remote.delete(target.id);
    const after = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?count=1000`, {
      token,
      tokenSecret: secret,
    });
    assert.equal(
      after.body.data.some((c: any) => c.id === target.id),
      false,
    );
  }
});

test('rate-limit fault → 429 TOO_MANY_REQUESTS with x-rate-limit-* headers (remaining 0, reset in the future)', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  await call(`${sb.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'rate_limit', pathPrefix: '/accounts' }),
  });
  const limited = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.errors[0].code, 'TOO_MANY_REQUESTS');
  assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
  assert.ok(Number(limited.headers.get('x-rate-limit-reset')) > Math.floor(clock.t / 1000));
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret })).status, 200);
  assert.equal((await call(`${sb.url}/9/accounts`)).status, 404);
});

test('writes: campaigns are created, changed and deleted with signed form params; a tampered or read-only write changes nothing', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  const account = sb.world().accounts[0]!;
  const fi = sb.world().instruments.get(account.id)!;
  const base = `${sb.apiUrl}/accounts/${account.id}/campaigns`;
  const before = sb.world().campaigns.length;

  const forged = await signed(sb, clock, 'POST', base, {
    token,
    tokenSecret: secret,
    form: { funding_instrument_id: fi, name: 'Forged' },
    tamper: (h) => h.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"'),
  });
  assert.equal(forged.status, 401);
  assert.equal(forged.body.errors[0].code, 'UNAUTHORIZED_ACCESS');
  // The form body is part of the signature: a body changed after signing does not verify.
  const auth = signRequest({
    method: 'POST',
    url: base,
    consumerKey: sb.consumerKey,
    consumerSecret: sb.consumerSecret,
    token,
    tokenSecret: secret,
    form: { funding_instrument_id: fi, name: 'Signed' },
    timestamp: Math.floor(clock.t / 1000),
  });
  const swapped = await call(base, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ funding_instrument_id: fi, name: 'Swapped' }).toString(),
  });
  assert.equal(swapped.status, 401);
  assert.equal(sb.world().campaigns.length, before, 'nothing was written');
  // The user re-authorizing gets the same token back, so a read-only one needs its own sandbox.
  const other = await startX(t);
  const ro = other.sb.mintToken({ accessType: 'read' });
  const roAccount = other.sb.world().accounts[0]!;
  const readOnly = await signed(
    other.sb,
    other.clock,
    'POST',
    `${other.sb.apiUrl}/accounts/${roAccount.id}/campaigns`,
    {
      token: ro.token,
      tokenSecret: ro.secret,
      form: { funding_instrument_id: other.sb.world().instruments.get(roAccount.id)!, name: 'Read only' },
    },
  );
  assert.equal(readOnly.status, 403);
  assert.equal(readOnly.body.errors[0].code, 'READONLY_CLIENT_APPLICATION');
  assert.equal(other.sb.world().campaigns.length, before);

  const created = await signed(sb, clock, 'POST', base, {
    token,
    tokenSecret: secret,
    form: {
      funding_instrument_id: fi,
      name: 'Spring',
      entity_status: 'PAUSED',
      daily_budget_amount_local_micro: '5500000',
      total_budget_amount_local_micro: '37500000',
    },
  });
  assert.equal(created.status, 200, created.text);
  assert.ok(created.headers.get('x-rate-limit-remaining'));
  const c = created.body.data;
  assert.deepEqual(
    [
      c.name,
      c.entity_status,
      c.daily_budget_amount_local_micro,
      c.total_budget_amount_local_micro,
      c.currency,
      c.deleted,
    ],
    ['Spring', 'PAUSED', 5_500_000, 37_500_000, account.currency, false],
  );
  assert.equal(c.account_id, undefined);

  // PUT changes only what is sent; an empty string unsets an optional field.
  const put = await signed(sb, clock, 'PUT', `${base}/${c.id}`, {
    token,
    tokenSecret: secret,
    form: { name: 'Spring 2', total_budget_amount_local_micro: '' },
  });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(
    [put.body.data.name, put.body.data.daily_budget_amount_local_micro, put.body.data.total_budget_amount_local_micro],
    ['Spring 2', 5_500_000, null],
  );
  const listed = await signed(sb, clock, 'GET', `${base}/${c.id}`, { token, tokenSecret: secret });
  assert.equal(listed.body.data.name, 'Spring 2');

  const missing = await signed(sb, clock, 'POST', base, {
    token,
    tokenSecret: secret,
    form: { funding_instrument_id: fi },
  });
  assert.deepEqual(
    [missing.status, missing.body.errors[0].code, missing.body.errors[0].parameter],
    [400, 'MISSING_PARAMETER', 'name'],
  );
  const empty = await signed(sb, clock, 'PUT', `${base}/${c.id}`, { token, tokenSecret: secret, form: { name: '' } });
  assert.deepEqual([empty.status, empty.body.errors[0].code], [400, 'INVALID_PARAMETER']);
  const low = await signed(sb, clock, 'PUT', `${base}/${c.id}`, {
    token,
    tokenSecret: secret,
    form: { daily_budget_amount_local_micro: '999999' },
  });
  assert.match(low.body.errors[0].message, /at least 1000000/);
  const notLong = await signed(sb, clock, 'PUT', `${base}/${c.id}`, {
    token,
    tokenSecret: secret,
    form: { daily_budget_amount_local_micro: '5.5' },
  });
  assert.equal(notLong.body.errors[0].message, 'Expected long, got "5.5" for daily_budget_amount_local_micro');

  const del = await signed(sb, clock, 'DELETE', `${base}/${c.id}`, { token, tokenSecret: secret });
  assert.equal(del.status, 200);
  assert.equal(del.body.data.deleted, true);
  assert.equal(
    (await signed(sb, clock, 'DELETE', `${base}/${c.id}`, { token, tokenSecret: secret })).status,
    404,
    'deleting is not reversible',
  );
  assert.equal((await signed(sb, clock, 'GET', `${base}/${c.id}`, { token, tokenSecret: secret })).status, 404);
  assert.equal(
    (await signed(sb, clock, 'GET', `${base}/${c.id}?with_deleted=true`, { token, tokenSecret: secret })).body.data
      .deleted,
    true,
  );
});

test('line items: entity_status and schedule by PUT, end before start refused; promoted tweets take no PUT (405)', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  const li = sb.world().lineItems.find((l) => !l.deleted && l.entity_status === 'ACTIVE')!;
  const url = `${sb.apiUrl}/accounts/${li.account_id}/line_items/${li.id}`;
  const paused = await signed(sb, clock, 'PUT', url, { token, tokenSecret: secret, form: { entity_status: 'PAUSED' } });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(li.entity_status, 'PAUSED');
  const backwards = await signed(sb, clock, 'PUT', url, {
    token,
    tokenSecret: secret,
    form: { end_time: '2001-01-01T00:00:00Z' },
  });
  assert.deepEqual(
    [backwards.status, backwards.body.errors[0].code, backwards.body.errors[0].parameter],
    [400, 'INVALID_PARAMETER', 'end_time'],
  );
  const badTime = await signed(sb, clock, 'PUT', url, { token, tokenSecret: secret, form: { start_time: 'soon' } });
  assert.equal(badTime.body.errors[0].message, 'Expected time, got "soon" for start_time');
  const later = await signed(sb, clock, 'PUT', url, {
    token,
    tokenSecret: secret,
    form: { end_time: '2031-01-01T00:00:00-0800' },
  });
  assert.equal(later.body.data.end_time, '2031-01-01T08:00:00Z', 'offsets accepted, UTC returned');

  const pt = sb.world().promotedTweets.find((x) => x.line_item_id === li.id)!;
  const put = await signed(sb, clock, 'PUT', `${sb.apiUrl}/accounts/${li.account_id}/promoted_tweets/${pt.id}`, {
    token,
    tokenSecret: secret,
    form: { entity_status: 'PAUSED' },
  });
  assert.equal(put.status, 405);
  assert.equal(put.body.errors[0].code, 'METHOD_NOT_ALLOWED');
});

test('async stats jobs: PROCESSING until polled enough, then SUCCESS with a url serving the gzipped synchronous body; limits as documented', async (t) => {
  const { sb, clock } = await startX(t, { statsJobPolls: 3 });
  const { token, secret } = sb.mintToken();
  const account = sb.world().accounts.find((a) => a.timezone === 'Europe/Berlin')!;
  const ids = sb
    .world()
    .promotedTweets.filter((p) => p.account_id === account.id && !p.deleted)
    .slice(0, 5)
    .map((p) => p.id);
  // Berlin midnights in November (UTC+1): 23:00Z the day before.
  const from = sb.world().firstDay;
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + sb.world().days * 86_400_000).toISOString().slice(0, 10);
  const midnight = (d: string) =>
    new Date(Date.parse(`${d}T00:00:00Z`) - 3_600_000).toISOString().replace('.000Z', 'Z');
  const params = {
    entity: 'PROMOTED_TWEET',
    entity_ids: ids.join(','),
    granularity: 'DAY',
    metric_groups: 'ENGAGEMENT,BILLING',
    placement: 'ALL_ON_TWITTER',
    start_time: midnight(from),
    end_time: midnight(to),
  };
  const jobsUrl = `${sb.apiUrl}/stats/jobs/accounts/${account.id}`;

  const created = await signed(sb, clock, 'POST', jobsUrl, { token, tokenSecret: secret, form: params });
  assert.equal(created.status, 200, created.text);
  const job = created.body.data;
  assert.deepEqual([job.status, job.url, job.expires_at, job.entity_ids], ['PROCESSING', null, null, ids]);
  assert.match(job.id_str, /^\d{19}$/);
  assert.notEqual(String(job.id), job.id_str, 'the numeric id loses precision in JSON; id_str does not');
  assert.equal(created.headers.get('x-concurrent-job-limit'), '100');

  const poll = () => signed(sb, clock, 'GET', `${jobsUrl}?job_ids=${job.id_str}`, { token, tokenSecret: secret });
  assert.equal((await poll()).body.data[0].status, 'PROCESSING');
  assert.equal((await poll()).body.data[0].status, 'PROCESSING');
  const done = (await poll()).body.data[0];
  assert.equal(done.status, 'SUCCESS');
  assert.match(done.url, /\/ton\/advertiser-api-async-analytics\/stats_job_\d+_[\w-]+\.json\.gz$/);
  assert.ok(Date.parse(done.expires_at) > clock.t);

  const file = await fetch(done.url);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'application/gzip');
  assert.equal(file.headers.get('content-encoding'), null, 'a gzipped file, not a gzip-encoded response');
  const { gunzipSync } = await import('node:zlib');
  const body = JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8'));
  const sync = await signed(
    sb,
    clock,
    'GET',
    `${sb.apiUrl}/stats/accounts/${account.id}?${new URLSearchParams({ ...params, start_time: midnight(from), end_time: midnight(addDaysIso(from, 7)) }).toString()}`,
    { token, tokenSecret: secret },
  );
  assert.equal(sync.status, 200, sync.text);
  assert.equal(body.time_series_length, sb.world().days);
  assert.deepEqual(
    body.data[0].id_data[0].metrics.impressions.slice(0, 7),
    sync.body.data[0].id_data[0].metrics.impressions,
    'the same numbers as the synchronous endpoint',
  );

  const tooLong = await signed(sb, clock, 'POST', jobsUrl, {
    token,
    tokenSecret: secret,
    form: { ...params, start_time: midnight(addDaysIso(to, -91)) },
  });
  assert.deepEqual([tooLong.status, tooLong.body.errors[0].code], [400, 'INVALID_PARAMETER']);
  const segmented = await signed(sb, clock, 'POST', jobsUrl, {
    token,
    tokenSecret: secret,
    form: { ...params, start_time: midnight(addDaysIso(to, -46)), segmentation_type: 'GENDER' },
  });
  assert.match(segmented.body.errors[0].message, /at most 45 days/);
  const tooMany = await signed(
    sb,
    clock,
    'GET',
    `${jobsUrl}?job_ids=${Array.from({ length: 201 }, (_, i) => i + 1).join(',')}`,
    { token, tokenSecret: secret },
  );
  assert.equal(tooMany.status, 400);

  clock.t += 3 * 86_400_000;
  assert.equal((await fetch(done.url)).status, 404, 'the file expires');
});

function addDaysIso(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
