import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { callWithCredential, jsonPost as post, startSandbox, T0, type Res } from '../../../test/helpers/sandbox-http.ts';
import { sandbox, type ShopifyRunningSandbox, type ShopifySandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/shopify/callback';

async function startShop(t: TestContext, opts: ShopifySandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 4, size: 120, autoConsent: true, ...opts });
}

const call = callWithCredential('token', 'x-shopify-access-token');

/** The callback check a connector performs, written from the fact sheet (not the sandbox's helper). */
function validHmac(params: URLSearchParams, secret: string): boolean {
  const rest = [...params].filter(([k]) => k !== 'hmac' && k !== 'signature').sort(([a], [b]) => a.localeCompare(b));
  const message = new URLSearchParams(rest).toString();
  return createHmac('sha256', secret).update(message).digest('hex') === params.get('hmac');
}

function authorizeUrl(sb: ShopifyRunningSandbox, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: sb.clientId, scope: 'read_content,write_content,read_products', redirect_uri: REDIRECT, state: 'nonce-1', ...extra });
  return `${sb.authorizeUrl}?${q}`;
}

async function authorize(sb: ShopifyRunningSandbox, extra: Record<string, string> = {}): Promise<URL> {
  const res = await call(authorizeUrl(sb, extra));
  assert.equal(res.status, 302, String(res.body));
  return new URL(res.headers.get('location') ?? '');
}

async function exchange(sb: ShopifyRunningSandbox, code: string, extra: Record<string, unknown> = {}): Promise<Res> {
  return call(sb.tokenUrl, post({ client_id: sb.clientId, client_secret: sb.clientSecret, code, ...extra }));
}

async function refresh(sb: ShopifyRunningSandbox, refreshToken: string): Promise<Res> {
  return call(sb.tokenUrl, post({ client_id: sb.clientId, client_secret: sb.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }));
}

const INVALID = '[API] Invalid API key or access token (unrecognized login or wrong password)';

test('authorize → signed callback (hmac, host, shop, state, timestamp) → non-expiring offline token → shop.json', async (t) => {
  const { sb } = await startShop(t);
  const cb = await authorize(sb);
  assert.equal(`${cb.origin}${cb.pathname}`, REDIRECT);
  for (const k of ['code', 'hmac', 'host', 'shop', 'state', 'timestamp']) assert.ok(cb.searchParams.get(k), k);
  assert.equal(cb.searchParams.get('shop'), 'plexus-sandbox.myshopify.com');
  assert.equal(cb.searchParams.get('state'), 'nonce-1');
  assert.equal(cb.searchParams.get('timestamp'), String(T0 / 1000));
  assert.equal(Buffer.from(cb.searchParams.get('host')!, 'base64').toString(), 'admin.shopify.com/store/plexus-sandbox');
  assert.ok(validHmac(cb.searchParams, sb.clientSecret));
  assert.ok(!validHmac(cb.searchParams, 'other-secret'));
  assert.ok(sb.verifyHmac(Object.fromEntries(cb.searchParams)));
  const tampered = new URLSearchParams(cb.searchParams);
  tampered.set('shop', 'evil.myshopify.com');
  assert.ok(!validHmac(tampered, sb.clientSecret));

  const token = await exchange(sb, cb.searchParams.get('code')!);
  assert.equal(token.status, 200);
  assert.deepEqual(Object.keys(token.body).sort(), ['access_token', 'scope']);
  assert.match(token.body.access_token, /^shpat_[0-9a-f]{32}$/);
  assert.equal(token.body.scope, 'read_content,write_content,read_products');

  const again = await exchange(sb, cb.searchParams.get('code')!);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_request');

  const shop = await call(`${sb.apiUrl}/shop.json`, { token: token.body.access_token });
  assert.equal(shop.status, 200);
  assert.equal(shop.body.shop.myshopify_domain, 'plexus-sandbox.myshopify.com');
  assert.equal(shop.headers.get('x-shopify-api-version'), '2025-10');
  assert.equal(shop.headers.get('x-shopify-shop-api-call-limit'), '1/40');

  const install = new URL(sb.installUrl('https://app.example/install'));
  assert.ok(validHmac(install.searchParams, sb.clientSecret));
});

test('invalid shop names are refused; wrong client, redirect and scope show Oauth error pages', async (t) => {
  await assert.rejects(sandbox.start({ shop: 'bad shop!' } as ShopifySandboxOptions));
  await assert.rejects(sandbox.start({ shop: '-leading' } as ShopifySandboxOptions));
  const { sb } = await startShop(t, { shop: 'my_store-2', redirectUris: [REDIRECT] });
  assert.equal(sb.shopDomain, 'my_store-2.myshopify.com');
  assert.equal((await call(authorizeUrl(sb, { shop: 'evil.example.com' }))).status, 400);
  assert.equal((await call(authorizeUrl(sb, { shop: 'my_store-2.myshopify.com' }))).status, 302);
  assert.equal((await call(authorizeUrl(sb, { client_id: 'nope' }))).status, 400);
  assert.equal((await call(authorizeUrl(sb, { redirect_uri: 'http://127.0.0.1:9/other' }))).status, 400);
  const scope = await call(authorizeUrl(sb, { scope: 'read_content,bogus' }));
  assert.equal(scope.status, 400);
  assert.match(scope.body, /invalid_scope/);
});

