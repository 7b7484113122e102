/**
 * Delivers signed webhooks from a sandbox to a subscriber, retrying non-2xx answers and network
 * errors on the platform's schedule (bounded). Signing is a function the sandbox passes in, so
 * the sender knows nothing about any platform's header or algorithm.
 */

export interface DeliveryAttempt {
  at: number;
  status?: number;
  error?: string;
}

export interface DeliveryResult {
  id: string;
  url: string;
  ok: boolean;
  attempts: DeliveryAttempt[];
  /** True when the sender was closed before the delivery finished. */
  aborted: boolean;
}

export interface WebhookSenderOptions {
  /** Delay before each retry; its length bounds the number of retries. */
  retryDelaysMs: readonly number[];
  /** Returns the headers that sign this exact body. */
  sign: (body: Buffer) => Record<string, string>;
  now?: () => number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  userAgent?: string;
}

export class WebhookSender {
  readonly #opts: WebhookSenderOptions;
  readonly #now: () => number;
  readonly #timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  readonly #results: DeliveryResult[] = [];
  #closed = false;
  #seq = 0;

  constructor(opts: WebhookSenderOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Resolves once the delivery succeeded, ran out of retries, or the sender closed. */
  async send(url: string, body: Buffer | string, extraHeaders: Record<string, string> = {}): Promise<DeliveryResult> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const result: DeliveryResult = { id: `delivery_${++this.#seq}`, url, ok: false, attempts: [], aborted: false };
    this.#results.push(result);
    const base = {
      'content-type': 'application/json',
      'user-agent': this.#opts.userAgent ?? 'plexus-sandbox-webhooks',
      ...extraHeaders,
    };
    for (let attempt = 0; ; attempt++) {
      // Signed per attempt: timestamped schemes would otherwise make a late retry look stale.
      const headers = { ...base, ...this.#opts.sign(bytes) };
      if (this.#closed) {
        result.aborted = true;
        return result;
      }
      const entry: DeliveryAttempt = { at: this.#now() };
      result.attempts.push(entry);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body: bytes,
          signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 10_000),
        });
        entry.status = res.status;
        await res.arrayBuffer();
        if (res.ok) {
          result.ok = true;
          return result;
        }
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
      }
      const delay = this.#opts.retryDelaysMs[attempt];
      if (delay === undefined) return result;
      await this.#sleep(delay);
    }
  }

  /** Every delivery so far, oldest first. */
  deliveries(): readonly DeliveryResult[] {
    return this.#results;
  }

  /** Stops pending retries; deliveries in a retry wait resolve as aborted. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) {
      clearTimeout(t.timer);
      t.wake();
    }
    this.#timers.clear();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      // A pending retry must not keep a test process or the CLI alive.
      entry.timer.unref();
      this.#timers.add(entry);
    });
  }
}
