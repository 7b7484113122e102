import type { Pool } from '../db/pool.ts';

export interface QueueStats {
  /** Jobs due now and not taken by a worker. */
  ready: number;
  /** Jobs a worker holds. */
  running: number;
  /** Jobs waiting for a later run time (retries, schedules). */
  scheduled: number;
  /** How long the oldest ready job has been due, in seconds; null with none ready. */
  oldest_ready_age_seconds: number | null;
}

export interface WorkerNodeRow {
  id: string;
  hostname: string;
  pid: number;
  workers: number;
  heartbeat_age_seconds: number;
}

/** The job queue at a glance, across every org (graphile-worker's table, read as the owner). */
export async function queueStats(owner: Pool): Promise<QueueStats> {
  const { rows } = await owner.query<QueueStats>(
    `select count(*) filter (where run_at <= now() and locked_at is null)::int as ready,
            count(*) filter (where locked_at is not null)::int as running,
            count(*) filter (where run_at > now() and locked_at is null)::int as scheduled,
            round(extract(epoch from now() - min(run_at) filter (where run_at <= now() and locked_at is null))::numeric, 1)::float8 as oldest_ready_age_seconds
       from graphile_worker._private_jobs where attempts < max_attempts`,
  );
  return rows[0]!;
}

/** Worker processes that sent a heartbeat lately, freshest first. */
export async function workerNodes(owner: Pool): Promise<WorkerNodeRow[]> {
  const { rows } = await owner.query<WorkerNodeRow>(
    `select id, hostname, pid, coalesce(cardinality(worker_ids), 0)::int as workers,
            round(extract(epoch from now() - heartbeat_at)::numeric, 1)::float8 as heartbeat_age_seconds
       from worker_nodes order by heartbeat_at desc limit 100`,
  );
  return rows;
}

/** Dead letters not replayed yet, across every org. */
export async function openDeadLetterCount(owner: Pool): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(
    'select count(*)::int as n from dead_letters where replayed_at is null',
  );
  return rows[0]?.n ?? 0;
}
