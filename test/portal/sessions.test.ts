import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testClock } from '../helpers/clock.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { openPortalSession } from '../helpers/portal.ts';
import { demoPortalLink } from '../../src/portal/demo-link.ts';

// Sessions, their cookie and their limits, over real HTTP: what a browser (or an attacker's
// page driving one) can and cannot do with a portal session.
const clock = testClock(new Date());
let ctx: TestContext;
let base: string;
let orgA: { id: string; key: string };
let orgB: { id: string; key: string };
let connB: string;

before(async () => {
  ctx = await createTestContext({ clock });
  base = await ctx.listen();
  orgA = await newOrg(ctx, 'Org A');
  orgB = await newOrg(ctx, 'Org B');
  connB = await seedConnection(ctx.db, ctx.keyring, orgB.id, 'meta', { kind: 'oauth2', accessToken: 'tok-b' });
});
after(async () => ctx?.close());

/** Follows the enter link without following the redirect: the cookie it sets and where it goes. */
async function enter(
  url: string,
): Promise<{ status: number; cookie?: string; setCookie?: string; location?: string | null }> {
  const res = await fetch(url, { redirect: 'manual' });
  const setCookie = res.headers.getSetCookie()[0];
  return {
    status: res.status,
    ...(setCookie ? { setCookie, cookie: setCookie.split(';')[0]! } : {}),
    location: res.headers.get('location'),
  };
}

async function signedIn(key: string, body: Record<string, unknown> = {}) {
  const s = await openPortalSession(base, key, body);
  const e = await enter(s.url);
  assert.equal(e.status, 303);
  const me = await fetch(`${base}/v1/portal-session`, { headers: { cookie: e.cookie! } });
  assert.equal(me.status, 200);
  return { id: s.id, cookie: e.cookie!, csrf: ((await me.json()) as { csrf_token: string }).csrf_token };
}

const json = { 'content-type': 'application/json' };
const newEndpoint = JSON.stringify({ url: 'http://127.0.0.1:9/hook', event_types: ['connection.created'] });

test('the enter link signs in once, with an httpOnly SameSite cookie for its own org only', async () => {
  const s = await openPortalSession(base, orgA.key, {
    mode: 'read_only',
    sections: ['connections', 'failures'],
    end_user_ref: 'user-1',
  });
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/portal\/enter\?token=pxe_/);
  const e = await enter(s.url);
  assert.equal(e.status, 303);
  assert.equal(e.location, '/portal/');
  assert.match(e.setCookie!, /^plexus_portal=pxs_[0-9a-f]{32}_/);
  assert.match(e.setCookie!, /HttpOnly/);
  assert.match(e.setCookie!, /SameSite=Lax/);
  assert.doesNotMatch(e.setCookie!, /Secure/, 'plain http: a Secure cookie would never be sent back');
  const me = (await (await fetch(`${base}/v1/portal-session`, { headers: { cookie: e.cookie! } })).json()) as Record<
    string,
    unknown
  >;
  assert.equal(me.org_id, orgA.id);
  assert.equal(me.mode, 'read_only');
  assert.deepEqual(me.sections, ['connections', 'failures']);
  assert.equal((me.branding as { display_name: string }).display_name, 'Org A');
  // The API answers this org's data to the cookie, and only this org's.
  assert.equal(
    ((await fetch(`${base}/v1/org`, { headers: { cookie: e.cookie! } }).then((r) => r.json())) as { id: string }).id,
    orgA.id,
  );
  assert.equal((await fetch(`${base}/v1/connections/${connB}`, { headers: { cookie: e.cookie! } })).status, 404);
  assert.equal(
    (await fetch(`${base}/v1/connections/${connB}/diagnostics`, { headers: { cookie: e.cookie! } })).status,
    404,
  );

  // Replayed: refused, and no cookie is given.
  const again = await enter(s.url);
  assert.equal(again.status, 401);
  assert.equal(again.setCookie, undefined);
  // Neither the database nor the answers hold the tokens in plain text.
  const row = (await ctx.db.owner.query('select enter_hash, session_hash from portal_sessions where id = $1', [s.id]))
    .rows[0] as { enter_hash: Buffer; session_hash: Buffer };
  assert.equal(row.enter_hash.length, 32);
  assert.equal(row.session_hash.length, 32);
});

