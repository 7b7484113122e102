/**
 * The shared budget counted in units other than calls (Shopify's query cost), on PostgreSQL:
 * a call takes its requested units, gives back what it did not use, and the platform's report
 * of what is left lowers the bucket but never raises it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../../../test/helpers/app.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(async () => {
  await ctx.close();
});

// A rate so slow that refill during the test is below the comparison's tolerance.
const RATE = 0.001;
const BURST = 1000;

async function take(key: string, units: number): Promise<number> {
  return (
    await ctx.db.owner.query<{ w: number }>('select plexus_take_budget($1, $2, $3, $4) as w', [key, RATE, BURST, units])
  ).rows[0]!.w;
}
async function tokens(key: string): Promise<number> {
  return (await ctx.db.owner.query<{ tokens: number }>('select tokens from rate_budgets where key = $1', [key]))
    .rows[0]!.tokens;
}

test('units are taken, refunded up to the burst, capped by the platform, and a shortfall is a wait', async () => {
  const key = `test:units:${Date.now()}`;
  assert.equal(await take(key, 302), 0);
  assert.ok(Math.abs((await tokens(key)) - 698) < 0.1);
  // The query cost 12 of the 302 it asked for.
  await take(key, 12 - 302);
  assert.ok(Math.abs((await tokens(key)) - 988) < 0.1);
  await take(key, -500);
  assert.ok((await tokens(key)) <= BURST, 'a refund never passes the burst');

  await ctx.db.owner.query('select plexus_cap_budget($1, $2, $3, $4)', [key, RATE, BURST, 100]);
  assert.ok(Math.abs((await tokens(key)) - 100) < 0.1, 'the platform reported 100 left');
  await ctx.db.owner.query('select plexus_cap_budget($1, $2, $3, $4)', [key, RATE, BURST, 900]);
  assert.ok((await tokens(key)) < 101, 'a higher report does not raise it');

  const wait = await take(key, 150);
  assert.ok(Math.abs(wait - (50 / RATE) * 1000) < (1 / RATE) * 1000, `wait ${wait}`);
  // The 3-argument form still takes one call.
  const before = await tokens(key);
  await ctx.db.owner.query('select plexus_take_budget($1, $2, $3)', [key, RATE, BURST]);
  assert.ok(Math.abs((await tokens(key)) - (before - 1)) < 0.1);
});
