import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from './pool.ts';

/**
 * A lock is not ownership: a worker paused (VM pause, GC stall, cgroup freeze) past its stale
 * window wakes up while another worker runs its job. Work with effects outside the database
 * therefore runs under a fence: a lease on the thing it changes with a generation number
 * (the fencing token), plus this process's own liveness. Before each side effect the runner
 * checks both, and the write that records an effect checks the generation in its transaction.
 */
export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

/** This process's view of its own heartbeat (kept by src/jobs/heartbeat.ts). */
export interface Liveness {
  /** Bumped each time the process finds it went silent for half the stale window. */
  epoch(): number;
  /** False (and the epoch bumped) when the last heartbeat that reached the database is too old. */
  fresh(): boolean;
}

export interface Fence {
  /** What the lease covers, e.g. `publish:<batch>:<connection>`; null for work without a lease. */
  resource: string | null;
  generation: number;
  liveness: Liveness | null;
  epoch: number;
}

const current = new AsyncLocalStorage<Fence>();

export function runFenced<T>(fence: Fence, fn: () => Promise<T>): Promise<T> {
  return current.run(fence, fn);
}

export function currentFence(): Fence | undefined {
  return current.getStore();
}

/** `resource#generation`: who holds the lease, as recorded beside an effect. */
export function fenceToken(f: Fence | undefined = currentFence()): string | null {
  return f?.resource ? `${f.resource}#${f.generation}` : null;
}

/** Throws when this process went silent since the work began (its jobs may run elsewhere now). */
export function assertAlive(f: Fence | undefined = currentFence()): void {
  if (!f?.liveness) return;
  if (!f.liveness.fresh() || f.liveness.epoch() !== f.epoch) {
    throw new FencedError('this worker could not renew its heartbeat; it takes no more side effects for this job');
  }
}

/** Takes the lease on `resource` with a new generation. The job lock already keeps runners apart; the generation fences a runner that lost it. */
export async function acquireLease(owner: Queryable, resource: string, holder: string): Promise<number> {
  const { rows } = await owner.query<{ generation: number }>(
    `insert into job_leases (resource, generation, holder) values ($1, 1, $2)
     on conflict (resource) do update set generation = job_leases.generation + 1, holder = excluded.holder, acquired_at = now()
     returning generation`,
    [resource, holder],
  );
  return rows[0]!.generation;
}

/** In the caller's transaction (any role): throws unless the current work still holds its lease and its process is alive. */
export async function assertLease(c: Queryable, f: Fence | undefined = currentFence()): Promise<void> {
  assertAlive(f);
  if (!f?.resource) return;
  const { rows } = await c.query<{ held: boolean }>('select plexus_lease_held($1, $2) as held', [
    f.resource,
    f.generation,
  ]);
  if (!rows[0]?.held) throw new FencedError(`the lease on ${f.resource} was taken by another runner`);
}
