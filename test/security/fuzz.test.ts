/**
 * Route-wide fuzz test: every operation in /openapi.json gets requests whose path, query and
 * body values come from its own schema mixed with hostile ones (see test/helpers/openapi-fuzz.ts).
 * No answer may be a 5xx, every JSON error must be the one envelope, and the process must
 * still serve afterwards. Seeded and bounded for CI (FUZZ_RUNS per operation, default 20);
 * `npm run fuzz` runs it longer, FUZZ_SEED picks another seed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import {
  bodyOf,
  enc,
  hostileString,
  operationsOf,
  pathValue,
  valueOf,
  type Operation,
  type Schema,
} from '../helpers/openapi-fuzz.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

let ctx: TestContext;
let doc: Schema;
let org: { id: string; key: string };
const known: string[] = [];
const stats = { requests: 0, fiveXx: 0, byStatus: new Map<number, number>() };

before(async () => {
  ctx = await createTestContext({ config: { PLEXUS_API_RATE_LIMIT: '100000000' } });
  org = await newOrg(ctx, 'fuzzed');
  const other = await newOrg(ctx, 'other');
  known.push(org.id, other.id);
  for (const o of [org, other]) {
    known.push(
      await seedConnection(
        ctx.db,
        ctx.keyring,
        o.id,
        'wordpress',
        { kind: 'basic', username: 'u', password: 'p' } as never,
        { config: { siteUrl: 'https://blog.example' } },
      ),
    );
    const ep = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: auth(o.key),
      payload: { url: 'http://127.0.0.1:1/hook' },
    });
    known.push(ep.json().id);
    const s = await ctx.app.inject({
      method: 'POST',
      url: '/v1/connect-sessions',
      headers: auth(o.key),
      payload: { provider: 'wordpress' },
    });
    known.push(s.json().id, String(s.json().url).split('/connect/')[1]!);
  }
  doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});

after(async () => {
  const statuses = [...stats.byStatus.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  console.log(`fuzz: ${stats.requests} requests, ${stats.fiveXx} 5xx, seed ${SEED}, statuses ${statuses}`);
  await ctx?.close();
});

function requestFor(op: Operation) {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  return fc.record({
    path: fc
      .tuple(...pathParams.map(() => pathValue(known)))
      .map((vals) => pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, vals[i]!), op.path)),
    query: fc.tuple(
      fc.tuple(...queryParams.map((p) => fc.option(fc.oneof(valueOf(doc, p.schema), hostileString), { freq: 2 }))),
      fc.option(fc.tuple(fc.constantFrom('unknown', 'cursor', 'limit', '__proto__'), hostileString), { freq: 3 }),
    ),
    body: bodyOf(doc, op.body),
    authed: fc.boolean().map((b) => b || Math.random() < 0.9),
    address: fc.ipV4(),
  });
}

function queryString(params: Operation['params'], values: unknown[], extra: [string, string] | null): string {
  const parts: string[] = [];
  params
    .filter((p) => p.in === 'query')
    .forEach((p, i) => {
      const v = values[i];
      if (v === null || v === undefined) return;
      parts.push(`${enc(p.name)}=${enc(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`);
    });
  if (extra) parts.push(`${enc(extra[0])}=${enc(extra[1])}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

test(
  'every operation in /openapi.json answers hostile input without a 5xx, in the envelope',
  { timeout: 600_000 },
  async () => {
    const ops = operationsOf(doc);
    assert.ok(ops.length >= 60, `operations: ${ops.length}`);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op), async (r) => {
          const url = `${r.path}${queryString(op.params, r.query[0], r.query[1])}`;
          const withBody = op.method !== 'GET' && op.method !== 'DELETE';
          const headers: Record<string, string> = r.authed ? auth(org.key) : {};
          let payload: string | Buffer | undefined;
          if (withBody) {
            if (r.body.kind === 'json') {
              headers['content-type'] = 'application/json';
              payload = JSON.stringify(r.body.value) ?? 'null';
            } else {
              headers['content-type'] = r.body.type;
              payload = r.body.bytes;
            }
          }
          const res = await ctx.app.inject({
            method: op.method as 'GET',
            url,
            headers,
            remoteAddress: r.address,
            ...(payload !== undefined ? { payload } : {}),
          });
          stats.requests++;
          stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500) stats.fiveXx++;
          assert.ok(
            res.statusCode < 500,
            `${op.method} ${url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
          if (res.statusCode >= 400 && String(res.headers['content-type'] ?? '').includes('json')) {
            const b = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
            assert.ok(
              typeof b.error?.code === 'string' && typeof b.error?.message === 'string',
              `${op.method} ${url.slice(0, 200)}: not the envelope: ${res.body.slice(0, 300)}`,
            );
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    // Still alive and serving.
    const alive = await ctx.app.inject({ method: 'GET', url: '/v1/providers', headers: auth(org.key) });
    assert.equal(alive.statusCode, 200);
    assert.equal(stats.fiveXx, 0);
  },
);