test('an unused enter link stops working after its window; an entered session ends at its lifetime', async () => {
  const late = await openPortalSession(base, orgA.key);
  clock.advance(121_000);
  assert.equal((await enter(late.url)).status, 401);

  const s = await signedIn(orgA.key, { lifetime_seconds: 60 });
  assert.equal((await fetch(`${base}/v1/connections`, { headers: { cookie: s.cookie } })).status, 200);
  clock.advance(61_000);
  const res = await fetch(`${base}/v1/connections`, { headers: { cookie: s.cookie } });
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'portal_session_invalid');
});

test('a revoked session is refused at once; another org cannot revoke it', async () => {
  const s = await signedIn(orgA.key);
  assert.equal(
    (
      await fetch(`${base}/v1/portal-sessions/${s.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${orgB.key}` },
      })
    ).status,
    404,
  );
  assert.equal((await fetch(`${base}/v1/connections`, { headers: { cookie: s.cookie } })).status, 200);
  const del = await fetch(`${base}/v1/portal-sessions/${s.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${orgA.key}` },
  });
  assert.equal(del.status, 200);
  assert.ok(((await del.json()) as { revoked_at: string | null }).revoked_at);
  assert.equal((await fetch(`${base}/v1/connections`, { headers: { cookie: s.cookie } })).status, 401);
});

test('writes need the session’s CSRF token; a read-only session writes nothing', async () => {
  const manage = await signedIn(orgA.key, { mode: 'manage' });
  const noToken = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...json, cookie: manage.cookie },
    body: newEndpoint,
  });
  assert.equal(noToken.status, 403);
  assert.equal(((await noToken.json()) as { error: { code: string } }).error.code, 'csrf_failed');
  const other = await signedIn(orgA.key, { mode: 'manage' });
  const wrongToken = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...json, cookie: manage.cookie, 'x-csrf-token': other.csrf },
    body: newEndpoint,
  });
  assert.equal(wrongToken.status, 403, 'the token of another session does not pass');
  const ok = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...json, cookie: manage.cookie, 'x-csrf-token': manage.csrf },
    body: newEndpoint,
  });
  assert.equal(ok.status, 201);

  const ro = await signedIn(orgA.key, { mode: 'read_only' });
  const refused = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...json, cookie: ro.cookie, 'x-csrf-token': ro.csrf },
    body: newEndpoint,
  });
  assert.equal(refused.status, 403);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'portal_read_only');
  assert.equal((await fetch(`${base}/v1/webhook-endpoints`, { headers: { cookie: ro.cookie } })).status, 200);
});

test('host-only routes are refused to portal sessions: keys, portal sessions, the org itself', async () => {
  const s = await signedIn(orgA.key, { mode: 'manage' });
  const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  const calls: Array<[string, string, string?]> = [
    ['GET', '/v1/api-keys'],
    ['POST', '/v1/api-keys', JSON.stringify({ name: 'x' })],
    ['POST', '/v1/portal-sessions', '{}'],
    ['DELETE', `/v1/portal-sessions/${s.id}`],
    ['PATCH', '/v1/org', JSON.stringify({ name: 'Taken over' })],
    ['PATCH', '/v1/org/portal', JSON.stringify({ allowed_origins: ['https://evil.example'] })],
    ['PATCH', '/v1/org/retention', JSON.stringify({ operations: 1 })],
    ['DELETE', `/v1/org?confirm=${orgA.id}`],
  ];
  for (const [method, path, body] of calls) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body ? { ...h, ...json } : h,
      ...(body ? { body } : {}),
    });
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'forbidden', `${method} ${path}`);
  }
  assert.equal(
    ((await fetch(`${base}/v1/org`, { headers: h }).then((r) => r.json())) as { name: string }).name,
    'Org A',
  );
});

