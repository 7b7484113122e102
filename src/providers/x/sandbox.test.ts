import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, startSandbox, T0, type Res } from '../../../test/helpers/sandbox-http.ts';
import { sandbox, signRequest, type XRunningSandbox, type XSandboxOptions } from './sandbox.ts';

const CALLBACK = 'http://127.0.0.1:9/oauth/callback';

async function startX(t: TestContext, opts: XSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 6, size: 2000, autoConsent: true, ...opts });
}

interface SignOpts {
  token?: string;
  tokenSecret?: string;
  form?: Record<string, string>;
  oauth?: Record<string, string>;
  /** Sign as if calling this origin instead of the sandbox (what a client that rewrites late does). */
  signOrigin?: string;
  consumerSecret?: string;
  timestamp?: number;
  nonce?: string;
  tamper?: (header: string) => string;
}

async function signed(sb: XRunningSandbox, clock: { t: number }, method: string, url: string, o: SignOpts = {}): Promise<Res> {
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

async function threeLegged(sb: XRunningSandbox, clock: { t: number }): Promise<{ token: string; secret: string; userId: string }> {
  const rt = await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK }, form: { x_auth_access_type: 'write' } });
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
  return { token: a.get('oauth_token') ?? '', secret: a.get('oauth_token_secret') ?? '', userId: a.get('user_id') ?? '' };
}