test('consent page: Deny redirects with access_denied and state; Allow with a signed code', async (t) => {
  const { sb } = await startShop(t, { autoConsent: false, appName: 'Agency Hub' });
  const page = await call(authorizeUrl(sb));
  assert.equal(page.status, 200);
  assert.match(page.body, /Agency Hub/);
  assert.match(page.body, /write_content/);
  const action = /action="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const hidden = Object.fromEntries([...String(page.body).matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  const form = (decision: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...hidden, decision }).toString() });
  const deny = new URL((await call(`${sb.url}${action}`, form('deny'))).headers.get('location') ?? '');
  assert.equal(deny.searchParams.get('error'), 'access_denied');
  assert.equal(deny.searchParams.get('state'), 'nonce-1');
  assert.equal(deny.searchParams.get('code'), null);
  const allow = new URL((await call(`${sb.url}${action}`, form('allow'))).headers.get('location') ?? '');
  assert.ok(validHmac(allow.searchParams, sb.clientSecret));
  assert.equal((await exchange(sb, allow.searchParams.get('code')!)).status, 200);
});

test('expiring=1: 1 h token + rotating refresh token; expiry is a 401; old refresh token fails; counter counts', async (t) => {
  const { sb, clock } = await startShop(t);
  const cb = await authorize(sb);
  const first = await exchange(sb, cb.searchParams.get('code')!, { expiring: '1' });
  assert.equal(first.status, 200);
  assert.equal(first.body.expires_in, 3600);
  assert.equal(first.body.refresh_token_expires_in, 7_776_000);
  assert.match(first.body.refresh_token, /^shprt_/);
  assert.equal((await call(`${sb.apiUrl}/shop.json`, { token: first.body.access_token })).status, 200);

  clock.t += 3600 * 1000;
  const expired = await call(`${sb.apiUrl}/shop.json`, { token: first.body.access_token });
  assert.equal(expired.status, 401);
  assert.deepEqual(expired.body, { errors: INVALID });

  const second = await refresh(sb, first.body.refresh_token);
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refresh_token, first.body.refresh_token);
  assert.equal((await call(`${sb.apiUrl}/shop.json`, { token: second.body.access_token })).status, 200);
  assert.equal(sb.tokens.refreshCount(second.body.access_token), 1);

  const reused = await refresh(sb, first.body.refresh_token);
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_grant');
  assert.equal(typeof reused.body.error_description, 'string');

  const third = await refresh(sb, second.body.refresh_token);
  assert.equal(third.status, 200);
  assert.equal(sb.tokens.refreshCount(third.body.access_token), 2);
  // Only one expiring pair is live: the previous access token was retired by the refresh.
  assert.equal((await call(`${sb.apiUrl}/shop.json`, { token: second.body.access_token })).status, 401);
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.refreshes.total, 2);

  const wrongSecret = await call(sb.tokenUrl, post({ client_id: sb.clientId, client_secret: 'x', grant_type: 'refresh_token', refresh_token: third.body.refresh_token }));
  assert.equal(wrongSecret.body.error, 'invalid_client');
});

test('rotateRefreshTokens=false keeps the refresh token usable', async (t) => {
  const { sb } = await startShop(t, { rotateRefreshTokens: false });
  const pair = sb.mintToken({ expiring: true });
  const a = await refresh(sb, pair.refresh_token!);
  const b = await refresh(sb, pair.refresh_token!);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(b.body.refresh_token, pair.refresh_token);
  assert.equal(sb.tokens.refreshCount(pair.refresh_token!), 2);
});

test('revocation: uninstall via api_permissions/current.json and the control endpoint', async (t) => {
  const { sb } = await startShop(t);
  const { access_token } = sb.mintToken();
  const del = await call(`${sb.apiUrl}/api_permissions/current.json`, { method: 'DELETE', token: access_token });
  assert.equal(del.status, 200);
  assert.deepEqual((await call(`${sb.apiUrl}/shop.json`, { token: access_token })).body, { errors: INVALID });
  const other = sb.mintToken().access_token;
  await call(`${sb.url}/__sandbox/revoke`, post({ token: other }));
  assert.equal((await call(`${sb.apiUrl}/shop.json`, { token: other })).status, 401);
  assert.equal((await call(`${sb.apiUrl}/shop.json`)).status, 401);
  const readOnly = sb.mintToken({ scopes: ['read_content'] }).access_token;
  const denied = await call(`${sb.apiUrl}/products.json`, { token: readOnly });
  assert.equal(denied.status, 403);
  assert.match(denied.body.errors, /read_products/);
});

