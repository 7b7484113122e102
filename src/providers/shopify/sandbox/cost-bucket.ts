/**
 * The calculated-query-cost bucket of one app on one shop (docs/platforms/shopify-graphql.md):
 * `maximumAvailable` points, restored at `restoreRate` points a second. A query must find its
 * requested cost available, or it is THROTTLED and costs nothing; after it runs, the difference
 * between requested and actual cost goes back.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  #available: number;
  #at: number;

  constructor(
    private readonly now: () => number,
    private maximum: number,
    private restore: number,
  ) {
    this.#available = maximum;
    this.#at = now();
  }

  get limits(): { maximumAvailable: number; restoreRate: number } {
    return { maximumAvailable: this.maximum, restoreRate: this.restore };
  }

  configure(maximumAvailable: number, restoreRate: number): void {
    this.#refill();
    this.maximum = maximumAvailable;
    this.restore = restoreRate;
    this.#available = Math.min(this.#available, maximumAvailable);
  }

  #refill(): void {
    const t = this.now();
    this.#available = Math.min(this.maximum, this.#available + ((t - this.#at) / 1000) * this.restore);
    this.#at = t;
  }

  /** Takes `cost` points when they are there. */
  take(cost: number): boolean {
    this.#refill();
    if (cost > this.#available) return false;
    this.#available -= cost;
    return true;
  }

  refund(points: number): void {
    this.#refill();
    this.#available = Math.min(this.maximum, this.#available + points);
  }

  status(): ThrottleStatus {
    this.#refill();
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.floor(this.#available),
      restoreRate: this.restore,
    };
  }

  /** Empties it, as a burst of other calls from the same app would. */
  drain(): void {
    this.#refill();
    this.#available = 0;
  }

  reset(): void {
    this.#available = this.maximum;
    this.#at = this.now();
  }
}
