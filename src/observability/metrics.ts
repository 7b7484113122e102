import { type Counter, Gauge, type GaugeConfiguration, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/database.ts';
import { circuitStates } from '../providers/kit/circuit.ts';
import { jobOutcomes, registerPlatformMetrics } from './platform-metrics.ts';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobOutcomes: Counter<'task' | 'outcome'>;
}

/**
 * One registry per process (tests build several apps in one process). Gauges that describe
 * shared state (jobs by state) are read from PostgreSQL on scrape, so every process reports
 * the same truth.
 */
export function createMetrics(db: Database): Metrics {
  const registry = new Registry();
  /** A gauge of this registry; `collect` reads its value when the registry is scraped. */
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: GaugeConfiguration<L>['collect'],
  ) => new Gauge<L>({ name, help, labelNames, registers: [registry], ...(collect ? { collect } : {}) });
  collectDefaultMetrics({ register: registry, prefix: 'plexus_process_' });
  const httpDuration = new Histogram({
    name: 'plexus_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // Platform calls, refreshes, webhooks, deliveries, publish items and job outcomes are
  // counted where they happen, process-wide.
  registerPlatformMetrics(registry);
  gauge('plexus_queue_jobs', 'Jobs ready to run now, by task (queue depth)', ['task'], async function () {
    const { rows } = await db.owner.query<{ task: string; n: number; age: number }>(
      `select task_identifier as task, count(*)::int as n, coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as age
       from graphile_worker.jobs where locked_at is null and run_at <= now() and attempts < max_attempts group by 1`,
    );
    this.reset();
    queueAge.reset();
    for (const r of rows) {
      this.set({ task: r.task }, r.n);
      queueAge.set({ task: r.task }, r.age);
    }
  });
  const queueAge = gauge(
    'plexus_queue_oldest_age_seconds',
    'Age of the oldest job ready to run, by task (how far the workers are behind)',
    ['task'],
  );
  gauge(
    'plexus_sync_lag_seconds',
    'Longest time since the last successful sync among active connections, by provider',
    ['provider'],
    async function () {
      const { rows } = await db.owner.query<{ provider: string; lag: number }>(
        `select provider, coalesce(max(extract(epoch from now() - coalesce(last_sync_at, created_at))), 0)::float8 as lag
         from connections where status = 'active' group by provider`,
      );
      this.reset();
      for (const r of rows) this.set({ provider: r.provider }, r.lag);
    },
  );
  gauge('plexus_jobs', 'Jobs in the queue by state', ['state'], async function () {
    const { rows } = await db.owner.query<{ state: string; n: number }>(
      `select case when locked_at is not null then 'running'
                   when attempts >= max_attempts then 'failed'
                   when run_at > now() then 'scheduled' else 'ready' end as state, count(*)::int as n
       from graphile_worker.jobs group by 1`,
    );
    this.reset();
    for (const s of ['ready', 'scheduled', 'running', 'failed'])
      this.set({ state: s }, rows.find((r) => r.state === s)?.n ?? 0);
    const dl = await db.owner.query<{ n: number }>(
      'select count(*)::int as n from dead_letters where replayed_at is null',
    );
    this.set({ state: 'dead_letter' }, dl.rows[0]?.n ?? 0);
  });
  gauge('plexus_db_pool_connections', 'PostgreSQL pool connections by pool and state', ['pool', 'state'], function () {
    for (const [name, pool] of [
      ['app', db.app],
      ['owner', db.owner],
    ] as const) {
      this.set({ pool: name, state: 'total' }, pool.totalCount);
      this.set({ pool: name, state: 'idle' }, pool.idleCount);
      this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
    }
  });
  gauge(
    'plexus_provider_circuit_open',
    'Per platform: 1 while its circuit breaker is open or half-open in this process (calls paused), else 0',
    ['provider', 'state'],
    function () {
      this.reset();
      for (const c of circuitStates()) this.set({ provider: c.provider, state: c.state }, c.state === 'closed' ? 0 : 1);
    },
  );
  return { registry, httpDuration, jobOutcomes };
}
