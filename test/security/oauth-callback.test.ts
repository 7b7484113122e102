/**
 * OAuth callback hardening: the connect session is bound to the browser that opened it (a
 * cookie set by the connect page, checked at the callback), so a state and code replayed from
 * another browser cannot complete it and do not spoil it; and an authorization response that
 * names another issuer (RFC 9207 `iss`) is refused before the code is exchanged.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../src/providers/meta/sandbox.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
let base: string;
let org: { id: string; key: string };

before(async () => {
  sb = await metaSandbox.start({ seed: 3, size: 5, autoConsent: true });
  ctx = await createTestContext({
    env: { PLEXUS_META_CLIENT_ID: sb.appId, PLEXUS_META_CLIENT_SECRET: sb.appSecret, PLEXUS_META_BASE_URL: sb.url },
  });
  base = await ctx.listen();
  org = await newOrg(ctx);
});
after(async () => {
  await ctx?.close();
  await sb?.close();
});

/** Runs the flow up to the platform's redirect back; returns the callback URL and the browser's cookie. */
async function untilCallback(): Promise<{ sessionId: string; callback: string; cookie: string }> {
  const s = (await (
    await fetch(`${base}/v1/connect-sessions`, {
      method: 'POST',
      headers: { ...auth(org.key), 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'meta' }),
    })
  ).json()) as { id: string; url: string };
  const page = await (await fetch(s.url)).text();
  const action = new URL(/action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&'), s.url);
  const started = await fetch(action, { method: 'POST', body: new URLSearchParams(), redirect: 'manual' });
  const cookie = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  assert.match(cookie, /^plexus_connect_/);
  assert.match(started.headers.getSetCookie()[0]!, /HttpOnly/);
  let next = started.headers.get('location')!;
  for (let i = 0; i < 10 && !next.startsWith(`${base}/oauth/callback/`); i++) {
    const r = await fetch(next, { redirect: 'manual' });
    next = new URL(r.headers.get('location')!, next).toString();
  }
  assert.ok(next.startsWith(`${base}/oauth/callback/meta`), next);
  return { sessionId: s.id, callback: next, cookie };
}

/** The callback URL with `iss` added to its query (Meta's redirect carries a `#_=_` fragment). */
function withIss(callback: string, iss: string): string {
  const u = new URL(callback);
  u.searchParams.set('iss', iss);
  return u.toString();
}

const connections = async () =>
  (await ctx.db.owner.query('select count(*)::int as n from connections where org_id = $1', [org.id])).rows[0]
    .n as number;

test('a callback from another browser (no binding cookie, or another one) is refused and does not spoil the session', async () => {
  const flow = await untilCallback();
  const bare = await fetch(flow.callback, { redirect: 'manual' });
  assert.equal(bare.status, 400);
  assert.match(await bare.text(), /another browser/);
  const other = await fetch(flow.callback, {
    redirect: 'manual',
    headers: { cookie: flow.cookie.replace(/=.*/, '=forged-value') },
  });
  assert.equal(other.status, 400);
  assert.match(await other.text(), /another browser/);
  assert.equal(await connections(), 0);
  // The browser that started it still finishes.
  const own = await fetch(flow.callback, { redirect: 'manual', headers: { cookie: flow.cookie } });
  assert.equal(own.status, 200, await own.text());
  assert.equal(await connections(), 1);
});

test('an authorization response naming another issuer (RFC 9207) is refused before the code exchange', async () => {
  const before = await connections();
  const flow = await untilCallback();
  const mixedUp = await fetch(withIss(flow.callback, 'https://evil.example'), {
    redirect: 'manual',
    headers: { cookie: flow.cookie },
  });
  assert.equal(mixedUp.status, 400);
  assert.match(await mixedUp.text(), /another issuer/);
  assert.equal(await connections(), before);
  const { rows } = await ctx.db.owner.query('select status, error_code from connect_sessions where id = $1', [
    flow.sessionId,
  ]);
  assert.deepEqual(rows[0], { status: 'failed', error_code: 'issuer_mismatch' });
  // The platform's own issuer is accepted.
  const flow2 = await untilCallback();
  const ok = await fetch(withIss(flow2.callback, new URL(sb.url).origin), {
    redirect: 'manual',
    headers: { cookie: flow2.cookie },
  });
  assert.equal(ok.status, 200, await ok.text());
});
