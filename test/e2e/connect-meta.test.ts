import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withConnection } from '../../src/connections/access.ts';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../src/providers/meta/sandbox.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { cookieHeader, jsonOf, open, submit } from '../helpers/browser.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
let base: string;
let org: { id: string; key: string };

before(async () => {
  sb = await metaSandbox.start({ seed: 3, size: 50, autoConsent: true });
  ctx = await createTestContext({
    env: { PLEXUS_META_CLIENT_ID: sb.appId, PLEXUS_META_CLIENT_SECRET: sb.appSecret, PLEXUS_META_BASE_URL: sb.url },
  });
  base = await ctx.listen();
  org = await newOrg(ctx);
});
after(async () => {
  await ctx.close();
  await sb.close();
});

async function newSession(body: Record<string, unknown> = {}, key = org.key) {
  const res = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(key), 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'meta', ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: string; url: string };
}

test('connect Meta through its sandbox: consent, code exchange, long-lived token, stored sealed, first sync queued', async () => {
  const s = await newSession({ end_user_ref: 'customer-42' });
  const page = await open(s.url);
  assert.equal(page.status, 200);
  assert.match(page.html, /Continue to Meta/);
  const done = await submit(page);
  assert.equal(done.status, 200, done.html);
  assert.match(done.html, /connected/);

  const list = await jsonOf(fetch(`${base}/v1/connections`, { headers: auth(org.key) }));
  assert.equal(list.data.length, 1);
  const conn = list.data[0];
  assert.equal(conn.provider, 'meta');
  assert.equal(conn.status, 'active');
  assert.equal(conn.end_user_ref, 'customer-42');
  assert.equal(conn.external_account_id, sb.userId);
  // Long-lived: about 60 days, not the 1-2 hours of the token the code gave.
  assert.ok(new Date(conn.expires_at).getTime() - Date.now() > 50 * 86_400_000, conn.expires_at);
  assert.equal(JSON.stringify(conn).includes('EAA'), false, 'no token in the API');

  const sess = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.equal(sess.status, 'completed');
  assert.equal(sess.connection_id, conn.id);

  const ev = await ctx.db.owner.query(
    "select type, payload from events where org_id = $1 and type = 'connection.created'",
    [org.id],
  );
  assert.equal(ev.rows.length, 1);
  assert.equal(ev.rows[0].payload.connection_id, conn.id);
  const jobs = await ctx.db.owner.query('select key from graphile_worker.jobs where key = $1', [`sync:${conn.id}`]);
  assert.equal(jobs.rows.length, 1, 'first sync enqueued with the connection');
  const stored = await ctx.db.owner.query('select credentials::text as c from connections where id = $1', [conn.id]);
  assert.ok(!/EAA/.test(stored.rows[0].c), 'credentials are sealed');

  // An authenticated call with the stored credentials.
  const deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
  const who = await withConnection(deps, org.id, conn.id, (a) => a.connector.identify(a.ctx, a.creds));
  assert.equal(who.externalAccountId, sb.userId);
  assert.ok(sb.requests.entries().some((r) => r.path.endsWith('/me') && r.status === 200));
});

test('a replayed callback is refused and changes nothing', async () => {
  const s = await newSession();
  const done = await submit(await open(s.url));
  assert.equal(done.status, 200);
  const replay = await open(done.url);
  assert.equal(replay.status, 400);
  assert.match(replay.html, /already used/);
});

