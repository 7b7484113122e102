/**
 * bench/operations: what recording costs a platform call. The same loopback calls through the
 * platform HTTP client, alternately outside any operation (metrics only) and inside one (each
 * call a message, written by the buffered recorder into a real PostgreSQL), in rounds that
 * alternate so machine noise hits both sides alike. Prints calls/s of each and their ratio
 * (target >= 0.95), and checks that every recorded call reached the database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recorderFor } from '../src/operations/recorder.ts';
import { withOperation } from '../src/operations/run.ts';
import { ProviderHttp } from '../src/providers/kit/http.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { benchDatabase, median } from './harness.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 4000);
const ROUNDS = 5;
const CONCURRENCY = 16;

const server = http.createServer((req, res) => {
  const limited = req.url?.includes('limited');
  res.writeHead(limited ? 429 : 200, {
    'content-type': 'application/json',
    'x-app-usage': '{"call_count":12}',
    'x-request-id': 'r-1',
    ...(limited ? { 'retry-after': '1' } : {}),
  });
  res.end(limited ? '{"error":{"message":"slow down"}}' : '{"data":[{"id":"1"}]}');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const client = new ProviderHttp({ allowHosts: new Set(['127.0.0.1:*']) });
const db = await benchDatabase('operations', 8);
const recorder = recorderFor(db.owner);
try {
  const { org } = await createOrg(db.owner, 'bench');
  // One call in 20 is throttled, so error excerpts are part of the cost.
  const batch = async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CALLS) {
          const i = next++;
          await client.send({
            method: 'GET',
            url: `${base}/v19.0/act_${1000 + (i % 50)}/${i % 20 === 0 ? 'limited' : 'insights'}?access_token=secret&fields=spend`,
          });
        }
      }),
    );
  };
  const timed = async (fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    return CALLS / ((performance.now() - t0) / 1000);
  };
  await batch(); // warm-up
  const plain: number[] = [];
  const recorded: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await timed(batch));
    recorded.push(await timed(() => withOperation(recorder, { orgId: org.id, type: 'sync', actor: 'bench' }, batch)));
  }
  await recorder.flush();
  const rows = (
    await db.owner.query<{ n: number }>("select count(*)::int as n from operation_messages where kind = 'http'")
  ).rows[0]!.n;
  const p = median(plain);
  const q = median(recorded);
  console.log(
    `bench/operations: ${CALLS} loopback platform calls per round, ${CONCURRENCY} at a time, ${ROUNDS} alternating rounds (median)`,
  );
  console.log(
    `  outside an operation (metrics only): ${p.toFixed(0)} calls/s   (${plain.map((v) => v.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  inside an operation (every call recorded): ${q.toFixed(0)} calls/s   (${recorded.map((v) => v.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  ratio recorded/plain: ${(q / p).toFixed(3)} (target >= 0.95); ${rows} of ${CALLS * ROUNDS} calls written to operation_messages`,
  );
  if (rows !== CALLS * ROUNDS) process.exitCode = 1;
} finally {
  await recorder.close();
  await client.close();
  server.close();
  await db.close();
}
