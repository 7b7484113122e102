import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  callWithCredential,
  jsonPost as post,
  startSandbox,
  T0,
  type Res,
} from '../../../test/helpers/sandbox-http.ts';
import { decide, redirectOf } from '../../../test/helpers/sandbox-oauth.ts';
import type { Operation } from './graphql-call.ts';
import { sandbox, type ShopifyRunningSandbox, type ShopifySandboxOptions } from './sandbox.ts';

/** One GraphQL Admin API call. */
async function gql(
  sb: ShopifyRunningSandbox,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Res> {
  return call(sb.graphqlUrl, { ...post({ query, variables }), ...(token ? { token } : {}) });
}

/** One object read through `node(id:)`; `selection` is the type condition and its fields (`Type { a b }`). */
async function node(sb: ShopifyRunningSandbox, token: string, selection: string, id: string): Promise<any> {
  return (await gql(sb, token, `query($id: ID!) { node(id: $id) { ... on ${selection} } }`, { id })).body.data.node;
}

const SHOP_QUERY = '{ shop { id name myshopifyDomain } }';

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
  const q = new URLSearchParams({
    client_id: sb.clientId,
    scope: 'read_content,write_content,read_products',
    redirect_uri: REDIRECT,
    state: 'nonce-1',
    ...extra,
  });
  return `${sb.authorizeUrl}?${q.toString()}`;
}

async function authorize(sb: ShopifyRunningSandbox, extra: Record<string, string> = {}): Promise<URL> {
  return redirectOf(authorizeUrl(sb, extra), call);
}

async function exchange(sb: ShopifyRunningSandbox, code: string, extra: Record<string, unknown> = {}): Promise<Res> {
  return call(sb.tokenUrl, post({ client_id: sb.clientId, client_secret: sb.clientSecret, code, ...extra }));
}

async function refresh(sb: ShopifyRunningSandbox, refreshToken: string): Promise<Res> {
  return call(
    sb.tokenUrl,
    post({
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }),
  );
}

const INVALID = '[API] Invalid API key or access token (unrecognized login or wrong password)';

test('authorize → signed callback (hmac, host, shop, state, timestamp) → non-expiring offline token → the shop query', async (t) => {
  const { sb } = await startShop(t);
  const cb = await authorize(sb);
  assert.equal(`${cb.origin}${cb.pathname}`, REDIRECT);
  for (const k of ['code', 'hmac', 'host', 'shop', 'state', 'timestamp']) assert.ok(cb.searchParams.get(k), k);
  assert.equal(cb.searchParams.get('shop'), 'plexus-sandbox.myshopify.com');
  assert.equal(cb.searchParams.get('state'), 'nonce-1');
  assert.equal(cb.searchParams.get('timestamp'), String(T0 / 1000));
  assert.equal(
    Buffer.from(cb.searchParams.get('host')!, 'base64').toString(),
    'admin.shopify.com/store/plexus-sandbox',
  );
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

  const shop = await gql(sb, token.body.access_token, SHOP_QUERY);
  assert.equal(shop.status, 200);
  assert.equal(shop.body.data.shop.myshopifyDomain, 'plexus-sandbox.myshopify.com');
  assert.equal(shop.headers.get('x-shopify-api-version'), '2026-10');
  assert.deepEqual(shop.body.extensions.cost, {
    requestedQueryCost: 1,
    actualQueryCost: 1,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 },
  });

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
  const deny = await decide(sb.url, page, 'deny', call);
  assert.equal(deny.searchParams.get('error'), 'access_denied');
  assert.equal(deny.searchParams.get('state'), 'nonce-1');
  assert.equal(deny.searchParams.get('code'), null);
  const allow = await decide(sb.url, page, 'allow', call);
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
  assert.equal((await gql(sb, first.body.access_token, SHOP_QUERY)).status, 200);

  clock.t += 3600 * 1000;
  const expired = await gql(sb, first.body.access_token, SHOP_QUERY);
  assert.equal(expired.status, 401);
  assert.deepEqual(expired.body, { errors: INVALID });

  const second = await refresh(sb, first.body.refresh_token);
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refresh_token, first.body.refresh_token);
  assert.equal((await gql(sb, second.body.access_token, SHOP_QUERY)).status, 200);
  assert.equal(sb.tokens.refreshCount(second.body.access_token), 1);

  const reused = await refresh(sb, first.body.refresh_token);
  assert.equal(reused.status, 400);
  assert.equal(reused.body.error, 'invalid_grant');
  assert.equal(typeof reused.body.error_description, 'string');

  const third = await refresh(sb, second.body.refresh_token);
  assert.equal(third.status, 200);
  assert.equal(sb.tokens.refreshCount(third.body.access_token), 2);
  // Only one expiring pair is live: the previous access token was retired by the refresh.
  assert.equal((await gql(sb, second.body.access_token, SHOP_QUERY)).status, 401);
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.refreshes.total, 2);

  const wrongSecret = await call(
    sb.tokenUrl,
    post({
      client_id: sb.clientId,
      client_secret: 'x',
      grant_type: 'refresh_token',
      refresh_token: third.body.refresh_token,
    }),
  );
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

