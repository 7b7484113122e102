/**
 * Counts attempts per key (a client address) in fixed windows, in this process's memory:
 * cheap enough to run before authentication, so a flood of wrong keys or passwords is turned
 * away without a database round trip. With N API processes an address gets up to N times
 * the budget, which still bounds a flood; per-session limits are kept in PostgreSQL.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it still has attempts left. */
  blockedFor(key: string): number {
    const w = this.windows.get(key);
    const t = this.now();
    if (!w || w.resetAt <= t) return 0;
    return w.count >= this.max ? w.resetAt - t : 0;
  }

  /** Records one attempt (a failure) by `key`. */
  hit(key: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (w && w.resetAt > t) {
      w.count++;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.sweep(t);
    this.windows.set(key, { count: 1, resetAt: t + this.windowMs });
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
    // Still full of live windows: drop the oldest rather than grow without bound.
    while (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}

/** Wrong API keys (or none) an address may send per minute before it is refused unheard. */
export const AUTH_FAILURES_PER_MINUTE = 30;
/** Wrong credentials one connect session may submit before it is closed. */
export const CONNECT_ATTEMPTS_PER_SESSION = 10;
/** Wrong credentials one address may submit on connect pages per 15 minutes. */
export const CONNECT_ATTEMPTS_PER_ADDRESS = 30;
