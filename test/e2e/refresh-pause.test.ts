import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueue } from '../../src/db/queue.ts';
import {
  sandbox as googleSandbox,
  type GoogleAdsRunningSandbox,
  type GoogleAdsSandboxOptions,
} from '../../src/providers/google-ads/sandbox.ts';
import { openCredentials } from '../../src/vault/credentials.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { JOBS } from '../helpers/jobs.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;

before(async () => {
  // Rotating refresh tokens: a second use of one fails with invalid_grant, so a duplicate breaks the grant.
  const opts: GoogleAdsSandboxOptions = { seed: 11, size: 10, rotateRefreshTokens: true };
  sb = await googleSandbox.start(opts);
  ctx = await createTestContext();
});
after(async () => {
  await ctx.close();
  await sb.close();
});

function workerEnv(extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: ctx.db.ownerUrl,
    PLEXUS_MASTER_KEY: ctx.config.masterKey!,
    PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
    PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
    PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
    PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    LOG_LEVEL: 'warn',
    PLEXUS_HEARTBEAT_MS: '200',
    PLEXUS_WORKER_STALE_MS: '3000',
    PLEXUS_WORKER_POLL_MS: '200',
    PLEXUS_REFRESH_LEASE_MS: '3000',
    ...extra,
  };
}

const tokenCalls = () => sb.requests.entries({ method: 'POST', pathPrefix: '/token' });

async function connection(orgId: string) {
  const t = sb.mintToken({ offline: true, ttlSeconds: 20 }); // due for refresh at once
  const id = await seedConnection(
    ctx.db,
    ctx.keyring,
    orgId,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    { expiresAt: new Date(Date.now() + 20_000) },
  );
  return { id, ...t };
}

const rowOf = async (id: string) => (await ctx.db.owner.query('select * from connections where id = $1', [id])).rows[0];
/** Refresh jobs of the connection that are due (the next scheduled one waits in the future). */
const refreshJobs = async (id: string) =>
  (
    await ctx.db.owner.query<{ n: number }>(
      `select count(*)::int as n from ${JOBS} j where j.task_identifier = 'refresh_connection' and j.payload->>'connection_id' = $1 and j.run_at <= now()`,
      [id],
    )
  ).rows[0]!.n;

/**
 * Takes a test's connection out of play, so that the next test's workers (with other settle
 * windows) neither refresh it nor send its token to the shared sandbox.
 */
async function retire(id: string): Promise<void> {
  await ctx.db.owner.query("update connections set status = 'deleted', next_refresh_at = null where id = $1", [id]);
  // Its jobs may still be locked by the killed workers, which complete_jobs leaves alone: unlock
  // those workers (they are gone) first.
  const jobsOf = `select id, locked_by from ${JOBS} j where j.task_identifier = 'refresh_connection' and j.payload->>'connection_id' = $1`;
  await ctx.db.owner.query(
    `select graphile_worker.force_unlock_workers(array(select distinct locked_by from (${jobsOf}) j where locked_by is not null))`,
    [id],
  );
  await ctx.db.owner.query(`select count(*) from graphile_worker.complete_jobs(array(select id from (${jobsOf}) j))`, [
    id,
  ]);
}

async function workerUp(n: number): Promise<void> {
  await waitFor(
    async () =>
      (await ctx.db.owner.query<{ n: number }>('select count(*)::int as n from worker_nodes')).rows[0]!.n >= n,
    `${n} worker(s) to start`,
    60_000,
  );
}

/** Freezes `w` as soon as its refresh request has reached the token endpoint (whose answer is delayed). */
async function freezeMidRefresh(w: ReturnType<typeof spawnTs>, orgId: string, connectionId: string): Promise<void> {
  const slow = sb.faults.latency(4000, { pathPrefix: '/token', times: 1 });
  await ctx.db.owner.query('select 1'); // the pool is warm before the race below
  await enqueue(ctx.db.owner, 'refresh_connection', { org_id: orgId, connection_id: connectionId });
  await waitFor(
    async () => !sb.faults.list().some((f) => f.id === slow),
    'the refresh request to reach the platform',
    60_000,
    5,
  );
  w.kill('SIGSTOP');
}

/**
 * A worker frozen right after it sent a refresh token (the answer, with the rotated token, is on
 * its way) past its refresh lease and the stale window; another worker runs a refresh of the
 * same connection meanwhile. It must not send the same refresh token again; the frozen worker,
 * resumed, stores the tokens it received. Each refresh token is used once at the platform and
 * the connection ends active with tokens that work.
 */
