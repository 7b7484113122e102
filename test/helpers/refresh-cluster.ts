/**
 * The refresh scenario shared by the cluster test and bench/refresh: N connections whose
 * tokens expire within a minute, a Google sandbox that rotates refresh tokens (so a duplicate
 * refresh breaks a connection), and P worker processes of Plexus racing to refresh them, each
 * connection with several refresh jobs queued at once.
 */
import type { ChildProcess } from 'node:child_process';
import { sandbox as googleSandbox, type GoogleAdsSandboxOptions } from '../../src/providers/google-ads/sandbox.ts';
import { enqueueMany, type JobSpec } from '../../src/db/queue.ts';
import type { Database } from '../../src/db/database.ts';
import { createOrg } from '../../src/tenancy/orgs.ts';
import type { Keyring } from '../../src/vault/keyring.ts';
import { seedConnection } from './connections.ts';
import { exited, spawnTs } from './process.ts';

export interface ClusterResult {
  connections: number;
  processes: number;
  refreshed: number;
  platformRefreshes: number;
  duplicates: number;
  unhealthy: number;
  seconds: number;
  refreshesPerSecond: number;
}

export async function runRefreshCluster(opts: {
  db: Database;
  keyring: Keyring;
  masterKey: string;
  connections: number;
  processes: number;
  jobsPerConnection?: number;
  timeoutMs?: number;
}): Promise<ClusterResult> {
  const sbOpts: GoogleAdsSandboxOptions = { seed: 9, size: 10, rotateRefreshTokens: true, accessTokenTtlSeconds: 3600 };
  const sb = await googleSandbox.start(sbOpts);
  const children: ChildProcess[] = [];
  try {
    const { org } = await createOrg(opts.db.owner, 'refresh-cluster');
    const grants = new Map<string, string>();
    for (let i = 0; i < opts.connections; i++) {
      const ttl = 20 + (i % 40); // all expire within a minute
      const t = sb.mintToken({ offline: true, ttlSeconds: ttl });
      const id = await seedConnection(
        opts.db,
        opts.keyring,
        org.id,
        'google-ads',
        { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
        { expiresAt: new Date(Date.now() + ttl * 1000) },
      );
      grants.set(id, t.grantId);
    }
    // Several refresh jobs per connection, keyed and not, so processes really compete.
    const specs: JobSpec[] = [];
    for (const id of grants.keys()) {
      for (let k = 0; k < (opts.jobsPerConnection ?? 3); k++) {
        specs.push({
          task: 'refresh_connection',
          payload: { org_id: org.id, connection_id: id },
          ...(k === 0 ? { jobKey: `refresh:${id}` } : {}),
        });
      }
    }
    const env = {
      DATABASE_URL: opts.db.ownerUrl,
      PLEXUS_MASTER_KEY: opts.masterKey,
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
      PLEXUS_WORKER_CONCURRENCY: '8',
      PLEXUS_WORKER_POLL_MS: '200',
      LOG_LEVEL: 'warn',
    };
    for (let p = 0; p < opts.processes; p++) children.push(spawnTs('src/main.ts', env, ['worker']));
    // Wait until every process has a live worker, then release the work all at once.
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    while (
      (await opts.db.owner.query<{ n: number }>('select count(*)::int as n from worker_nodes')).rows[0]!.n <
      opts.processes
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `workers did not start: ${children.map((c) => (c as unknown as { output(): string }).output()).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    for (let i = 0; i < specs.length; i += 1000) await enqueueMany(opts.db.owner, specs.slice(i, i + 1000));
    let refreshed = 0;
    for (;;) {
      const { rows } = await opts.db.owner.query<{ refreshed: number; pending: number }>(
        `select (select count(*)::int from connections where org_id = $1 and token_version > 0) as refreshed,
                (select count(*)::int from graphile_worker.jobs where task_identifier = 'refresh_connection' and run_at <= now()) as pending`,
        [org.id],
      );
      refreshed = rows[0]!.refreshed;
      if (refreshed >= opts.connections && rows[0]!.pending === 0) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    let platformRefreshes = 0;
    let duplicates = 0;
    for (const grant of grants.values()) {
      const n = sb.tokens.refreshCount(grant);
      platformRefreshes += n;
      if (n > 1) duplicates += n - 1;
    }
    const unhealthy = (
      await opts.db.owner.query<{ n: number }>(
        "select count(*)::int as n from connections where org_id = $1 and (status <> 'active' or token_version <> 1)",
        [org.id],
      )
    ).rows[0]!.n;
    return {
      connections: opts.connections,
      processes: opts.processes,
      refreshed,
      platformRefreshes,
      duplicates,
      unhealthy,
      seconds,
      refreshesPerSecond: refreshed / seconds,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map(exited));
    await sb.close();
  }
}