test('revocation and scopes: a revoked or missing token is a 401; a missing scope is ACCESS_DENIED with null data', async (t) => {
  const { sb } = await startShop(t);
  const other = sb.mintToken().access_token;
  await call(`${sb.url}/__sandbox/revoke`, post({ token: other }));
  assert.deepEqual(await gql(sb, other, SHOP_QUERY).then((r) => [r.status, r.body]), [401, { errors: INVALID }]);
  assert.equal((await gql(sb, undefined, SHOP_QUERY)).status, 401);
  const readOnly = sb.mintToken({ scopes: ['read_content'] }).access_token;
  const denied = await gql(sb, readOnly, '{ products(first: 1) { nodes { id } } }');
  assert.equal(denied.status, 200);
  assert.equal(denied.body.data, null);
  assert.equal(denied.body.errors[0].extensions.code, 'ACCESS_DENIED');
  assert.match(denied.body.errors[0].message, /read_products/);
  const write = await gql(
    sb,
    readOnly,
    'mutation { pageCreate(page: { title: "x" }) { page { id } userErrors { message } } }',
  );
  assert.equal(write.body.errors[0].extensions.code, 'ACCESS_DENIED');
  assert.equal(
    sb
      .data()
      .of('page')
      .some((p) => p.fields['title'] === 'x'),
    false,
  );
});

test('query cost: connections cost 2 + first × node, mutations 10; the unused part is refunded; THROTTLED when the bucket lacks it; MAX_COST_EXCEEDED', async (t) => {
  const { sb, clock } = await startShop(t, { maximumAvailable: 1000, restoreRate: 50 });
  const { access_token: token } = sb.mintToken();
  const blogId = sb.data().of('blog')[0]!.id;
  const q = `{ articles(first: 250, query: "blog_id:${blogId} handle:nope") { nodes { id author { name } image { url } } } }`;
  const none = await gql(sb, token, q);
  assert.deepEqual(none.body.extensions.cost, {
    requestedQueryCost: 752,
    actualQueryCost: 2,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 998, restoreRate: 50 },
  });
  const made = await gql(
    sb,
    token,
    'mutation { pageCreate(page: { title: "Cost" }) { page { id } userErrors { message } } }',
  );
  assert.equal(made.body.extensions.cost.requestedQueryCost, 10);
  assert.equal(made.body.extensions.cost.throttleStatus.currentlyAvailable, 988);

  // A burst of other calls from the same app empties the bucket; one second restores 50 points.
  const big = `{ products(first: 250) { nodes { id } } pages(first: 250) { nodes { id } } articles(first: 150) { nodes { id } } }`;
  sb.bucket.drain();
  clock.t += 1000;
  const throttled = await gql(sb, token, big);
  assert.equal(throttled.status, 200);
  assert.equal(throttled.body.errors[0].extensions.code, 'THROTTLED');
  assert.equal(throttled.body.data, undefined);
  assert.deepEqual(throttled.body.extensions.cost, {
    requestedQueryCost: 656,
    actualQueryCost: null,
    throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 50, restoreRate: 50 },
  });
  // Shopify's advice: wait (requested − available) / restoreRate seconds.
  clock.t += ((656 - 50) / 50) * 1000;
  const after = await gql(sb, token, big);
  assert.equal(after.body.errors, undefined);
  assert.equal(after.body.extensions.cost.requestedQueryCost, 656);

  const tooBig = await gql(
    sb,
    token,
    '{ articles(first: 250) { nodes { id blog { id } author { name } image { url } } } }',
  );
  assert.equal(tooBig.body.errors[0].extensions.code, 'MAX_COST_EXCEEDED');
  assert.equal(tooBig.body.errors[0].extensions.cost, 1002);

  sb.faults.rateLimit({ pathPrefix: '/admin/api' });
  const fault = await gql(sb, token, SHOP_QUERY);
  assert.equal(fault.status, 200);
  assert.equal(fault.body.errors[0].extensions.code, 'THROTTLED');
});

