/**
 * bench/jobs: 20,000 jobs enqueued and processed through Plexus's job helper (bulk enqueue
 * inside an org transaction on the app role, tasks wrapped with retry classification and
 * dead-lettering) and, in the same run and database server, through bare graphile-worker
 * (addJobs + a plain task). Prints both rates and their ratio (target ≥ 0.8).
 */
import { Logger as WorkerLogger, makeWorkerUtils, run } from 'graphile-worker';
import { z } from 'zod';
import { systemClock } from '../src/core/clock.ts';
import { createLogger } from '../src/core/logger.ts';
import { withOrgTx } from '../src/db/tx.ts';
import { enqueueMany, type JobSpec } from '../src/db/queue.ts';
import { startWorker } from '../src/jobs/runtime.ts';
import type { TaskDefinition } from '../src/jobs/types.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { benchDatabase, median, until } from './harness.ts';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BATCH = 1000;
const silent = new WorkerLogger(() => () => undefined);

const db = await benchDatabase('jobs', CONCURRENCY + 8);
const { org } = await createOrg(db.owner, 'bench');
const remaining = async () =>
  (await db.owner.query<{ n: number }>('select count(*)::int as n from graphile_worker.jobs')).rows[0]!.n;

async function bare(): Promise<{ enqueueMs: number; totalMs: number }> {
  const utils = await makeWorkerUtils({ pgPool: db.owner, logger: silent });
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i += BATCH) {
    await utils.addJobs(
      Array.from({ length: Math.min(BATCH, JOBS - i) }, (_, j) => ({
        identifier: 'bench_bare',
        payload: { org_id: org.id, n: i + j },
      })),
    );
  }
  const enqueueMs = performance.now() - t0;
  const runner = await run({
    pgPool: db.owner,
    taskList: { bench_bare: async () => undefined },
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 200,
    logger: silent,
  });
  await until(async () => (await remaining()) === 0);
  const totalMs = performance.now() - t0;
  await runner.stop();
  await utils.release();
  return { enqueueMs, totalMs };
}

async function plexus(): Promise<{ enqueueMs: number; totalMs: number }> {
  const task = {
    name: 'bench_plexus',
    schema: z.object({ org_id: z.string(), n: z.number() }),
    run: async () => undefined,
  } as unknown as TaskDefinition;
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i += BATCH) {
    const specs = Array.from(
      { length: Math.min(BATCH, JOBS - i) },
      (_, j) => ({ task: 'bench_plexus', payload: { org_id: org.id, n: i + j } }) as unknown as JobSpec,
    );
    await withOrgTx(db.app, org.id, (c) => enqueueMany(c, specs));
  }
  const enqueueMs = performance.now() - t0;
  const worker = await startWorker({
    db,
    keyring: keyringFromEnv(Buffer.alloc(32, 7).toString('base64')),
    log: createLogger({ level: 'warn' }),
    clock: systemClock,
    tasks: [task],
    concurrency: CONCURRENCY,
    pollIntervalMs: 200,
    heartbeatMs: 5000,
    staleAfterMs: 30_000,
    maxAttempts: 5,
  });
  await until(async () => (await remaining()) === 0);
  const totalMs = performance.now() - t0;
  await worker.stop();
  return { enqueueMs, totalMs };
}

const results: Record<'bare' | 'plexus', { enqueueMs: number; totalMs: number }[]> = { bare: [], plexus: [] };
try {
  // Alternate which side goes first and vacuum the queue before each run, so neither side
  // inherits the other's dead tuples.
  // VACUUM needs the table itself: the public jobs view is a join over it.
  const fresh = () => db.owner.query('vacuum analyze graphile_worker._private_jobs');
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      await fresh();
      results.bare.push(await bare());
      await fresh();
      results.plexus.push(await plexus());
    } else {
      await fresh();
      results.plexus.push(await plexus());
      await fresh();
      results.bare.push(await bare());
    }
  }
  const rate = (ms: number) => Math.round((JOBS / ms) * 1000);
  const summary = (k: 'bare' | 'plexus') => ({
    enqueue_per_s: rate(median(results[k].map((x) => x.enqueueMs))),
    end_to_end_per_s: rate(median(results[k].map((x) => x.totalMs))),
  });
  const b = summary('bare');
  const p = summary('plexus');
  console.log(`bench/jobs: ${JOBS} jobs, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (median)`);
  console.log(`  bare graphile-worker : enqueue ${b.enqueue_per_s}/s, enqueue+process ${b.end_to_end_per_s}/s`);
  console.log(`  plexus job helper    : enqueue ${p.enqueue_per_s}/s, enqueue+process ${p.end_to_end_per_s}/s`);
  const ratio = p.end_to_end_per_s / b.end_to_end_per_s;
  console.log(
    `  ratio plexus/bare (enqueue+process): ${ratio.toFixed(2)} (target >= 0.8) ${ratio >= 0.8 ? 'PASS' : 'FAIL'}`,
  );
  console.log(`  ratio plexus/bare (enqueue only):    ${(p.enqueue_per_s / b.enqueue_per_s).toFixed(2)}`);
  process.exitCode = ratio >= 0.8 ? 0 : 1;
} finally {
  await db.close();
}
