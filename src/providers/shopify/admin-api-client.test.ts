/**
 * Shopify's official GraphQL client, `@shopify/admin-api-client`, driven against the sandbox:
 * it authenticates with a token from the sandbox's OAuth code exchange, lists, creates and
 * updates articles, and sees Shopify's cost extensions, userErrors and THROTTLED errors where it
 * expects them. The client always calls `https://{storeDomain}/admin/api/{version}/graphql.json`;
 * its `customFetchApi` hook sends that to the sandbox's loopback origin instead.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';
import { sandbox, type ShopifyRunningSandbox } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/shopify/callback';

let sb: ShopifyRunningSandbox;
let client: AdminApiClient;
const seen: string[] = [];

before(async () => {
  sb = await sandbox.start({ seed: 5, size: 40, autoConsent: true });
  const authorize = await fetch(
    `${sb.authorizeUrl}?${new URLSearchParams({ client_id: sb.clientId, scope: 'read_content,write_content', redirect_uri: REDIRECT, state: 's1' }).toString()}`,
    { redirect: 'manual' },
  );
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code');
  const token = (await (
    await fetch(sb.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: sb.clientId, client_secret: sb.clientSecret, code }),
    })
  ).json()) as { access_token: string };
  client = createAdminApiClient({
    storeDomain: sb.shopDomain,
    apiVersion: sb.version,
    accessToken: token.access_token,
    customFetchApi: (url, init) => {
      seen.push(String(url));
      return fetch(String(url).replace(`https://${sb.shopDomain}`, sb.url), init);
    },
  });
});
after(async () => {
  await sb.close();
});

const LIST = `query List($first: Int!, $after: String) { articles(first: $first, after: $after, sortKey: ID) { nodes { id title handle } pageInfo { hasNextPage endCursor } } }`;

test('authenticates and lists every article, page by page, with the cost in extensions', async () => {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const res: Awaited<ReturnType<AdminApiClient['request']>> = await client.request(LIST, {
      variables: { first: 7, after },
    });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const conn = (
      res.data as { articles: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }
    ).articles;
    ids.push(...conn.nodes.map((n) => n.id));
    assert.equal((res.extensions as { cost: { requestedQueryCost: number } }).cost.requestedQueryCost, 2 + 7);
    if (!conn.pageInfo.hasNextPage) break;
    after = conn.pageInfo.endCursor;
  }
  assert.deepEqual(
    ids.sort(),
    sb
      .data()
      .of('article')
      .map((a) => `gid://shopify/Article/${a.id}`)
      .sort(),
  );
  assert.equal(seen[0], `https://${sb.shopDomain}/admin/api/${sb.version}/graphql.json`);
});

test('creates and updates an article; userErrors come back as data', async () => {
  const created = await client.request(
    `mutation Create($a: ArticleCreateInput!) { articleCreate(article: $a) { article { id title handle tags isPublished } userErrors { code field message } } }`,
    {
      variables: {
        a: {
          title: 'From the official client',
          body: '<p>Hi</p>',
          author: { name: 'SDK' },
          tags: ['sdk'],
          isPublished: false,
        },
      },
    },
  );
  const a = (
    created.data as { articleCreate: { article: { id: string; handle: string; tags: string[]; isPublished: boolean } } }
  ).articleCreate.article;
  assert.deepEqual([a.handle, a.tags, a.isPublished], ['from-the-official-client', ['sdk'], false]);

  const updated = await client.request(
    `mutation Update($id: ID!, $a: ArticleUpdateInput!) { articleUpdate(id: $id, article: $a) { article { id title isPublished } userErrors { code field message } } }`,
    {
      variables: { id: a.id, a: { title: 'Updated by the official client', isPublished: true } },
    },
  );
  assert.deepEqual((updated.data as { articleUpdate: { article: unknown } }).articleUpdate.article, {
    id: a.id,
    title: 'Updated by the official client',
    isPublished: true,
  });
  const stored = sb.data().items.get(Number(a.id.split('/').at(-1)))!;
  assert.equal(stored.fields['title'], 'Updated by the official client');

  const blank = await client.request(
    `mutation Update($id: ID!, $a: ArticleUpdateInput!) { articleUpdate(id: $id, article: $a) { article { id } userErrors { code field message } } }`,
    { variables: { id: a.id, a: { title: '' } } },
  );
  assert.deepEqual((blank.data as { articleUpdate: { userErrors: unknown[] } }).articleUpdate.userErrors, [
    { code: 'BLANK', field: ['article', 'title'], message: "Title can't be blank" },
  ]);
});

test('a query error and a THROTTLED answer reach the client as graphQLErrors', async () => {
  const bad = await client.request('query { articles(first: 1) { nodes { nope } } }');
  assert.match(
    String((bad.errors?.graphQLErrors?.[0] as { message?: string } | undefined)?.message),
    /Cannot query field "nope"/,
  );
  // An empty bucket that restores too slowly to matter during the call.
  sb.setRateLimit({ maximumAvailable: 2000, restoreRate: 0.01 });
  sb.bucket.drain();
  try {
    const throttled = await client.request(LIST, { variables: { first: 5 } });
    assert.equal(
      (throttled.errors?.graphQLErrors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code,
      'THROTTLED',
    );
    assert.equal(throttled.errors?.networkStatusCode, 200);
  } finally {
    sb.setRateLimit({ maximumAvailable: 2000, restoreRate: 100 });
    sb.bucket.reset();
  }
});