test('leaky bucket: 40 calls fill it, the 41st is 429 with Retry-After; it drains at 2/s; faults answer the same way', async (t) => {
  const { sb, clock } = await startShop(t);
  const { access_token } = sb.mintToken();
  let last: Res | undefined;
  for (let i = 0; i < 40; i++) last = await call(`${sb.apiUrl}/blogs.json`, { token: access_token });
  assert.equal(last?.headers.get('x-shopify-shop-api-call-limit'), '40/40');
  const limited = await call(`${sb.apiUrl}/blogs.json`, { token: access_token });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '0.5');
  assert.match(limited.body.errors, /Exceeded 2 calls per second/);
  clock.t += 1000;
  const after = await call(`${sb.apiUrl}/blogs.json`, { token: access_token });
  assert.equal(after.status, 200);
  assert.equal(after.headers.get('x-shopify-shop-api-call-limit'), '39/40');

  sb.faults.rateLimit({ pathPrefix: '/admin/api' });
  const fault = await call(`${sb.apiUrl}/products.json`, { token: access_token });
  assert.equal(fault.status, 429);
  assert.equal(fault.headers.get('retry-after'), '2.0');
});

test('articles: Link-header cursor paging walks every article, updated_at_min filters, page_info refuses other filters', async (t) => {
  const { sb, clock } = await startShop(t);
  const { access_token } = sb.mintToken();
  const blogs = await call(`${sb.apiUrl}/blogs.json`, { token: access_token });
  assert.equal(blogs.body.blogs.length, 2);
  for (const blog of blogs.body.blogs) {
    const expected = sb.data().of('article', blog.id).map((a) => a.id).sort((a, b) => a - b);
    const seen: number[] = [];
    let next: string | undefined = `${sb.apiUrl}/blogs/${blog.id}/articles.json?limit=7`;
    let pages = 0;
    while (next) {
      const res: Res = await call(next, { token: access_token });
      assert.equal(res.status, 200);
      seen.push(...res.body.articles.map((a: any) => a.id));
      pages++;
      next = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      if (pages === 2) {
        const prev = /<([^>]+)>; rel="previous"/.exec(res.headers.get('link') ?? '')?.[1];
        assert.ok(prev);
        assert.match(prev, /page_info=/);
      }
    }
    assert.deepEqual(seen, expected);
    const count = await call(`${sb.apiUrl}/blogs/${blog.id}/articles/count.json`, { token: access_token });
    assert.equal(count.body.count, expected.length);
  }
  const first = await call(`${sb.apiUrl}/products.json?limit=2`, { token: access_token });
  const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1]!;
  assert.equal((await call(`${next}&updated_at_min=2020-01-01`, { token: access_token })).status, 400);

  const article = sb.data().of('article')[0]!;
  clock.t += 60_000;
  sb.remote.edit(String(article.id), { title: 'Edited by merchant' });
  const changed = await call(`${sb.apiUrl}/blogs/${article.blogId}/articles.json?updated_at_min=${encodeURIComponent('2025-11-20T07:00:30-05:00')}`, { token: access_token });
  assert.deepEqual(changed.body.articles.map((a: any) => [a.id, a.title, a.updated_at]), [[article.id, 'Edited by merchant', '2025-11-20T07:01:00-05:00']]);
});

test('article create / update (PUT partial) / delete; 422 on blank title', async (t) => {
  const { sb, clock } = await startShop(t);
  const { access_token } = sb.mintToken();
  const blogId = sb.data().of('blog')[0]!.id;
  const url = `${sb.apiUrl}/blogs/${blogId}/articles`;
  const blank = await call(`${url}.json`, { ...post({ article: { body_html: 'x' } }), token: access_token });
  assert.equal(blank.status, 422);
  assert.deepEqual(blank.body, { errors: { title: ["can't be blank"] } });
  const created = await call(`${url}.json`, { ...post({ article: { title: 'Launch', body_html: '<p>Hi</p>', author: 'Ana', tags: 'news' } }), token: access_token });
  assert.equal(created.status, 201);
  const id = created.body.article.id;
  assert.equal(created.body.article.handle, 'launch');
  clock.t += 5000;
  const updated = await call(`${url}/${id}.json`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ article: { id, title: 'Launch day' } }), token: access_token });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.article.body_html, '<p>Hi</p>');
  assert.notEqual(updated.body.article.updated_at, created.body.article.updated_at);
  const del = await call(`${url}/${id}.json`, { method: 'DELETE', token: access_token });
  assert.deepEqual(del.body, {});
  const gone = await call(`${url}/${id}.json`, { token: access_token });
  assert.deepEqual([gone.status, gone.body], [404, { errors: 'Not Found' }]);
});