test('connections: cursors walk every article, pageInfo ends the walk, updated_at filters, page size is required and capped', async (t) => {
  const { sb, clock } = await startShop(t);
  const { access_token: token } = sb.mintToken();
  for (const blog of sb.data().of('blog')) {
    const expected = sb
      .data()
      .of('article', blog.id)
      .map((a) => `gid://shopify/Article/${a.id}`)
      .sort();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: Res = await gql(
        sb,
        token,
        'query($id: ID!, $after: String) { blog(id: $id) { articles(first: 7, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }',
        { id: `gid://shopify/Blog/${blog.id}`, after },
      );
      const conn = res.body.data.blog.articles;
      seen.push(...conn.edges.map((e: any) => e.node.id));
      assert.equal(conn.pageInfo.hasPreviousPage, after !== null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    assert.deepEqual(seen.sort(), expected);
  }
  const article = sb.data().of('article')[0]!;
  clock.t += 60_000;
  sb.remote.edit(String(article.id), { title: 'Edited by merchant' });
  const since = new Date(T0 + 30_000).toISOString();
  const changed = await gql(
    sb,
    token,
    `{ articles(first: 10, query: "updated_at:>'${since}'", sortKey: UPDATED_AT) { nodes { id title updatedAt } } }`,
  );
  assert.deepEqual(changed.body.data.articles.nodes, [
    { id: `gid://shopify/Article/${article.id}`, title: 'Edited by merchant', updatedAt: '2025-11-20T12:01:00Z' },
  ]);
  assert.match((await gql(sb, token, '{ articles { nodes { id } } }')).body.errors[0].message, /first or last/);
  assert.match(
    (await gql(sb, token, '{ articles(first: 251) { nodes { id } } }')).body.errors[0].message,
    /maximum page size is 250/,
  );
  assert.match(
    (await gql(sb, token, '{ articles(first: 1) { nodes { nope } } }')).body.errors[0].message,
    /Cannot query field "nope"/,
  );
});

test('article create / update / delete with userErrors: blank title, taken handle, unknown id', async (t) => {
  const { sb, clock } = await startShop(t);
  const { access_token: token } = sb.mintToken();
  const create =
    'mutation($a: ArticleCreateInput!) { articleCreate(article: $a) { article { id handle body tags author { name } isPublished updatedAt } userErrors { code field message } } }';
  const blank = await gql(sb, token, create, { a: { title: ' ', author: { name: 'Ana' } } });
  assert.deepEqual(blank.body.data.articleCreate, {
    article: null,
    userErrors: [{ code: 'BLANK', field: ['article', 'title'], message: "Title can't be blank" }],
  });
  const made = await gql(sb, token, create, {
    a: { title: 'Launch', body: '<p>Hi</p>', author: { name: 'Ana' }, tags: ['news', 'launch'], isPublished: false },
  });
  const a = made.body.data.articleCreate.article;
  assert.equal(a.handle, 'launch');
  assert.deepEqual(a.tags, ['news', 'launch']);
  assert.equal(a.isPublished, false);
  const again = await gql(sb, token, create, { a: { title: 'Launch', author: { name: 'Ben' } } });
  assert.equal(again.body.data.articleCreate.article.handle, 'launch-1');

  clock.t += 5000;
  const update =
    'mutation($id: ID!, $a: ArticleUpdateInput!) { articleUpdate(id: $id, article: $a) { article { id title body updatedAt } userErrors { code field message } } }';
  const updated = await gql(sb, token, update, { id: a.id, a: { title: 'Launch day' } });
  assert.equal(updated.body.data.articleUpdate.article.body, '<p>Hi</p>');
  assert.notEqual(updated.body.data.articleUpdate.article.updatedAt, a.updatedAt);
  const taken = await gql(sb, token, update, { id: again.body.data.articleCreate.article.id, a: { handle: 'launch' } });
  assert.deepEqual(taken.body.data.articleUpdate.userErrors, [
    { code: 'TAKEN', field: ['article', 'handle'], message: 'Handle has already been taken' },
  ]);

  const del = 'mutation($id: ID!) { articleDelete(id: $id) { deletedArticleId userErrors { code field message } } }';
  assert.equal((await gql(sb, token, del, { id: a.id })).body.data.articleDelete.deletedArticleId, a.id);
  assert.deepEqual((await gql(sb, token, del, { id: a.id })).body.data.articleDelete.userErrors[0].code, 'NOT_FOUND');
  assert.equal(
    (await gql(sb, token, 'query($id: ID!) { article(id: $id) { id } }', { id: a.id })).body.data.article,
    null,
  );
});

test('bulk operation: a nested query runs to a JSONL file with __parentId lines; bulk_operations/finish is sent', async (t) => {
  const { sb } = await startShop(t, { size: 30, webhookRetryDelaysMs: [] });
  const { access_token: token } = sb.mintToken();
  sb.webhooks.subscribe({
    topic: 'bulk_operations/finish',
    address: 'http://127.0.0.1:9/never',
    apiVersion: sb.version,
  });
  const run = await gql(
    sb,
    token,
    'mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { code message } } }',
    { q: '{ blogs { edges { node { id title articles { edges { node { id title } } } } } } }' },
  );
  const op = run.body.data.bulkOperationRunQuery.bulkOperation;
  assert.equal(op.status, 'CREATED');
  const done = await node(sb, token, 'BulkOperation { status url objectCount rootObjectCount }', op.id);
  assert.equal(done.status, 'COMPLETED');
  const lines = (await (await fetch(done.url)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const blogs = sb.data().of('blog');
  assert.equal(done.rootObjectCount, String(blogs.length));
  assert.equal(done.objectCount, String(lines.length));
  assert.equal(lines.length, blogs.length + sb.data().of('article').length);
  for (const b of blogs) {
    const children = lines.filter((l) => l.__parentId === `gid://shopify/Blog/${b.id}`);
    assert.equal(children.length, sb.data().of('article', b.id).length);
  }
  assert.equal(sb.webhooks.deliveries().filter((d) => d.topic === 'bulk_operations/finish').length, 1);
  const bad = await gql(
    sb,
    token,
    'mutation { bulkOperationRunQuery(query: "{ shop { id } blogs { edges { node { id } } } }") { bulkOperation { id } userErrors { code message } } }',
  );
  assert.equal(bad.body.data.bulkOperationRunQuery.userErrors[0].code, 'INVALID');
  await sb.webhooks.idle();
});

test('staged upload → multipart POST → fileCreate → MediaImage READY with a CDN URL serving the bytes', async (t) => {
  const { sb } = await startShop(t);
  const { access_token: token } = sb.mintToken();
  const bytes = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000030806000000', 'hex');
  const staged = await gql(
    sb,
    token,
    'mutation($i: [StagedUploadInput!]!) { stagedUploadsCreate(input: $i) { stagedTargets { url resourceUrl parameters { name value } } userErrors { message } } }',
    {
      i: [
        {
          resource: 'IMAGE',
          filename: 'hero.png',
          mimeType: 'image/png',
          httpMethod: 'POST',
          fileSize: String(bytes.length),
        },
      ],
    },
  );
  const target = staged.body.data.stagedUploadsCreate.stagedTargets[0];
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append('file', new Blob([bytes], { type: 'image/png' }), 'hero.png');
  assert.equal((await fetch(target.url, { method: 'POST', body: form })).status, 201);
  const noKey = new FormData();
  noKey.append('file', new Blob([bytes]), 'x.png');
  assert.equal((await fetch(target.url, { method: 'POST', body: noKey })).status, 400);

  const created = await gql(
    sb,
    token,
    'mutation($f: [FileCreateInput!]!) { fileCreate(files: $f) { files { id fileStatus } userErrors { code message } } }',
    { f: [{ originalSource: target.resourceUrl, contentType: 'IMAGE', alt: 'Hero' }] },
  );
  const file = created.body.data.fileCreate.files[0];
  assert.equal(file.fileStatus, 'UPLOADED');
  const img = await node(sb, token, 'MediaImage { fileStatus alt image { url width height } }', file.id);
  assert.deepEqual([img.fileStatus, img.alt, img.image.width, img.image.height], ['READY', 'Hero', 2, 3]);
  assert.deepEqual(Buffer.from(await (await fetch(img.image.url)).arrayBuffer()), bytes);
  const missing = await gql(
    sb,
    token,
    'mutation { fileCreate(files: [{ originalSource: "https://elsewhere.example/x.png" }]) { files { id } userErrors { code } } }',
  );
  assert.equal(missing.body.data.fileCreate.userErrors[0].code, 'FILE_DOES_NOT_EXIST');
});

test('every operation Plexus sends states the requested cost the platform computes for it', async (t) => {
  const { sb } = await startShop(t);
  const { access_token: token } = sb.mintToken();
  const ops = await import('./operations.ts');
  const id = (type: string) => `gid://shopify/${type}/1`;
  const cases: [Operation, Record<string, unknown>][] = [
    [ops.SHOP, {}],
    [ops.FIRST_BLOG, {}],
    [ops.BLOG_CREATE, { blog: { title: 'B' } }],
    [ops.BULK_RUN, { query: '{ products { edges { node { id } } } }' }],
    [ops.BULK_POLL, { id: id('BulkOperation') }],
    [
      ops.STAGED_UPLOAD,
      { input: [{ resource: 'IMAGE', filename: 'a.png', mimeType: 'image/png', httpMethod: 'POST' }] },
    ],
    [ops.FILE_CREATE, { files: [{ originalSource: 'x' }] }],
    [ops.FILE_POLL, { id: id('MediaImage') }],
    [ops.WEBHOOK_CREATE, { topic: 'PRODUCTS_UPDATE', sub: { uri: 'https://example.test/h' } }],
    [ops.WEBHOOK_DELETE, { id: id('WebhookSubscription') }],
  ];
  for (const [r, o] of Object.entries(ops.RESOURCE_OPS)) {
    const input = r === 'article' ? { title: 'T', author: { name: 'A' } } : { title: 'T' };
    cases.push(
      [o.get, { id: id(o.type) }],
      [o.find, { query: 'handle:x' }],
      [o.poll, { query: "updated_at:>='2020-01-01T00:00:00Z'" }],
      [o.create, { input }],
      [o.createMany(3), { i0: input, i1: input, i2: input }],
      [
        o.update,
        r === 'product' ? { input: { id: id('Product'), title: 'U' } } : { id: id(o.type), input: { title: 'U' } },
      ],
      [o.remove, { id: id(o.type) }],
    );
  }
  for (const [op, variables] of cases) {
    const res = await gql(sb, token, op.query, variables);
    assert.equal(res.body.errors, undefined, `${op.name}: ${JSON.stringify(res.body.errors)}`);
    assert.equal(res.body.extensions.cost.requestedQueryCost, op.cost, op.name);
  }
});