test('denied consent ends on a clear page and an error on the session', async () => {
  const denySb = await metaSandbox.start({ seed: 4, autoConsent: false });
  const c2 = await createTestContext({
    env: {
      PLEXUS_META_CLIENT_ID: denySb.appId,
      PLEXUS_META_CLIENT_SECRET: denySb.appSecret,
      PLEXUS_META_BASE_URL: denySb.url,
    },
  });
  try {
    const b2 = await c2.listen();
    const o = await newOrg(c2);
    const res = await fetch(`${b2}/v1/connect-sessions`, {
      method: 'POST',
      headers: { ...auth(o.key), 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'meta', return_url: 'https://host.example/done' }),
    });
    const s = await jsonOf(res);
    const consent = await submit(await open(s.url));
    assert.match(consent.html, /Allow/);
    // Deny on the platform: Plexus redirects to the host app's return URL with the error.
    const form = /action="([^"]+)"/.exec(consent.html)![1]!;
    const body = new URLSearchParams();
    for (const m of consent.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      body.set(m[1]!, m[2]!.replace(/&amp;/g, '&'));
    body.set('decision', 'deny');
    const toPlatform = await fetch(new URL(form, consent.url), { method: 'POST', body, redirect: 'manual' });
    const callback = toPlatform.headers.get('location')!;
    const back = await fetch(callback, { redirect: 'manual', headers: cookieHeader(callback) });
    assert.equal(back.status, 303);
    const ret = new URL(back.headers.get('location')!);
    assert.equal(ret.origin, 'https://host.example');
    assert.equal(ret.searchParams.get('status'), 'error');
    assert.equal(ret.searchParams.get('error'), 'access_denied');
    const sess = await jsonOf(fetch(`${b2}/v1/connect-sessions/${s.id}`, { headers: auth(o.key) }));
    assert.equal(sess.status, 'failed');
    assert.equal(sess.error.code, 'access_denied');
    assert.equal((await c2.db.owner.query('select count(*)::int as n from connections')).rows[0].n, 0);
  } finally {
    await c2.close();
    await denySb.close();
  }
});

test('a tampered, unknown or cross-org state is refused without a 500', async () => {
  const s = await newSession();
  const token = s.url.split('/connect/')[1]!;
  const other = await newOrg(ctx, 'Other');
  const otherHex = other.id.replaceAll('-', '');
  const forged = token.replace(/^cs_[0-9a-f]{32}/, `cs_${otherHex}`);
  for (const state of [forged, token.slice(0, -3) + 'AAA', 'garbage', '']) {
    const res = await open(`${base}/oauth/callback/meta?code=x&state=${encodeURIComponent(state)}`);
    assert.ok(res.status === 404 || res.status === 400, `${state}: ${res.status}`);
    assert.match(res.html, /not valid/);
  }
  const wrongProvider = await open(`${base}/oauth/callback/shopify?code=x&state=${encodeURIComponent(token)}`);
  assert.equal(wrongProvider.status, 400);
  assert.equal(
    (await ctx.db.owner.query('select count(*)::int as n from connections where org_id = $1', [other.id])).rows[0].n,
    0,
  );
});

test('an open session past its expiry reads as expired before anyone opens it', async () => {
  const s = await newSession();
  const read = async () =>
    (await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }))).status;
  assert.equal(await read(), 'pending');
  await ctx.db.owner.query("update connect_sessions set expires_at = now() - interval '1 second' where id = $1", [
    s.id,
  ]);
  assert.equal(await read(), 'expired');
});

test('an expired session is refused', async () => {
  const s = await newSession();
  await ctx.db.owner.query("update connect_sessions set expires_at = now() - interval '1 second' where id = $1", [
    s.id,
  ]);
  const page = await open(s.url);
  assert.equal(page.status, 409);
  assert.match(page.html, /expired/);
  const cb = await open(`${base}/oauth/callback/meta?code=x&state=${encodeURIComponent(s.url.split('/connect/')[1]!)}`);
  assert.match(cb.html, /expired/);
  const sess = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.equal(sess.status, 'failed');
  assert.equal(sess.error.code, 'state_expired');
});

test('reconnecting keeps the same connection id; delete revokes at the platform', async () => {
  const before = (await jsonOf(fetch(`${base}/v1/connections`, { headers: auth(org.key) }))).data;
  assert.equal(before.length, 1);
  const s = await newSession({ connection_id: before[0].id });
  assert.equal((await submit(await open(s.url))).status, 200);
  const after = (await jsonOf(fetch(`${base}/v1/connections`, { headers: auth(org.key) }))).data;
  assert.equal(after.length, 1);
  assert.equal(after[0].id, before[0].id);

  const del = await fetch(`${base}/v1/connections/${after[0].id}`, { method: 'DELETE', headers: auth(org.key) });
  assert.equal(del.status, 200);
  assert.equal((await jsonOf(del)).revoked_at_platform, true);
  assert.ok(sb.requests.entries().some((r) => r.method === 'DELETE' && r.path.endsWith('/permissions')));
  assert.equal((await fetch(`${base}/v1/connections/${after[0].id}`, { headers: auth(org.key) })).status, 404);
  const ev = await ctx.db.owner.query("select count(*)::int as n from events where type = 'connection.deleted'");
  assert.equal(ev.rows[0].n, 1);
});
