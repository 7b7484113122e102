/**
 * Unauthenticated floods are refused before authentication: an address that sends too many
 * missing or wrong API keys gets 429 without a key lookup, while other addresses (and their
 * valid keys) are served. The connect page limits wrong credentials per session and per
 * address.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadSandbox } from '../../src/providers/registry.ts';
import type { RunningSandbox } from '../../src/sandbox/kit/types.ts';
import { AUTH_FAILURES_PER_MINUTE, CONNECT_ATTEMPTS_PER_SESSION } from '../../src/security/attempt-limiter.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { open, submit } from '../helpers/browser.ts';

let ctx: TestContext;
let sb: RunningSandbox & Record<string, string>;
let base: string;
before(async () => {
  sb = (await (await loadSandbox('wordpress')).start({ seed: 3, size: 5 })) as typeof sb;
  ctx = await createTestContext();
  base = await ctx.listen();
});
after(async () => {
  await ctx?.close();
  await sb?.close();
});

test('random well-formed keys from one address are refused with 429 before any lookup', async () => {
  const org = await newOrg(ctx);
  const attacker = '203.0.113.7';
  const statuses: number[] = [];
  for (let i = 0; i < AUTH_FAILURES_PER_MINUTE + 20; i++) {
    const r = await ctx.app.inject({
      method: 'GET',
      url: '/v1/connections',
      remoteAddress: attacker,
      headers: auth(`plx_${randomBytes(24).toString('base64url')}`),
    });
    statuses.push(r.statusCode);
    if (r.statusCode === 429) {
      assert.equal(r.json().error.code, 'rate_limited');
      assert.ok(Number(r.headers['retry-after']) > 0);
    }
  }
  assert.equal(statuses.filter((s) => s === 401).length, AUTH_FAILURES_PER_MINUTE);
  assert.equal(statuses.filter((s) => s === 429).length, 20);
  // No key at all counts the same.
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/connections', remoteAddress: attacker })).statusCode,
    429,
  );
  // Another address with a valid key is served.
  const ok = await ctx.app.inject({
    method: 'GET',
    url: '/v1/connections',
    remoteAddress: '198.51.100.9',
    headers: auth(org.key),
  });
  assert.equal(ok.statusCode, 200);
});

test('wrong credentials on a connect page: the session closes after the limit', async () => {
  const org = await newOrg(ctx);
  const created = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'wordpress' }),
  });
  assert.equal(created.status, 201);
  const page = await open(((await created.json()) as { url: string }).url);
  const wrong = { siteUrl: sb.siteUrl!, username: sb.username!, applicationPassword: 'abcd efgh ijkl mnop qrst uvwx' };
  const statuses: number[] = [];
  for (let i = 0; i < CONNECT_ATTEMPTS_PER_SESSION + 3; i++) statuses.push((await submit(page, wrong)).status);
  assert.equal(statuses.filter((s) => s === 422).length, CONNECT_ATTEMPTS_PER_SESSION);
  assert.ok(
    statuses.slice(CONNECT_ATTEMPTS_PER_SESSION).every((s) => s === 429 || s === 409),
    statuses.join(','),
  );
  // Even the right password no longer connects on this session.
  const right = await submit(page, {
    siteUrl: sb.siteUrl!,
    username: sb.username!,
    applicationPassword: sb.applicationPassword!,
  });
  assert.notEqual(right.status, 200);
  assert.equal(
    (await ctx.db.owner.query('select count(*)::int as n from connections where org_id = $1', [org.id])).rows[0].n,
    0,
  );
});
