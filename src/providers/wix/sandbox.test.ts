import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { call, jsonPost as post, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { decide } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type WixRunningSandbox, type WixSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/wix/installed';

async function startWix(t: TestContext, opts: WixSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 6, size: 80, autoConsent: true, ...opts });
}

function assertWixError(res: Res, status: number): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(typeof res.body.message, 'string');
  assert.equal(typeof res.body.details, 'object');
}

async function clientToken(sb: WixRunningSandbox): Promise<Res> {
  return call(
    sb.tokenUrl,
    post({
      grant_type: 'client_credentials',
      client_id: sb.appId,
      client_secret: sb.appSecret,
      instance_id: sb.instanceId,
    }),
  );
}

test('API key + wix-site-id: verify call lists posts; wrong key 401, missing site header 400, other site 403', async (t) => {
  const { sb } = await startWix(t);
  const ok = await call(`${sb.url}/blog/v3/posts`, { headers: sb.apiKeyHeaders() });
  assert.equal(ok.status, 200);
  assert.ok(Array.isArray(ok.body.posts));
  assertWixError(
    await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: 'IST.wrong', 'wix-site-id': sb.siteId } }),
    401,
  );
  assertWixError(await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: sb.apiKey } }), 400);
  assertWixError(
    await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: sb.apiKey, 'wix-site-id': 'other-site' } }),
    403,
  );
  assertWixError(
    await call(`${sb.url}/blog/v3/posts`, {
      headers: { authorization: sb.apiKey, 'wix-site-id': sb.siteId, 'wix-account-id': sb.accountId },
    }),
    400,
  );
  assertWixError(await call(`${sb.url}/blog/v3/posts`), 401);
});

test('app OAuth: /oauth2/token client credentials → 4 h raw token; expiry → 401; bad secret refused; revoke', async (t) => {
  const { sb, clock } = await startWix(t);
  const tok = await clientToken(sb);
  assert.equal(tok.status, 200);
  assert.equal(tok.body.token_type, 'Bearer');
  assert.equal(tok.body.expires_in, 14_400);
  const token = tok.body.access_token;
  assert.equal((await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: token } })).status, 200);
  clock.t += 14_400_000;
  assertWixError(await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: token } }), 401);
  assertWixError(
    await call(
      sb.tokenUrl,
      post({ grant_type: 'client_credentials', client_id: sb.appId, client_secret: 'x', instance_id: sb.instanceId }),
    ),
    401,
  );
  const fresh = (await clientToken(sb)).body.access_token;
  await call(`${sb.url}/__sandbox/revoke`, post({ token: fresh }));
  assertWixError(await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: fresh } }), 401);
});

test('legacy install flow: consent (auto and deny), code → 5-minute token + refresh, refresh counted, rotation optional', async (t) => {
  const { sb, clock } = await startWix(t, { rotateRefreshTokens: true });
  const loc = new URL(
    (
      await call(
        `${sb.installUrl}?${new URLSearchParams({ token: 't', appId: sb.appId, redirectUrl: REDIRECT, state: 'w1' }).toString()}`,
      )
    ).headers.get('location') ?? '',
  );
  assert.equal(loc.searchParams.get('instanceId'), sb.instanceId);
  assert.equal(loc.searchParams.get('state'), 'w1');
  const tok = await call(
    sb.legacyTokenUrl,
    post({
      grant_type: 'authorization_code',
      client_id: sb.appId,
      client_secret: sb.appSecret,
      code: loc.searchParams.get('code'),
    }),
  );
  assert.equal(tok.status, 200);
  clock.t += 300_000;
  assertWixError(await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: tok.body.access_token } }), 401);
  const refresh = () =>
    call(
      sb.legacyTokenUrl,
      post({
        grant_type: 'refresh_token',
        client_id: sb.appId,
        client_secret: sb.appSecret,
        refresh_token: tok.body.refresh_token,
      }),
    );
  const r1 = await refresh();
  assert.equal(r1.status, 200);
  assert.equal(
    (await call(`${sb.url}/blog/v3/posts`, { headers: { authorization: r1.body.access_token } })).status,
    200,
  );
  assert.equal(sb.tokens.refreshCount(r1.body.access_token), 1);
  // The first refresh token was rotated away: a replay fails.
  assertWixError(await refresh(), 400);

  const { sb: manual } = await startWix(t, { autoConsent: false });
  const page = await call(
    `${manual.installUrl}?${new URLSearchParams({ appId: manual.appId, redirectUrl: REDIRECT, state: 'w2' }).toString()}`,
  );
  assert.equal(page.status, 200);
  const denied = await decide(manual.url, page, 'deny', call);
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('state'), 'w2');
});

