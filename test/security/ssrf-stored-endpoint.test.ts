/**
 * End to end: a webhook endpoint stored at a loopback address while the policy allowed it is
 * not called once the policy forbids it. The endpoint URL is an IP literal, for which Node
 * does no DNS lookup, so only a check of the connected address at send time can stop it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { createDeliverWebhookTask } from '../../src/jobs/tasks/deliver-webhook.ts';
import type { TaskDefinition } from '../../src/jobs/types.ts';
import type { SsrfPolicy } from '../../src/security/ssrf.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait.ts';

let ctx: TestContext;
let worker: WorkerHandle;
let receiver: Server;
let hits = 0;
/** The policy the API and the worker both read, live. */
const policy = () => (ctx.providers as unknown as { ssrf: SsrfPolicy }).ssrf;

before(async () => {
  receiver = createServer((_req, res) => {
    hits++;
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  ctx = await createTestContext();
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    // The worker reads the same live policy object the API uses.
    tasks: [
      createDeliverWebhookTask({ ssrf: policy(), retry: { schedule: [60_000] }, timeoutMs: 5_000 }),
    ] as unknown as TaskDefinition[],
    ...ctx.config.worker,
    concurrency: 2,
  });
});

after(async () => {
  await worker?.stop();
  await ctx?.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

test('a stored loopback endpoint is not called after the policy stops allowing it', async () => {
  const org = await newOrg(ctx);
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: auth(org.key),
    payload: { url },
  });
  assert.equal(created.statusCode, 201, created.body);
  const endpoint = created.json<{ id: string }>();

  const first = await ctx.app.inject({
    method: 'POST',
    url: `/v1/webhook-endpoints/${endpoint.id}/test`,
    headers: auth(org.key),
  });
  assert.equal(first.statusCode, 202, first.body);
  await waitFor(async () => hits === 1, 'the allowed delivery');

  // The operator tightens the policy: loopback is no longer allowed.
  policy().allowHosts.clear();
  const second = await ctx.app.inject({
    method: 'POST',
    url: `/v1/webhook-endpoints/${endpoint.id}/test`,
    headers: auth(org.key),
  });
  assert.equal(second.statusCode, 202, second.body);
  const deliveryId = second.json<{ id: string }>().id;
  const attempt = await waitFor(async () => {
    const { rows } = await ctx.db.owner.query('select * from webhook_delivery_attempts where delivery_id = $1', [
      deliveryId,
    ]);
    return rows[0];
  }, 'the refused attempt');
  assert.equal(hits, 1, 'the endpoint was not called again');
  assert.match(JSON.stringify(attempt), /private or reserved/);
});
