import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender.ts';

/** A receiver that answers with the given statuses in turn and records what it got. */
async function receiver(statuses: number[]) {
  const got: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('retries non-2xx on the schedule until it succeeds, signing every attempt', async (t) => {
  const rx = await receiver([500, 503, 200]);
  t.after(rx.close);
  const sender = new WebhookSender({ retryDelaysMs: [0, 0, 0], sign: (b) => ({ 'x-sig': `len=${b.length}` }) });
  t.after(() => sender.close());
  const result = await sender.send(rx.url, '{"a":1}');
  assert.equal(result.ok, true);
  assert.deepEqual(
    result.attempts.map((a) => a.status),
    [500, 503, 200],
  );
  assert.equal(rx.got.length, 3);
  assert.ok(rx.got.every((g) => g.headers['x-sig'] === 'len=7' && g.body === '{"a":1}'));
});

test('gives up after the schedule runs out', async (t) => {
  const rx = await receiver([500]);
  t.after(rx.close);
  const sender = new WebhookSender({ retryDelaysMs: [0], sign: () => ({}) });
  t.after(() => sender.close());
  const result = await sender.send(rx.url, 'x');
  assert.equal(result.ok, false);
  assert.equal(result.attempts.length, 2);
  assert.equal(sender.deliveries().length, 1);
});

test('close() aborts a delivery waiting for its next retry', async (t) => {
  const rx = await receiver([500]);
  t.after(rx.close);
  const sender = new WebhookSender({ retryDelaysMs: [3_600_000], sign: () => ({}) });
  const pending = sender.send(rx.url, 'x');
  // Close once the first attempt has been answered, then the long retry wait is cut short.
  while (rx.got.length === 0) await new Promise((r) => setImmediate(r));
  sender.close();
  const result = await pending;
  assert.equal(result.ok, false);
  assert.equal(result.aborted, true);
});