test('data items: query by POST and by the SDK GET ?.r= form, cursor paging walks all, PUT replaces, _updatedDate filter after remote edit', async (t) => {
  const { sb, clock } = await startWix(t);
  const h = sb.apiKeyHeaders();
  const all = [...sb.data().items.get(sb.dataCollectionId)!.keys()].sort();
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const res: Res = await call(
      `${sb.url}/wix-data/v2/items/query`,
      post(
        { dataCollectionId: sb.dataCollectionId, query: { cursorPaging: { limit: 7, ...(cursor ? { cursor } : {}) } } },
        h,
      ),
    );
    assert.equal(res.status, 200);
    ids.push(...res.body.dataItems.map((d: any) => d.id));
    cursor = res.body.pagingMetadata.cursors.next;
  } while (cursor);
  assert.deepEqual(ids.sort(), all);
  const r = Buffer.from(
    JSON.stringify({ dataCollectionId: sb.dataCollectionId, query: { paging: { limit: 5 } }, includeReferences: [] }),
  ).toString('base64url');
  const viaGet = await call(`${sb.url}/wix-data/v2/items/query?.r=${r}`, { headers: h });
  assert.equal(viaGet.body.dataItems.length, 5);

  const id = all[0]!;
  const put = await call(`${sb.url}/wix-data/v2/items/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...h },
    body: JSON.stringify({ dataCollectionId: sb.dataCollectionId, dataItem: { data: { title: 'Only title' } } }),
  });
  assert.equal(put.status, 200);
  assert.equal(put.body.dataItem.data.body, undefined);
  assert.equal(put.body.dataItem.data.title, 'Only title');

  clock.t += 60_000;
  const watermark = new Date(clock.t).toISOString();
  const other = all[1]!;
  sb.remote.edit(other, { title: 'Edited in the CMS' });
  const changed = await call(
    `${sb.url}/wix-data/v2/items/query`,
    post(
      { dataCollectionId: sb.dataCollectionId, query: { filter: { _updatedDate: { $gte: { $date: watermark } } } } },
      h,
    ),
  );
  assert.deepEqual(
    changed.body.dataItems.map((d: any) => [d.id, d.data.title]),
    [[other, 'Edited in the CMS']],
  );
});

test('blog: draft create (memberId required) + publish, editedDate moves on edit, trash bin delete, 429 fault shape', async (t) => {
  const { sb, clock } = await startWix(t);
  const h = sb.apiKeyHeaders();
  assertWixError(await call(`${sb.url}/blog/v3/draft-posts`, post({ draftPost: { title: 'x' } }, h)), 400);
  const created = await call(
    `${sb.url}/blog/v3/draft-posts`,
    post(
      {
        draftPost: {
          title: 'Hello Wix',
          memberId: sb.memberId,
          richContent: { nodes: [{ type: 'PARAGRAPH', nodes: [{ type: 'TEXT', textData: { text: 'Hi' } }] }] },
        },
        publish: true,
      },
      h,
    ),
  );
  assert.equal(created.status, 200);
  const id = created.body.draftPost.id;
  assert.equal(created.body.draftPost.status, 'PUBLISHED');
  const post1 = await call(`${sb.url}/blog/v3/posts/${id}`, { headers: h });
  assert.equal(post1.body.post.title, 'Hello Wix');
  clock.t += 1000;
  const edited = await call(`${sb.url}/blog/v3/draft-posts/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...h },
    body: JSON.stringify({ draftPost: { title: 'Hello again' } }),
  });
  assert.equal(edited.body.draftPost.hasUnpublishedChanges, true);
  assert.notEqual(edited.body.draftPost.editedDate, created.body.draftPost.editedDate);
  assert.equal((await call(`${sb.url}/blog/v3/posts/${id}`, { headers: h })).body.post.title, 'Hello Wix');
  await call(`${sb.url}/blog/v3/draft-posts/${id}`, { method: 'DELETE', headers: h });
  assert.equal((await call(`${sb.url}/blog/v3/draft-posts/${id}`, { headers: h })).body.draftPost.status, 'DELETED');
  assertWixError(await call(`${sb.url}/blog/v3/posts/${id}`, { headers: h }), 404);
  const limited = await call(`${sb.url}/blog/v3/posts?paging.limit=101`, { headers: h });
  assertWixError(limited, 400);

  sb.faults.rateLimit({ retryAfterSeconds: 9 });
  const fault = await call(`${sb.url}/blog/v3/posts`, { headers: h });
  assertWixError(fault, 429);
  assert.equal(fault.headers.get('retry-after'), '9');
});