test('the portal page may be framed only by the org’s allowed origins', async () => {
  const bad = await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { ...json, authorization: `Bearer ${orgA.key}` },
    body: JSON.stringify({ allowed_origins: ['https://app.example.com/path'] }),
  });
  assert.equal(bad.status, 400);
  const badColour = await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { ...json, authorization: `Bearer ${orgA.key}` },
    body: JSON.stringify({ accent_color: 'red' }),
  });
  assert.equal(badColour.status, 400);
  const set = await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { ...json, authorization: `Bearer ${orgA.key}` },
    body: JSON.stringify({
      allowed_origins: ['https://app.example.com'],
      display_name: 'Acme integrations',
      accent_color: '#0F766E',
    }),
  });
  assert.equal(set.status, 200);
  assert.deepEqual(await set.json(), {
    allowed_origins: ['https://app.example.com'],
    display_name: 'Acme integrations',
    logo_url: null,
    accent_color: '#0f766e',
  });

  const s = await signedIn(orgA.key);
  const page = await fetch(`${base}/portal/connections`, { headers: { cookie: s.cookie } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'self' https:\/\/app\.example\.com$/);
  assert.match(page.headers.get('content-security-policy')!, /script-src 'self';/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  const html = await page.text();
  const js = /src="(\/portal\/assets\/portal\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
  assert.ok(js, html);
  const asset = await fetch(`${base}${js}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('cache-control')!, /immutable/);
  assert.match(asset.headers.get('content-type')!, /javascript/);
  assert.equal((await fetch(`${base}/portal/assets/..%2F..%2Fpackage.json`)).status, 404);
  // Org B's settings are not A's: B's page may only be framed by itself.
  const b = await signedIn(orgB.key);
  assert.match(
    (await fetch(`${base}/portal/`, { headers: { cookie: b.cookie } })).headers.get('content-security-policy')!,
    /frame-ancestors 'self'$/,
  );
  assert.equal(
    (
      (await (await fetch(`${base}/v1/portal-session`, { headers: { cookie: s.cookie } })).json()) as {
        branding: { display_name: string };
      }
    ).branding.display_name,
    'Acme integrations',
  );
});

test('bad input: unknown sections, lifetimes out of bounds and forged tokens are clear 4xx', async () => {
  const post = (body: unknown) =>
    fetch(`${base}/v1/portal-sessions`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${orgA.key}` },
      body: JSON.stringify(body),
    });
  assert.equal((await post({ sections: ['billing'] })).status, 400);
  assert.equal((await post({ lifetime_seconds: 10 })).status, 400);
  assert.equal((await post({ lifetime_seconds: 90_000 })).status, 400);
  assert.equal((await post({ mode: 'admin' })).status, 400);
  assert.equal((await fetch(`${base}/portal/enter?token=pxe_nope`, { redirect: 'manual' })).status, 401);
  assert.equal((await fetch(`${base}/portal/enter`, { redirect: 'manual' })).status, 401);
  const forged = `pxs_${orgA.id.replaceAll('-', '')}_${'A'.repeat(43)}`;
  assert.equal((await fetch(`${base}/v1/connections`, { headers: { cookie: `plexus_portal=${forged}` } })).status, 401);
  // An API key's own call is unaffected by a stray portal cookie.
  assert.equal(
    (
      await fetch(`${base}/v1/org`, {
        headers: { authorization: `Bearer ${orgA.key}`, cookie: `plexus_portal=${forged}` },
      })
    ).status,
    200,
  );
  // The portal-session route is for portal sessions.
  assert.equal(
    (await fetch(`${base}/v1/portal-session`, { headers: { authorization: `Bearer ${orgA.key}` } })).status,
    403,
  );
});

test('the demo banner’s link signs into the oldest organisation, once, in manage mode', async () => {
  const url = await demoPortalLink(ctx.db, base);
  assert.ok(url);
  const e = await enter(url);
  assert.equal(e.status, 303);
  const me = (await (await fetch(`${base}/v1/portal-session`, { headers: { cookie: e.cookie! } })).json()) as {
    org_id: string;
    mode: string;
    sections: string[];
  };
  assert.equal(me.org_id, orgA.id);
  assert.equal(me.mode, 'manage');
  assert.equal(me.sections.length, 7);
  assert.equal((await enter(url)).status, 401);
});
