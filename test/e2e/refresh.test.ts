import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withConnection } from '../../src/connections/access.ts';
import { refreshConnection } from '../../src/connections/refresh.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import {
  sandbox as googleSandbox,
  type GoogleAdsRunningSandbox,
  type GoogleAdsSandboxOptions,
} from '../../src/providers/google-ads/sandbox.ts';
import { openCredentials } from '../../src/vault/credentials.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { jsonOf } from '../helpers/browser.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let deps: Parameters<typeof refreshConnection>[0];

before(async () => {
  const opts: GoogleAdsSandboxOptions = { seed: 5, size: 20, rotateRefreshTokens: true };
  sb = await googleSandbox.start(opts);
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
  });
  org = await newOrg(ctx);
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

async function seed(ttlSeconds = 3600) {
  const t = sb.mintToken({ offline: true, ttlSeconds });
  const id = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    { expiresAt: new Date(Date.now() + ttlSeconds * 1000) },
  );
  return { id, ...t };
}

const row = async (id: string) => (await ctx.db.owner.query('select * from connections where id = $1', [id])).rows[0];

test('concurrent refreshes of one connection make exactly one platform refresh, and everyone gets the new token', async () => {
  const c = await seed(30);
  const seen = (await row(c.id)).token_version;
  const outcomes = await Promise.all(
    Array.from({ length: 10 }, () =>
      refreshConnection({ ...deps, owner: `p${Math.random()}` }, org.id, c.id, { kind: 'forced', seenVersion: seen }),
    ),
  );
  assert.equal(sb.tokens.refreshCount(c.grantId), 1, outcomes.join(','));
  assert.equal(outcomes.filter((o) => o === 'refreshed').length, 1);
  const r = await row(c.id);
  assert.equal(r.status, 'active');
  assert.equal(r.refresh_lease_until, null);
  const creds = await openCredentials(ctx.keyring, org.id, c.id, r.credentials);
  assert.notEqual(creds.refreshToken, c.refreshToken, 'rotated refresh token stored in the same write');
  assert.ok(r.expires_at.getTime() > Date.now() + 30 * 60_000);
  const job = await ctx.db.owner.query('select run_at from graphile_worker.jobs where key = $1', [`refresh:${c.id}`]);
  assert.equal(job.rows.length, 1, 'next refresh scheduled');
  // The rotated-away refresh token is dead at the platform; the stored one works.
  const again = await refreshConnection(deps, org.id, c.id, { kind: 'forced', seenVersion: r.token_version });
  assert.equal(again, 'refreshed');
  assert.equal((await row(c.id)).status, 'active');
  assert.equal(sb.tokens.refreshCount(c.grantId), 2);
});

test('a scheduled refresh that is no longer due does nothing', async () => {
  const c = await seed(7200);
  assert.equal(await refreshConnection(deps, org.id, c.id), 'not_due');
  assert.equal(sb.tokens.refreshCount(c.grantId), 0);
});

test('invalid_grant marks the connection needs_reauth and records connection.reauth_required', async () => {
  const c = await seed(30);
  sb.tokens.revokeGrant(c.grantId);
  const outcome = await refreshConnection(deps, org.id, c.id);
  assert.equal(outcome, 'needs_reauth');
  const r = await row(c.id);
  assert.equal(r.status, 'needs_reauth');
  assert.match(r.last_refresh_error, /./);
  const ev = await ctx.db.owner.query(
    "select payload from events where type = 'connection.reauth_required' and payload->>'connection_id' = $1",
    [c.id],
  );
  assert.equal(ev.rows.length, 1);
  const api = await jsonOf(
    ctx.app
      .inject({ method: 'GET', url: `/v1/connections/${c.id}`, headers: auth(org.key) })
      .then((r) => new Response(r.body)),
  );
  assert.equal(api.status, 'needs_reauth');
});

test('a transient platform failure keeps the connection and frees the lease', async () => {
  const c = await seed(30);
  sb.faults.serverError({ times: 1, pathPrefix: '/token' });
  await assert.rejects(
    refreshConnection(deps, org.id, c.id),
    (e: unknown) => isPlexusError(e) && e.retry === 'retryable',
  );
  const r = await row(c.id);
  assert.equal(r.status, 'active');
  assert.equal(r.refresh_lease_until, null);
  assert.equal(r.refresh_failures, 1);
  assert.equal(await refreshConnection(deps, org.id, c.id), 'refreshed');
  assert.equal((await row(c.id)).refresh_failures, 0);
});

