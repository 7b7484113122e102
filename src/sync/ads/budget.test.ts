import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../db/database.ts';
import type { ProviderDefinition } from '../../providers/types.ts';
import { providers } from '../../providers/registry.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { takeBudget } from './budget.ts';

let db: Database;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

/** Takes one token and notes when the call was in flight, so the check allows for its duration. */
async function timedTake(def: ProviderDefinition, account: string) {
  const sent = Date.now();
  const wait = await takeBudget(db.owner, def, account);
  const answered = Date.now();
  return { wait, sent, answered };
}

test('a platform budget in PostgreSQL: the burst goes at once, then callers are queued one interval apart', async () => {
  // A slow stated rate (6/min: one call per 10 s, burst 1) keeps the check independent of how
  // fast this machine runs the queries: only the in-flight time of each call is uncertain.
  const base = providers.webflow;
  const slow: ProviderDefinition = { ...base, rateLimit: { ...base.rateLimit, requestsPerMinute: 6 } };
  const takes = [];
  for (let i = 0; i < 4; i++) takes.push(await timedTake(slow, 'site-1'));
  assert.equal(takes[0]!.wait, 0, 'the first call goes at once');
  for (let i = 1; i < takes.length; i++) {
    const prev = takes[i - 1]!;
    const cur = takes[i]!;
    assert.ok(cur.wait > 0, `call ${i} must wait (${cur.wait} ms)`);
    // Each waiting caller is due one interval (10 s) after the one before it: the due time is
    // "when the database saw the call" + wait, and that moment lies inside [sent, answered].
    const earliest = cur.sent + cur.wait - (prev.answered + prev.wait);
    const latest = cur.answered + cur.wait - (prev.sent + prev.wait);
    assert.ok(earliest <= 10_000 + 1 && latest >= 10_000 - 1, `spacing between ${earliest} and ${latest} ms`);
  }
  // Another account on the same app shares the app budget, so it queues behind them too.
  const other = await timedTake(slow, 'site-2');
  assert.ok(other.wait > takes[3]!.wait, `${other.wait} > ${takes[3]!.wait}`);
  // Platforms that state no rate are not paced here (their own signals steer them).
  assert.equal(await takeBudget(db.owner, providers.meta, 'act_1'), 0);
});
