/**
 * The webhooks baseline: a bare Fastify route that does one durable INSERT per request into
 * the same PostgreSQL, and answers after it commits. No verification, no routing, no jobs.
 */
import Fastify from 'fastify';
import { createPool } from '../src/db/pool.ts';

const pool = createPool(process.env.BENCH_DB_URL!, { max: 10 });
await pool.query(
  'create table if not exists bench_baseline (id bigserial primary key, event_id text, body jsonb, at timestamptz default now())',
);
const app = Fastify();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/ingest', async (req) => {
  await pool.query('insert into bench_baseline (event_id, body) values ($1, $2)', [
    req.headers['x-shopify-webhook-id'],
    (req.body as Buffer).toString('utf8'),
  ]);
  return { ok: true };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`baseline listening at ${address}\n`);
