import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import type { Customer } from '../../src/providers/google-ads/sandbox/world.ts';
import { adsWrites } from '../helpers/ads-writes.ts';
import { openGoogleAdsWrites } from '../helpers/google-ads-writes.ts';
import { auth, newOrg } from '../helpers/app.ts';

let sb: GoogleAdsRunningSandbox;
let customer: Customer;
const ads = adsWrites();

before(async () => {
  ({ sb, customer } = await openGoogleAdsWrites(ads, { seed: 47, size: 300, historyDays: 1 }));
});
after(async () => {
  await ads.close();
  await sb.close();
});

const atPlatform = (name: string) => sb.world().campaigns.filter((c) => c.name === name).length;
const create = (key: string | undefined, name: string, budget = '5000000') =>
  ads.ctx.app.inject({
    method: 'POST',
    url: '/v1/ads/campaigns',
    headers: { ...auth(ads.org.key), ...(key ? { 'idempotency-key': key } : {}) },
    payload: { connection_id: ads.conn, account_id: customer.id, name, daily_budget_micros: budget },
  });

test('the same Idempotency-Key twice creates one campaign at the platform and replays the first answer', async () => {
  const first = await create('launch-1', 'Idempotent launch');
  assert.equal(first.statusCode, 201, first.body);
  const again = await create('launch-1', 'Idempotent launch');
  assert.equal(again.statusCode, 201, again.body);
  assert.deepEqual(again.json(), first.json());
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.equal(first.headers['idempotent-replayed'], undefined);
  assert.equal(atPlatform('Idempotent launch'), 1);
});

test('the same key with another body is refused with 409 idempotency_key_reused, and nothing is created', async () => {
  const first = await create('launch-2', 'Reused key A');
  assert.equal(first.statusCode, 201, first.body);
  const other = await create('launch-2', 'Reused key B');
  assert.equal(other.statusCode, 409, other.body);
  assert.equal(other.json().error.code, 'idempotency_key_reused');
  assert.equal(atPlatform('Reused key B'), 0);
});

test('concurrent requests with one key create one campaign; the others replay it or are told it is in progress', async () => {
  const answers = await Promise.all(Array.from({ length: 6 }, () => create('launch-3', 'Concurrent launch')));
  const created = answers.filter((a) => a.statusCode === 201);
  const busy = answers.filter((a) => a.statusCode === 409);
  assert.equal(created.length + busy.length, answers.length, answers.map((a) => a.body).join('\n'));
  assert.ok(created.length >= 1);
  assert.equal(new Set(created.map((a) => a.json().id)).size, 1);
  for (const b of busy) assert.equal(b.json().error.code, 'idempotency_in_progress');
  assert.equal(atPlatform('Concurrent launch'), 1);
  // Once settled, a retry gets the one answer.
  const retry = await create('launch-3', 'Concurrent launch');
  assert.equal(retry.statusCode, 201);
  assert.equal(retry.json().id, created[0]!.json().id);
});

test('without a key a retry goes to the platform again (Google refuses the duplicate name there)', async () => {
  assert.equal((await create(undefined, 'No key')).statusCode, 201);
  const retry = await create(undefined, 'No key');
  assert.equal(retry.statusCode, 422, retry.body);
  assert.equal(atPlatform('No key'), 1);
});

test('a failed validation is answered and not remembered: the corrected request with the same key runs', async () => {
  const bad = await create('launch-4', 'Bad budget', 'twelve');
  assert.equal(bad.statusCode, 400);
  const good = await create('launch-4', 'Bad budget', '7000000');
  assert.equal(good.statusCode, 201, good.body);
  assert.equal(atPlatform('Bad budget'), 1);
});

test('keys are per org, and a replayed API key answer is stored sealed, never in plain text', async () => {
  const other = await newOrg(ads.ctx, 'Other org');
  const mk = (key: string, token: string) =>
    ads.ctx.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { ...auth(token), 'idempotency-key': key },
      payload: { name: 'ci' },
    });
  const a = await mk('shared-key', ads.org.key);
  const b = await mk('shared-key', other.key);
  assert.equal(a.statusCode, 201, a.body);
  assert.equal(b.statusCode, 201, b.body);
  assert.notEqual(a.json().id, b.json().id);
  const replay = await mk('shared-key', ads.org.key);
  assert.equal(replay.json().key, a.json().key);
  const stored = await ads.ctx.db.owner.query(
    "select response_body::text as body from idempotency_keys where key = 'shared-key'",
  );
  assert.equal(stored.rowCount, 2);
  for (const r of stored.rows) assert.ok(!r.body.includes(a.json().key) && !r.body.includes(b.json().key));
});

test('a malformed key is a 400', async () => {
  const res = await create('has space', 'Malformed');
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error.code, 'validation_failed');
});