test(
  'a worker SIGSTOPped mid-refresh past its lease, another refreshing meanwhile: the refresh token is used once and the connection keeps working tokens',
  { timeout: 240_000 },
  async () => {
    const org = await newOrg(ctx);
    const c = await connection(org.id);
    sb.requests.clear();
    const env = workerEnv({ PLEXUS_REFRESH_SETTLE_MS: '120000' });
    const first = spawnTs('src/main.ts', env, ['worker']);
    let second: ReturnType<typeof spawnTs> | undefined;
    try {
      await workerUp(1);
      await freezeMidRefresh(first, org.id, c.id);
      second = spawnTs('src/main.ts', env, ['worker']);
      // Past the frozen holder's refresh lease, the other worker refreshes the connection. The lease
      // may already be gone: the other worker, taking over the stale job, freed it on finding the
      // refresh in flight.
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query<{ over: boolean }>(
              'select coalesce(refresh_lease_until < now(), true) as over from connections where id = $1',
              [c.id],
            )
          ).rows[0]!.over,
        'the refresh lease to run out',
        120_000,
        100,
      );
      await enqueue(ctx.db.owner, 'refresh_connection', { org_id: org.id, connection_id: c.id });
      await waitFor(
        async () => (await refreshJobs(c.id)) === 0,
        'the other worker to run the refresh jobs',
        60_000,
        100,
      );
      first.kill('SIGCONT');
      await waitFor(
        async () => {
          const r = await rowOf(c.id);
          return r.status !== 'active' || r.token_version >= 1;
        },
        'the refresh outcome to be stored',
        60_000,
        100,
      );
      const calls = tokenCalls();
      assert.equal(calls.length, 1, `the refresh token was sent once: ${JSON.stringify(calls.map((e) => e.status))}`);
      assert.equal(calls[0]!.status, 200);
      assert.equal(sb.tokens.refreshCount(c.grantId), 1);
      const r = await rowOf(c.id);
      assert.equal(r.status, 'active', r.last_refresh_error ?? '');
      assert.equal(r.token_version, 1);
      const creds = await openCredentials(ctx.keyring, org.id, c.id, r.credentials);
      assert.notEqual(creds.refreshToken, c.refreshToken, 'the rotated refresh token is stored');
      assert.ok(
        sb.tokens.validate(creds.refreshToken, 'refresh').ok,
        'the stored refresh token is live at the platform',
      );
      const api = await fetch(`${sb.apiUrl}/customers:listAccessibleCustomers`, {
        headers: { authorization: `Bearer ${creds.accessToken}`, 'developer-token': sb.developerToken },
      });
      assert.equal(api.status, 200, await api.text());
      assert.equal(first.exitCode, null, `the resumed worker is still running:\n${first.output()}`);
    } finally {
      first.kill('SIGCONT');
      first.kill('SIGKILL');
      second?.kill('SIGKILL');
      await exited(first);
      if (second) await exited(second);
      await retire(c.id);
    }
  },
);

/**
 * The holder dies after sending (SIGKILL while the platform works on the request) and never
 * writes back. Once the settle window has passed, the next refresh tries the stored token once;
 * the platform, which already rotated it, refuses, and the connection asks for re-authorization
 * with an error that says why, instead of retrying or staying stuck.
 */
test(
  'a holder killed mid-refresh never writes back: after the settle window the stored token is tried once, and a refusal marks needs_reauth with a clear error',
  { timeout: 240_000 },
  async () => {
    const org = await newOrg(ctx);
    const c = await connection(org.id);
    sb.requests.clear();
    const env = workerEnv({ PLEXUS_REFRESH_SETTLE_MS: '4000' });
    const first = spawnTs('src/main.ts', env, ['worker']);
    let second: ReturnType<typeof spawnTs> | undefined;
    try {
      await workerUp(1);
      await freezeMidRefresh(first, org.id, c.id);
      first.kill('SIGKILL');
      await exited(first);
      // The platform answers the dead holder's request (and rotates the token) all the same.
      await waitFor(
        async () => sb.tokens.refreshCount(c.grantId) === 1,
        'the platform to use the refresh token',
        60_000,
        100,
      );
      second = spawnTs('src/main.ts', env, ['worker']);
      await waitFor(
        async () =>
          (
            await ctx.db.owner.query<{ over: boolean }>(
              "select refresh_sent_at + interval '4 seconds' < now() as over from connections where id = $1",
              [c.id],
            )
          ).rows[0]!.over,
        'the settle window to pass',
        60_000,
        100,
      );
      await enqueue(ctx.db.owner, 'refresh_connection', { org_id: org.id, connection_id: c.id });
      await waitFor(
        async () => (await rowOf(c.id)).status === 'needs_reauth',
        'the connection to ask for re-authorization',
        90_000,
        100,
      );
      const r = await rowOf(c.id);
      assert.match(r.last_refresh_error, /already sent by an earlier refresh whose answer never came back/);
      assert.deepEqual(
        tokenCalls().map((e) => e.status),
        [200, 400],
        `the stored token was tried once more, and refused: ${r.last_refresh_error}`,
      );
      const ev = await ctx.db.owner.query(
        "select payload from events where type = 'connection.reauth_required' and payload->>'connection_id' = $1",
        [c.id],
      );
      assert.equal(ev.rows.length, 1);
      await waitFor(async () => (await refreshJobs(c.id)) === 0, 'the refresh jobs to end', 60_000, 100);
      assert.deepEqual(
        tokenCalls().map((e) => e.status),
        [200, 400],
        'no further attempts',
      );
    } finally {
      first.kill('SIGKILL');
      second?.kill('SIGKILL');
      await exited(first);
      if (second) await exited(second);
      await retire(c.id);
    }
  },
);