test('three-legged OAuth 1.0a: request token → authorize → access token; signed /12/accounts works and tokens never expire', async (t) => {
  const { sb, clock } = await startX(t);
  const access = await threeLegged(sb, clock);
  assert.equal(access.userId, sb.userId);
  assert.ok(access.token.startsWith(`${sb.userId}-`));

  const accounts = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token: access.token, tokenSecret: access.secret });
  assert.equal(accounts.status, 200, accounts.text);
  assert.deepEqual(accounts.body.data.map((a: any) => a.id), sb.world().accounts.map((a) => a.id));
  assert.equal(accounts.body.next_cursor, null);
  assert.deepEqual(accounts.body.request, { params: {} });
  assert.equal(accounts.headers.get('x-rate-limit-remaining'), String(Number(accounts.headers.get('x-rate-limit-limit')) - 1));
  assert.match(accounts.headers.get('x-rate-limit-reset') ?? '', /^\d+$/);
  assert.equal(accounts.headers.get('x-current-api-version'), '12');

  // Signing against the real host the client thinks it is calling is accepted too.
  const real = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts?count=1`, { token: access.token, tokenSecret: access.secret, signOrigin: 'https://ads-api.x.com' });
  assert.equal(real.status, 200, real.text);
  assert.equal(real.body.data.length, 1);

  clock.t += 2 * 365 * 86_400_000;
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token: access.token, tokenSecret: access.secret })).status, 200);
  // Re-authorizing the same app returns the same token.
  assert.equal((await threeLegged(sb, clock)).token, access.token);
  assert.equal(sb.tokens.refreshCount(access.token), 0);
});

test('consent page: Deny sends the user back with denied=<request token>; Allow with a verifier', async (t) => {
  const { sb, clock } = await startX(t, { autoConsent: false, appName: 'Agency Hub' });
  const rt = new URLSearchParams((await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text);
  const page = await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  const action = /action="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const post = (decision: string, token: string) => call(`${sb.url}${action}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ oauth_token: token, decision }).toString() });
  const deny = new URL((await post('deny', rt.get('oauth_token') ?? '')).headers.get('location') ?? '');
  assert.equal(deny.searchParams.get('denied'), rt.get('oauth_token'));
  assert.equal(deny.searchParams.get('oauth_verifier'), null);
  // A denied request token is spent.
  assert.equal((await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`)).status, 403);

  const rt2 = new URLSearchParams((await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text);
  const allow = new URL((await post('allow', rt2.get('oauth_token') ?? '')).headers.get('location') ?? '');
  assert.ok(allow.searchParams.get('oauth_verifier'));
});

test('signature verification: tampered signature, wrong consumer secret, altered params, stale timestamp and replayed nonce are refused', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  const tampered = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, {
    token,
    tokenSecret: secret,
    tamper: (h) => h.replace(/oauth_signature="([^"]+)"/, (_m, sig: string) => `oauth_signature="${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}"`),
  });
  assert.equal(tampered.status, 401);
  assert.deepEqual(tampered.body.errors, [{ code: 'UNAUTHORIZED_ACCESS', message: 'This request is not properly authenticated' }]);
  assert.equal(tampered.body.request.params !== undefined, true);

  const wrongTokenSecret = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: 'nope' });
  assert.equal(wrongTokenSecret.status, 401);

  const badConsumer = await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK }, consumerSecret: 'wrong' });
  assert.equal(badConsumer.status, 401);
  assert.deepEqual(badConsumer.body, { errors: [{ code: 32, message: 'Could not authenticate you.' }] });

  // Sign count=1, send count=2: the query is part of the signature.
  const auth = signRequest({ method: 'GET', url: `${sb.apiUrl}/accounts?count=1`, consumerKey: sb.consumerKey, consumerSecret: sb.consumerSecret, token, tokenSecret: secret, timestamp: Math.floor(clock.t / 1000) });
  assert.equal((await call(`${sb.apiUrl}/accounts?count=2`, { headers: { authorization: auth } })).status, 401);

  const stale = await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK }, timestamp: Math.floor(clock.t / 1000) - 3600 });
  assert.deepEqual(stale.body, { errors: [{ code: 135, message: 'Timestamp out of bounds.' }] });

  const nonce = 'fixed-nonce-123';
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret, nonce })).status, 200);
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret, nonce })).status, 401);

  const unsigned = await call(`${sb.apiUrl}/accounts`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(unsigned.status, 401);
});

test('access_token: wrong verifier is refused; a used request token is invalid (code 89)', async (t) => {
  const { sb, clock } = await startX(t);
  const rt = new URLSearchParams((await signed(sb, clock, 'POST', sb.requestTokenUrl, { oauth: { oauth_callback: CALLBACK } })).text);
  const cb = new URL((await call(`${sb.authorizeUrl}?oauth_token=${rt.get('oauth_token')}`)).headers.get('location') ?? '');
  const base = { token: rt.get('oauth_token') ?? '', tokenSecret: rt.get('oauth_token_secret') ?? '' };
  const wrong = await signed(sb, clock, 'POST', sb.accessTokenUrl, { ...base, oauth: { oauth_verifier: 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.text, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
  // oauth_verifier may also travel in the form body.
  const ok = await signed(sb, clock, 'POST', sb.accessTokenUrl, { ...base, form: { oauth_verifier: cb.searchParams.get('oauth_verifier') ?? '' } });
  assert.equal(ok.status, 200, ok.text);
  const reused = await signed(sb, clock, 'POST', sb.accessTokenUrl, { ...base, oauth: { oauth_verifier: cb.searchParams.get('oauth_verifier') ?? '' } });
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
  const visible = sb.world().campaigns.filter((c) => c.account_id === account.id && !c.deleted && c.entity_status !== 'DRAFT');
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
  assert.deepEqual(seen, visible.map((c) => c.id));
  assert.equal(pages, Math.max(1, Math.ceil(visible.length / 2)));

  const all = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?with_deleted=true&with_draft=true&with_total_count=true`, { token, tokenSecret: secret });
  assert.equal(all.body.total_count, sb.world().campaigns.filter((c) => c.account_id === account.id).length);
  const excl = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?with_total_count=true&cursor=c-2`, { token, tokenSecret: secret });
  assert.equal(excl.status, 400);
  assert.equal(excl.body.errors[0].code, 'EXCLUSIVE_PARAMETERS');
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?count=1001`, { token, tokenSecret: secret })).body.errors[0].code, 'INVALID_PARAMETER');
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/nope/campaigns`, { token, tokenSecret: secret })).status, 404);

  const target = visible[0];
  if (target) {
    sb.remote.delete(target.id);
    const after = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts/${account.id}/campaigns?count=1000`, { token, tokenSecret: secret });
    assert.equal(after.body.data.some((c: any) => c.id === target.id), false);
  }
});

test('rate-limit fault → 429 TOO_MANY_REQUESTS with x-rate-limit-* headers (remaining 0, reset in the future)', async (t) => {
  const { sb, clock } = await startX(t);
  const { token, secret } = sb.mintToken();
  await call(`${sb.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'rate_limit', pathPrefix: '/accounts' }) });
  const limited = await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.errors[0].code, 'TOO_MANY_REQUESTS');
  assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
  assert.ok(Number(limited.headers.get('x-rate-limit-reset')) > Math.floor(clock.t / 1000));
  assert.equal((await signed(sb, clock, 'GET', `${sb.apiUrl}/accounts`, { token, tokenSecret: secret })).status, 200);
  assert.equal((await call(`${sb.url}/9/accounts`)).status, 404);
});
