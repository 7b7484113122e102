import type { Clock } from '../../core/clock.ts';
import { isPlexusError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Database } from '../../db/database.ts';
import { withOrgTx } from '../../db/tx.ts';
import { assertAlive, assertLease } from '../../db/fence.ts';
import type { Keyring } from '../../vault/keyring.ts';
import { FINISHED, getDelivery } from './deliveries.ts';
import { responseExcerpt } from './excerpt.ts';
import { getEndpoint, signingSecrets } from './endpoints.ts';
import { classifyAttempt } from './outcome.ts';
import { webhookBody, type EventRow } from './payload.ts';
import { recordAttempt, type RecordPolicy } from './record.ts';
import type { WebhookSender } from './sender.ts';
import { signWebhook } from './sign.ts';
import { deliveriesOut } from '../../observability/platform-metrics.ts';
import { currentOperation } from '../../operations/context.ts';

export interface DeliverDeps extends RecordPolicy {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  log: Logger;
  sender: WebhookSender;
  timeoutMs: number;
}

/** A receiver gets this long to answer (Standard Webhooks suggests receivers answer fast and work later). */
export const DELIVERY_TIMEOUT_MS = 10_000;

type Prepared =
  { kind: 'skip' } | { kind: 'send'; url: string; endpointId: string; event: EventRow; secrets: string[] };

/**
 * One attempt of one delivery: load and sign inside the org's transaction, POST outside any
 * transaction (a slow receiver must not hold a database connection), then record the result.
 * A delivery that already finished is only sent again when a person asked for it (`manual`).
 */
export async function deliverOnce(
  deps: DeliverDeps,
  orgId: string,
  deliveryId: string,
  manual: boolean,
): Promise<void> {
  const now = deps.clock.now();
  const prepared = await withOrgTx(deps.db.app, orgId, async (c): Promise<Prepared> => {
    await assertLease(c);
    const d = await getDelivery(c, orgId, deliveryId);
    if (!d || (FINISHED.includes(d.status) && !manual)) return { kind: 'skip' };
    const endpoint = await getEndpoint(c, orgId, d.endpoint_id);
    if (!endpoint || endpoint.status !== 'active') {
      await c.query(
        `update webhook_deliveries set status = 'disabled', next_attempt_at = null where org_id = $1 and id = $2 and status in ('pending', 'retrying')`,
        [orgId, deliveryId],
      );
      return { kind: 'skip' };
    }
    const ev = await c.query<EventRow>(
      'select id, type, payload, created_at from events where org_id = $1 and id = $2',
      [orgId, d.event_id],
    );
    if (!ev.rows[0]) return { kind: 'skip' };
    return {
      kind: 'send',
      url: endpoint.url,
      endpointId: endpoint.id,
      event: ev.rows[0],
      secrets: await signingSecrets(c, deps.keyring, orgId, endpoint.id, now),
    };
  });
  if (prepared.kind === 'skip') return;

  const body = webhookBody(prepared.event);
  const headers = signWebhook({
    id: prepared.event.id,
    timestampSeconds: Math.floor(now.getTime() / 1000),
    body,
    secrets: prepared.secrets,
  });
  // Fenced: a worker that went silent since the job began (its job may run elsewhere) does not send.
  assertAlive();
  const result = await deps.sender.post(prepared.url, { ...headers }, body, deps.timeoutMs);
  const at = deps.clock.now();
  const known = [
    ...prepared.secrets,
    ...prepared.secrets.map((s) => s.slice('whsec_'.length)),
    ...headers['webhook-signature'].split(' ').map((s) => s.slice(3)),
  ];
  const recorded = await withOrgTx(deps.db.app, orgId, async (c) => {
    await assertLease(c);
    return recordAttempt(c, deps, {
      orgId,
      deliveryId,
      endpointId: prepared.endpointId,
      outcome: classifyAttempt(result, at),
      statusCode: result.kind === 'response' ? result.status : null,
      latencyMs: result.latencyMs,
      excerpt: result.kind === 'response' ? responseExcerpt(result.body, known) : null,
      error: result.kind === 'error' ? result.error : result.status >= 300 ? `HTTP ${result.status}` : null,
      at,
    });
  });
  if (recorded) deliveriesOut.inc({ outcome: recorded.status });
  currentOperation()?.log(
    recorded?.status === 'succeeded' ? 'info' : 'warn',
    `POST to endpoint ${prepared.endpointId} → ${result.kind === 'response' ? result.status : result.error} (${result.latencyMs} ms): ${recorded?.status ?? 'not recorded'}`,
  );
  if (recorded && recorded.status !== 'succeeded') {
    // Ids and status only: the URL may carry the receiver's token and is never logged.
    deps.log.info(
      {
        delivery_id: deliveryId,
        endpoint_id: prepared.endpointId,
        attempt: recorded.attempt,
        status_code: result.kind === 'response' ? result.status : null,
        outcome: recorded.status,
        next_attempt_at: recorded.nextAttemptAt,
        endpoint_disabled: recorded.endpointDisabled,
      },
      'webhook delivery attempt failed',
    );
  }
}

/** Marks a delivery failed when it cannot even be signed (its secret does not open): retrying will not help. */
export async function failUnsignable(
  deps: Pick<DeliverDeps, 'db'>,
  orgId: string,
  deliveryId: string,
  err: unknown,
): Promise<void> {
  if (!isPlexusError(err) || err.retry !== 'permanent') return;
  await withOrgTx(deps.db.app, orgId, (c) =>
    c.query(
      `update webhook_deliveries set status = 'failed', next_attempt_at = null, last_error = $3 where org_id = $1 and id = $2 and status in ('pending', 'retrying')`,
      [orgId, deliveryId, err.code],
    ),
  );
}
