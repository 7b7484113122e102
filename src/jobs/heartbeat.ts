import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../core/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { Liveness } from '../db/fence.ts';
import type { JobsInHand } from './in-hand.ts';

export interface HeartbeatOptions {
  owner: Pool;
  log: Logger;
  intervalMs: number;
  /** A node silent this long is dead; its jobs are unlocked for others to run. */
  staleAfterMs: number;
  workerIds: () => readonly string[];
  /** Jobs running here or just finished; others still locked by this process lost their completion. */
  inHand?: JobsInHand;
}

export interface Heartbeat extends Liveness {
  nodeId: string;
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * graphile-worker leaves a killed worker's jobs locked for 4 hours. Each worker process
 * writes a heartbeat with the ids of its workers; every beat also unlocks jobs held by
 * workers that no live node claims and that were locked before the stale window. So a job
 * abandoned by a SIGKILLed process runs again within about staleAfterMs + intervalMs.
 *
 * The process also watches itself: when its last heartbeat that reached the database was sent
 * half the stale window ago or more (a pause, a long stall, a lost database), other nodes may
 * soon run its jobs, so it counts a new epoch and fenced work begun before stops taking side
 * effects. A beat is dated when it is sent, not when it returns, so a beat that was in flight
 * across a pause does not make the process look alive. Silence is measured on the monotonic
 * timer: a wall-clock step (NTP) must neither fake a pause nor hide one.
 *
 * Each beat also cleans up after the queue: rows retired by a job key (graphile-worker keeps
 * a running keyed job as a spent row when the key is reused) that lost their runner, and jobs
 * whose completion was lost in a database outage (unlocked, so they run again).
 */
export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const nodeId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const staleSeconds = opts.staleAfterMs / 1000;
  let running: Promise<void> | undefined;
  let maintaining: Promise<void> | undefined;
  let lastLeasePrune = -Infinity;
  let lastOkSentAt = performance.now();
  let epoch = 0;
  let silent = false;
  const fresh = () => {
    const ok = performance.now() - lastOkSentAt < opts.staleAfterMs / 2;
    if (!ok && !silent) {
      silent = true;
      epoch++;
      opts.log.warn(
        { silent_ms: performance.now() - lastOkSentAt },
        'worker heartbeat too old; fenced work stops taking side effects',
      );
    }
    return ok;
  };

  async function beatOnce(): Promise<void> {
    fresh();
    const sentAt = performance.now();
    await opts.owner.query(
      `insert into worker_nodes (id, hostname, pid, worker_ids, heartbeat_at) values ($1, $2, $3, $4, now())
       on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now()`,
      [nodeId, os.hostname(), process.pid, [...opts.workerIds()]],
    );
    // Alive again as of this beat's sending; a new epoch only starts with the next silence.
    if (sentAt > lastOkSentAt) lastOkSentAt = sentAt;
    if (fresh()) silent = false;
    // The queue's upkeep runs beside the beats, so a slow cleanup never delays the next beat.
    maintaining ??= maintain()
      .catch((err: unknown) => opts.log.warn({ err }, 'worker queue upkeep failed'))
      .finally(() => {
        maintaining = undefined;
      });
  }

  async function maintain(): Promise<void> {
    await opts.owner.query('delete from worker_nodes where heartbeat_at < now() - make_interval(secs => $1)', [
      staleSeconds,
    ]);
    const { rows } = await opts.owner.query<{ locked_by: string }>(
      `select distinct j.locked_by from graphile_worker.jobs j
       where j.locked_by is not null and j.locked_at < now() - make_interval(secs => $1)
         and not exists (select 1 from worker_nodes n where j.locked_by = any (n.worker_ids))`,
      [staleSeconds],
    );
    if (rows.length) {
      const ids = rows.map((r) => r.locked_by);
      await opts.owner.query('select graphile_worker.force_unlock_workers($1::text[])', [ids]);
      opts.log.warn({ workers: ids }, 'unlocked jobs of dead workers');
    }
    await opts.owner.query(
      `select count(*) from graphile_worker.complete_jobs(array(
         select id from graphile_worker.jobs where key is null and locked_at is null and attempts >= max_attempts and last_error is null))`,
    );
    await releaseLostCompletions();
    if (performance.now() - lastLeasePrune > 60_000) {
      lastLeasePrune = performance.now();
      await opts.owner.query("delete from job_leases where acquired_at < now() - interval '1 day'");
    }
  }

  async function releaseLostCompletions(): Promise<void> {
    const inHand = opts.inHand;
    if (!inHand) return;
    const ours = [...opts.workerIds()];
    const { rows: locked } = await opts.owner.query<{ id: string }>(
      'select id::text from graphile_worker.jobs where locked_by = any($1::text[]) and locked_at < now() - make_interval(secs => $2)',
      [ours, inHand.graceMs / 1000],
    );
    const lost = locked.map((r) => r.id).filter((id) => !inHand.holds(id));
    if (!lost.length) return;
    // graphile-worker has no function that unlocks single jobs (force_unlock_workers frees every
    // job of a worker, the ones still running here too) and its jobs view is a join it cannot
    // update: so these two tables are written directly.
    await opts.owner.query(
      `with o as (
         update graphile_worker._private_jobs set locked_by = null, locked_at = null
         where id = any($1::bigint[]) and locked_by = any($2::text[]) returning job_queue_id
       ) update graphile_worker._private_job_queues q set locked_by = null, locked_at = null from o
         where q.id = o.job_queue_id and q.locked_by = any($2::text[])`,
      [lost, ours],
    );
    opts.log.warn({ jobs: lost }, 'released jobs whose completion was lost; they run again');
  }

  const beat = () => {
    running ??= beatOnce()
      .catch((err: unknown) => opts.log.warn({ err }, 'worker heartbeat failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void beat(), opts.intervalMs);
  timer.unref();
  return {
    nodeId,
    beat,
    fresh,
    epoch: () => epoch,
    async stop() {
      clearInterval(timer);
      await running;
      await maintaining;
      await opts.owner.query('delete from worker_nodes where id = $1', [nodeId]).catch(() => undefined);
    },
  };
}

/** Freshest heartbeat age in seconds, or null when no worker is alive (for /healthz). */
export async function freshestHeartbeatAge(owner: Pool): Promise<number | null> {
  const { rows } = await owner.query<{ age: number | null }>(
    'select extract(epoch from now() - max(heartbeat_at))::float8 as age from worker_nodes',
  );
  return rows[0]?.age ?? null;
}
