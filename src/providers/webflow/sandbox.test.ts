import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { callWithCredential, jsonPost as post, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, decide, redirectOf } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type WebflowRunningSandbox, type WebflowSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/webflow/callback';

async function startWebflow(t: TestContext, opts: WebflowSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 2, size: 150, autoConsent: true, ...opts });
}

const call = callWithCredential('token', 'authorization', 'Bearer ');

function authorizeUrl(sb: WebflowRunningSandbox, scope = 'authorized_user:read sites:read cms:read cms:write'): string {
  return codeRequestUrl(sb, REDIRECT, { state: 'wf-1', scope });
}

/** The code exchange a connector makes: a JSON body with the app's credentials and `fields`. */
function exchange(sb: WebflowRunningSandbox, fields: Record<string, unknown>): Promise<Res> {
  return call(
    sb.tokenUrl,
    post({ client_id: sb.clientId, client_secret: sb.clientSecret, grant_type: 'authorization_code', ...fields }),
  );
}

async function connect(sb: WebflowRunningSandbox): Promise<string> {
  const loc = await redirectOf(authorizeUrl(sb), call);
  const tok = await exchange(sb, { code: loc.searchParams.get('code'), redirect_uri: REDIRECT });
  assert.equal(tok.status, 200);
  return tok.body.access_token;
}

function assertWfError(res: Res, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.code, code);
  assert.equal(typeof res.body.message, 'string');
  assert.ok('externalReference' in res.body);
  assert.ok(Array.isArray(res.body.details));
}

test('OAuth: auto consent → single-use code → non-expiring token; identity via authorized_by, introspect and sites', async (t) => {
  const { sb, clock } = await startWebflow(t);
  const loc = await redirectOf(authorizeUrl(sb), call);
  assert.equal(loc.searchParams.get('state'), 'wf-1');
  const code = loc.searchParams.get('code')!;
  const noRedirect = await exchange(sb, { code });
  assert.equal(noRedirect.body.error, 'invalid_grant');
  const loc2 = await redirectOf(authorizeUrl(sb), call);
  const tok = await exchange(sb, { code: loc2.searchParams.get('code'), redirect_uri: REDIRECT });
  assert.equal(tok.status, 200);
  assert.equal(tok.body.refresh_token, undefined);
  assert.equal(tok.body.expires_in, undefined);
  const token = tok.body.access_token;
  const me = await call(`${sb.apiUrl}/token/authorized_by`, { token });
  assert.equal(me.body.email, 'designer@example.test');
  const intro = await call(`${sb.apiUrl}/token/introspect`, { token });
  assert.deepEqual(intro.body.authorization.authorizedTo.siteIds, [sb.siteId]);
  const sites = await call(`${sb.apiUrl}/sites`, { token });
  assert.equal(sites.body.sites[0].id, sb.siteId);
  clock.t += 400 * 86_400_000;
  assert.equal((await call(`${sb.apiUrl}/sites`, { token })).status, 200);

  const late = await redirectOf(authorizeUrl(sb), call);
  clock.t += 15 * 60_000;
  const expiredCode = await exchange(sb, { code: late.searchParams.get('code'), redirect_uri: REDIRECT });
  assert.equal(expiredCode.body.error, 'invalid_grant');
});

test('consent page: Deny redirects with access_denied and state', async (t) => {
  const { sb } = await startWebflow(t, { autoConsent: false });
  const page = await call(authorizeUrl(sb));
  assert.equal(page.status, 200);
  assert.match(page.body, /cms:write/);
  const loc = await decide(sb.url, page, 'deny', call);
  assert.equal(loc.searchParams.get('error'), 'access_denied');
  assert.equal(loc.searchParams.get('state'), 'wf-1');
  assert.equal((await call(authorizeUrl(sb, 'cms:read bogus:scope'))).status, 400);
});

test('invalid token 401 not_authorized, missing scope 403, revoke → did_revoke then invalid_token', async (t) => {
  const { sb } = await startWebflow(t);
  assertWfError(await call(`${sb.apiUrl}/sites`, { token: 'nope' }), 401, 'not_authorized');
  assertWfError(await call(`${sb.apiUrl}/sites`), 401, 'not_authorized');
  const readOnly = sb.createSiteToken(['sites:read']);
  assertWfError(
    await call(`${sb.apiUrl}/collections/${sb.collectionIds[0]}/items`, { token: readOnly }),
    403,
    'missing_scopes',
  );
  const token = await connect(sb);
  const badClient = await call(sb.revokeUrl, post({ client_id: sb.clientId, client_secret: 'x', access_token: token }));
  assert.equal(badClient.body.error, 'invalid_client');
  const revoked = await call(
    sb.revokeUrl,
    post({ client_id: sb.clientId, client_secret: sb.clientSecret, access_token: token }),
  );
  assert.deepEqual(revoked.body, { did_revoke: true });
  assertWfError(await call(`${sb.apiUrl}/sites`, { token }), 401, 'not_authorized');
  const again = await call(
    sb.revokeUrl,
    post({ client_id: sb.clientId, client_secret: sb.clientSecret, access_token: token }),
  );
  assert.equal(again.body.error, 'invalid_token');
  assert.equal((await call(sb.revokeUrl, post({ client_id: sb.clientId }))).body.error, 'invalid_request');
});