test('a 401 from the platform triggers one refresh and one retry', async () => {
  const c = await seed(3600);
  sb.tokens.revoke(c.accessToken);
  const who = await withConnection(deps, org.id, c.id, (a) => a.connector.identify(a.ctx, a.creds));
  assert.ok(who.externalAccountId);
  assert.equal(sb.tokens.refreshCount(c.grantId), 1);
});

test('a forced refresh soon after the last one schedules the next refresh', async () => {
  // A token issued an hour ago by our clock, refreshed again a few seconds later: the new
  // expiry moves by seconds only, which is no fixed end for an ordinary refresh-token grant.
  const c = await seed(3600);
  const first = await refreshConnection(deps, org.id, c.id, {
    kind: 'forced',
    seenVersion: (await row(c.id)).token_version,
  });
  assert.equal(first, 'refreshed');
  const again = await refreshConnection(deps, org.id, c.id, {
    kind: 'forced',
    seenVersion: (await row(c.id)).token_version,
  });
  assert.equal(again, 'refreshed');
  const r = await row(c.id);
  assert.ok(r.next_refresh_at, 'the next refresh is scheduled');
  const job = await ctx.db.owner.query('select run_at from graphile_worker.jobs where key = $1', [`refresh:${c.id}`]);
  assert.equal(job.rows.length, 1, 'a refresh job is queued');
});

test('a token about to expire is refreshed before the call', async () => {
  const c = await seed(20);
  await withConnection(deps, org.id, c.id, (a) => a.connector.identify(a.ctx, a.creds));
  assert.equal(sb.tokens.refreshCount(c.grantId), 1);
});

test('POST /v1/connections/:id/refresh refreshes now', async () => {
  const c = await seed(3600);
  const res = await ctx.app.inject({ method: 'POST', url: `/v1/connections/${c.id}/refresh`, headers: auth(org.key) });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().outcome, 'refreshed');
  assert.ok(res.json().last_refreshed_at);
  assert.ok(!res.body.includes(c.accessToken));
  assert.equal(sb.tokens.refreshCount(c.grantId), 1);
});

test('POST /v1/connections/:id/refresh answers an error with a code when the platform refuses', async () => {
  const c = await seed(3600);
  await ctx.db.owner.query('update connections set credentials = $2 where id = $1', [
    c.id,
    (await import('../../src/vault/credentials.ts')).sealCredentials(ctx.keyring, org.id, c.id, {
      kind: 'oauth2',
      accessToken: c.accessToken,
      refreshToken: 'revoked-or-unknown',
    }),
  ]);
  const res = await ctx.app.inject({ method: 'POST', url: `/v1/connections/${c.id}/refresh`, headers: auth(org.key) });
  assert.equal(res.statusCode, 422, res.body);
  assert.equal(res.json().error.code, 'refresh_refused');
  assert.equal(res.json().error.details.status, 'needs_reauth');
});

test('the every-minute scan re-queues overdue refreshes and warns once about grants that will end', async () => {
  const { refreshDueTokens } = await import('../../src/jobs/tasks/refresh-due-tokens.ts');
  const overdue = await seed(30);
  await ctx.db.owner.query('select graphile_worker.remove_job($1)', [`refresh:${overdue.id}`]);
  const metaId = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: 'EAAfake' },
    { expiresAt: new Date(Date.now() + 3 * 86_400_000) },
  );
  const li = await seed(3600);
  await ctx.db.owner.query("update connections set refresh_expires_at = now() + interval '5 days' where id = $1", [
    li.id,
  ]);
  const taskCtx = {
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: ctx.clock,
    job: { id: '0', attempt: 1, key: null },
  };
  await refreshDueTokens.run({}, taskCtx);
  const jobs = await ctx.db.owner.query('select 1 from graphile_worker.jobs where key = $1', [`refresh:${overdue.id}`]);
  assert.equal(jobs.rows.length, 1, 'overdue refresh re-queued');
  const warned = async () =>
    (
      await ctx.db.owner.query("select payload->>'connection_id' as id from events where type = 'connection.expiring'")
    ).rows.map((r) => r.id);
  assert.deepEqual((await warned()).sort(), [metaId, li.id].sort());
  await refreshDueTokens.run({}, taskCtx);
  assert.equal((await warned()).length, 2, 'one warning a day, not one a minute');
});
