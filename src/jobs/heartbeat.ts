import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../core/logger.ts';
import type { Pool } from '../db/pool.ts';

export interface HeartbeatOptions {
  owner: Pool;
  log: Logger;
  intervalMs: number;
  /** A node silent this long is dead; its jobs are unlocked for others to run. */
  staleAfterMs: number;
  workerIds: () => readonly string[];
}

export interface Heartbeat {
  nodeId: string;
  beat(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * graphile-worker leaves a killed worker's jobs locked for 4 hours. Each worker process
 * writes a heartbeat with the ids of its workers; every beat also unlocks jobs held by
 * workers that no live node claims and that were locked before the stale window. So a job
 * abandoned by a SIGKILLed process runs again within about staleAfterMs + intervalMs.
 */
export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const nodeId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const staleSeconds = opts.staleAfterMs / 1000;
  let running: Promise<void> | undefined;

  async function beatOnce(): Promise<void> {
    await opts.owner.query(
      `insert into worker_nodes (id, hostname, pid, worker_ids, heartbeat_at) values ($1, $2, $3, $4, now())
       on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now()`,
      [nodeId, os.hostname(), process.pid, [...opts.workerIds()]],
    );
    await opts.owner.query('delete from worker_nodes where heartbeat_at < now() - make_interval(secs => $1)', [staleSeconds]);
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
    async stop() {
      clearInterval(timer);
      await running;
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