test('rate limit: 60 per minute per token with X-RateLimit headers, then 429 too_many_requests + Retry-After; fault same shape', async (t) => {
  const { sb, clock } = await startWebflow(t);
  const token = sb.createSiteToken();
  let last: Res | undefined;
  for (let i = 0; i < 60; i++) last = await call(`${sb.apiUrl}/sites`, { token });
  assert.equal(last?.headers.get('x-ratelimit-limit'), '60');
  assert.equal(last?.headers.get('x-ratelimit-remaining'), '0');
  const limited = await call(`${sb.apiUrl}/sites`, { token });
  assertWfError(limited, 429, 'too_many_requests');
  assert.equal(limited.headers.get('retry-after'), '60');
  assert.equal((await call(`${sb.apiUrl}/sites`, { token: sb.createSiteToken() })).status, 200);
  clock.t += 60_000;
  assert.equal((await call(`${sb.apiUrl}/sites`, { token })).status, 200);
  sb.faults.rateLimit({ retryAfterSeconds: 30 });
  const fault = await call(`${sb.apiUrl}/sites`, { token });
  assertWfError(fault, 429, 'too_many_requests');
  assert.equal(fault.headers.get('retry-after'), '30');
});

test('items: limit ≤100 with pagination, lastUpdated filter, staged vs live, publish, live DELETE unpublishes, remote edit', async (t) => {
  const { sb, clock } = await startWebflow(t, { requestsPerMinute: 120 });
  const token = sb.createSiteToken();
  const cid = sb.collectionIds[0]!;
  const staged = [...sb.state().items.values()].filter((i) => i.collectionId === cid);
  assertWfError(await call(`${sb.apiUrl}/collections/${cid}/items?limit=101`, { token }), 400, 'validation_error');
  const ids: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await call(`${sb.apiUrl}/collections/${cid}/items?limit=100&offset=${offset}`, { token });
    assert.equal(page.body.pagination.total, staged.length);
    ids.push(...page.body.items.map((i: any) => i.id));
    if (offset + 100 >= page.body.pagination.total) break;
  }
  assert.deepEqual(ids.sort(), staged.map((i) => i.id).sort());
  const live = await call(`${sb.apiUrl}/collections/${cid}/items/live?limit=100`, { token });
  assert.equal(live.body.pagination.total, staged.filter((i) => i.live).length);

  const created = await call(`${sb.apiUrl}/collections/${cid}/items`, {
    ...post({ isDraft: false, fieldData: { name: 'Fresh', slug: 'fresh' } }),
    token,
  });
  assert.equal(created.status, 202);
  assert.equal(created.body.lastPublished, null);
  assertWfError(
    await call(`${sb.apiUrl}/collections/${cid}/items`, {
      ...post({ fieldData: { name: 'Dup', slug: 'fresh' } }),
      token,
    }),
    409,
    'conflict',
  );
  const pub = await call(`${sb.apiUrl}/collections/${cid}/items/publish`, {
    ...post({ itemIds: [created.body.id] }),
    token,
  });
  assert.deepEqual(pub.body.publishedItemIds, [created.body.id]);
  assert.equal((await call(`${sb.apiUrl}/collections/${cid}/items/live/${created.body.id}`, { token })).status, 200);
  assert.equal(
    (await call(`${sb.apiUrl}/collections/${cid}/items/live/${created.body.id}`, { method: 'DELETE', token })).status,
    204,
  );
  const after = await call(`${sb.apiUrl}/collections/${cid}/items/${created.body.id}`, { token });
  assert.equal(after.body.isDraft, true);

  clock.t += 5 * 60_000;
  const watermark = new Date(clock.t).toISOString();
  const target = staged[0]!;
  sb.remote.edit(target.id, { name: 'Edited in Designer' });
  const changed = await call(
    `${sb.apiUrl}/collections/${cid}/items?lastUpdated[gte]=${encodeURIComponent(watermark)}`,
    { token },
  );
  assert.deepEqual(
    changed.body.items.map((i: any) => [i.id, i.fieldData.name]),
    [[target.id, 'Edited in Designer']],
  );
});
