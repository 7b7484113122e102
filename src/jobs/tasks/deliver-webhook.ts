import { z } from 'zod';
import { parseAllowList, type SsrfPolicy } from '../../security/ssrf.ts';
import { deliverOnce, DELIVERY_TIMEOUT_MS, failUnsignable } from '../../webhooks/outbound/deliver.ts';
import { DISABLE_AFTER_MS } from '../../webhooks/outbound/disable.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../webhooks/outbound/schedule.ts';
import { createWebhookSender, type WebhookSender } from '../../webhooks/outbound/sender.ts';
import type { TaskDefinition } from '../types.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    /** `manual`: a person asked for this attempt, so it runs even when the delivery has finished. */
    deliver_webhook: { org_id: string; delivery_id: string; manual?: boolean | undefined };
  }
}

export interface DeliverWebhookOptions {
  /** The HTTP client; by default one guarded by `ssrf`. */
  sender?: WebhookSender;
  /** Hosts endpoints may resolve to even when private; by default the worker's own policy (PLEXUS_SSRF_ALLOW_HOSTS). */
  ssrf?: SsrfPolicy;
  retry?: Partial<RetryPolicy>;
  disableAfterMs?: number;
  timeoutMs?: number;
}

/**
 * Sends one webhook delivery. Retries are scheduled by the delivery itself (its row shows
 * `retrying` and `next_attempt_at`, and the next job is enqueued in the same transaction),
 * so an HTTP failure is a handled outcome; only unexpected errors (the database) reach the
 * job runtime's own retry.
 */
export function createDeliverWebhookTask(opts: DeliverWebhookOptions = {}): TaskDefinition<'deliver_webhook'> {
  let sender = opts.sender;
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  return {
    name: 'deliver_webhook',
    schema: z.object({ org_id: z.string().uuid(), delivery_id: z.string().uuid(), manual: z.boolean().optional() }),
    // A person's redelivery is its own attempt: it must not fence the automatic one, nor the reverse.
    lease: (p) => `delivery:${p.delivery_id}${p.manual ? ':manual' : ''}`,
    async run(p, ctx) {
      sender ??= createWebhookSender(
        opts.ssrf ?? ctx.providers?.ssrf ?? parseAllowList(process.env.PLEXUS_SSRF_ALLOW_HOSTS),
      );
      const deps = {
        db: ctx.db,
        keyring: ctx.keyring,
        clock: ctx.clock,
        log: ctx.log,
        sender,
        retry,
        disableAfterMs: opts.disableAfterMs ?? DISABLE_AFTER_MS,
        timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      };
      try {
        await deliverOnce(deps, p.org_id, p.delivery_id, p.manual === true);
      } catch (err) {
        await failUnsignable(deps, p.org_id, p.delivery_id, err);
        throw err;
      }
    },
  };
}

export const deliverWebhook = createDeliverWebhookTask();
