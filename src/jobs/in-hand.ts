/**
 * The jobs this process holds: running, or finished moments ago (graphile-worker completes
 * them without waiting, so their rows may still be locked for a little while). A job locked by
 * this process that is neither has lost its completion to a database outage. Times are on the
 * monotonic timer: the grace is a span of this process's own time, not a date.
 */
export class JobsInHand {
  private readonly running = new Set<string>();
  private readonly settled = new Map<string, number>();

  /** @param graceMs how long after its handler finished a job's completion may still be on its way */
  constructor(readonly graceMs: number) {}

  start(id: string): void {
    this.running.add(id);
  }

  settle(id: string): void {
    this.running.delete(id);
    this.settled.set(id, performance.now());
  }

  /** True while the job runs here or its completion may still be on its way. */
  holds(id: string): boolean {
    this.prune();
    const at = this.settled.get(id);
    return this.running.has(id) || (at !== undefined && performance.now() - at < this.graceMs);
  }

  get size(): number {
    return this.running.size;
  }

  private prune(): void {
    const cutoff = performance.now() - this.graceMs;
    for (const [id, at] of this.settled) {
      if (at >= cutoff) break;
      this.settled.delete(id);
    }
  }
}
