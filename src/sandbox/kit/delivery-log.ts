/**
 * The base of a sandbox's outgoing webhooks: the deliveries it started, in order, each pending
 * until its sender settles it, a way for tests to wait until every delivery has finished, and
 * closing the senders (which stops their retry timers).
 */
import {
  WebhookSender,
  type DeliveryAttempt,
  type DeliveryResult,
  type WebhookSenderOptions,
} from './webhook-sender.ts';

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'aborted';

/** What every platform's delivery record holds besides its own fields. */
export interface TrackedDelivery {
  state: DeliveryState;
  attempts: DeliveryAttempt[];
}

export abstract class SandboxWebhooks<D extends TrackedDelivery> {
  readonly #deliveries: D[] = [];
  readonly #pending = new Set<Promise<unknown>>();
  readonly #senders: WebhookSender[] = [];

  /** A sender that close() stops. */
  protected newSender(opts: WebhookSenderOptions): WebhookSender {
    const sender = new WebhookSender(opts);
    this.#senders.push(sender);
    return sender;
  }

  /** Records a delivery a sender has started; `settled` runs once its result is in. */
  protected track(d: D, sending: Promise<DeliveryResult>, settled?: (d: D) => void): D {
    this.#deliveries.push(d);
    const p = sending.then((r) => {
      d.attempts = r.attempts;
      d.state = r.ok ? 'delivered' : r.aborted ? 'aborted' : 'failed';
      settled?.(d);
    });
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
    return d;
  }

  /** Resolves when every delivery started so far has finished (or given up). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  deliveries(): readonly D[] {
    return this.#deliveries;
  }

  /** Back to no deliveries. */
  reset(): void {
    this.#deliveries.length = 0;
  }

  close(): void {
    for (const sender of this.#senders) sender.close();
  }
}
