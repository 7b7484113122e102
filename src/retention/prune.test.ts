import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { auth, createTestContext, newOrg, type TestContext } from '../../test/helpers/app.ts';
import { pruneExpired } from './prune.ts';
import { RETENTION_POLICIES, type RetentionPolicy } from './policies.ts';
import { systemClock } from '../core/clock.ts';
import { startWorker } from '../jobs/runtime.ts';
import { allTasks } from '../jobs/tasks/index.ts';
import { waitFor } from '../../test/helpers/wait.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

const q = async (sql: string, params: unknown[] = []) => (await ctx.db.owner.query(sql, params)).rows;
const ago = (days: number) => new Date(Date.now() - days * 86_400_000);

/** One row of every pruned kind for the org, backdated by `days`; returns their ids. */
async function seed(orgId: string, days: number) {
  const at = ago(days);
  const [conn] = await q("insert into connections (org_id, provider) values ($1, 'wordpress') returning id", [orgId]);
  const [inbox] = await q(
    "insert into webhook_inbox (org_id, provider, dedupe_key, payload, status, received_at) values ($1, 'shopify', gen_random_uuid()::text, '{\"a\":1}', 'processed', $2) returning id",
    [orgId, at],
  );
  const [pending] = await q(
    "insert into webhook_inbox (org_id, provider, dedupe_key, payload, status, received_at) values ($1, 'shopify', gen_random_uuid()::text, '{}', 'received', $2) returning id",
    [orgId, at],
  );
  const [ep] = await q(
    "insert into webhook_endpoints (org_id, url, secret, secret_key_id) values ($1, 'http://127.0.0.1:9/h', '{}', 'x') returning id",
    [orgId],
  );
  const [ev] = await q(
    "insert into events (org_id, type, payload, created_at) values ($1, 'connection.created', '{}', $2) returning id",
    [orgId, at],
  );
  const [dl] = await q(
    "insert into webhook_deliveries (org_id, endpoint_id, event_id, event_type, status, created_at) values ($1, $2, $3, 'connection.created', 'succeeded', $4) returning id",
    [orgId, ep.id, ev.id, at],
  );
  await q(
    'insert into webhook_delivery_attempts (org_id, delivery_id, attempt, status_code, at) values ($1, $2, 1, 500, $3), ($1, $2, 2, 200, $3)',
    [orgId, dl.id, at],
  );
  // An event whose delivery is still retrying is kept, however old.
  const [ev2] = await q(
    "insert into events (org_id, type, payload, created_at) values ($1, 'connection.created', '{}', $2) returning id",
    [orgId, at],
  );
  await q(
    "insert into webhook_deliveries (org_id, endpoint_id, event_id, event_type, status, created_at) values ($1, $2, $3, 'connection.created', 'retrying', $4)",
    [orgId, ep.id, ev2.id, at],
  );
  await q(
    "insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, raw, updated_at) values ($1, $2, 'campaign', 'c1', 'a1', '{\"big\":\"payload\"}', $3)",
    [orgId, conn.id, at],
  );
  await q(
    "insert into ad_metric_revisions (org_id, connection_id, level, platform_id, date, previous, current, changed_at) values ($1, $2, 'campaign', 'c1', current_date, '{}', '{}', $3)",
    [orgId, conn.id, at],
  );
  const [item] = await q(
    "insert into content_items (org_id, kind, slug) values ($1, 'post', gen_random_uuid()::text) returning id",
    [orgId],
  );
  const [target] = await q(
    "insert into content_targets (org_id, item_id, connection_id, kind, base, state) values ($1, $2, $3, 'post', '{\"title\":\"base\"}', 'synced') returning id",
    [orgId, item.id, conn.id],
  );
  const [batch] = await q(
    "insert into publish_batches (org_id, status, finished_at) values ($1, 'completed', $2) returning id",
    [orgId, at],
  );
  await q(
    "insert into publish_batch_items (org_id, batch_id, seq, item_id, connection_id, action, status, previous, updated_at) values ($1, $2, 1, $3, $4, 'update', 'done', '{\"title\":\"before\"}', $5)",
    [orgId, batch.id, item.id, conn.id, at],
  );
  await q(
    "insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version, status, resolved_at) values ($1, $2, $3, '[]', '{}', 1, 'resolved', $4)",
    [orgId, item.id, target.id, at],
  );
  await q(
    "insert into audit_log (org_id, at, actor_type, actor_id, action) values ($1, $2, 'system', 'test', 'org.update')",
    [orgId, at],
  );
  return { inbox: inbox.id, pending: pending.id, target: target.id };
}

async function counts(orgId: string) {
  const n = async (sql: string) => (await q(sql, [orgId]))[0].n as number;
  return {
    inbox: await n("select count(*)::int as n from webhook_inbox where org_id = $1 and status = 'processed'"),
    pending: await n("select count(*)::int as n from webhook_inbox where org_id = $1 and status = 'received'"),
    events: await n('select count(*)::int as n from events where org_id = $1'),
    deliveries: await n('select count(*)::int as n from webhook_deliveries where org_id = $1'),
    attempts: await n('select count(*)::int as n from webhook_delivery_attempts where org_id = $1'),
    raw: await n("select count(*)::int as n from ad_entities where org_id = $1 and raw <> '{}'"),
    entities: await n('select count(*)::int as n from ad_entities where org_id = $1'),
    revisions: await n('select count(*)::int as n from ad_metric_revisions where org_id = $1'),
    previous: await n('select count(*)::int as n from publish_batch_items where org_id = $1 and previous is not null'),
    conflicts: await n('select count(*)::int as n from content_conflicts where org_id = $1'),
    bases: await n('select count(*)::int as n from content_targets where org_id = $1 and base is not null'),
    audit: await n('select count(*)::int as n from audit_log where org_id = $1'),
  };
}

const KEPT = {
  inbox: 1,
  pending: 1,
  events: 2,
  deliveries: 2,
  attempts: 2,
  raw: 1,
  entities: 1,
  revisions: 1,
  previous: 1,
  conflicts: 1,
  bases: 1,
  audit: 1,
};
// Every expired copy gone; work still pending (an unprocessed event, a retrying delivery) and
// the merge base stay, as do the ad entities themselves.
const PRUNED = {
  inbox: 0,
  pending: 1,
  events: 1,
  deliveries: 1,
  attempts: 0,
  raw: 0,
  entities: 1,
  revisions: 0,
  previous: 0,
  conflicts: 0,
  bases: 1,
  audit: 1,
};

test('expired rows go by each org’s own retention, in small batches; pending work and merge bases stay', async () => {
  const young = await newOrg(ctx, 'Defaults, young data');
  const old = await newOrg(ctx, 'Defaults, old data');
  const strict = await newOrg(ctx, 'Short retention');
  await seed(young.id, 20);
  await seed(old.id, 120);
  await seed(strict.id, 20);
  // A second, older audit entry: only it passes the defaults' 400 days.
  await q(
    "insert into audit_log (org_id, at, actor_type, actor_id, action) values ($1, $2, 'system', 'test', 'org.update')",
    [old.id, ago(500)],
  );
  await q(
    "insert into webhook_inbox (org_id, provider, dedupe_key, payload, status, received_at) values ('00000000-0000-0000-0000-000000000000', 'shopify', 'stray', '{}', 'unmatched', $1)",
    [ago(45)],
  );
  const patch = await ctx.app.inject({
    method: 'PATCH',
    url: '/v1/org/retention',
    headers: auth(strict.key),
    payload: {
      operations: 3,
      webhook_payloads: 5,
      delivery_attempts: 5,
      raw_payloads: 10,
      content_snapshots: 10,
      audit: 30,
    },
  });
  assert.equal(patch.statusCode, 200, patch.body);

  assert.deepEqual(await counts(old.id), { ...KEPT, audit: 2 });
  const r = await pruneExpired(ctx.db.owner, { batchSize: 1 });
  assert.deepEqual(await counts(young.id), KEPT, '20 days is inside every default');
  assert.deepEqual(
    await counts(old.id),
    { ...PRUNED, audit: 1 },
    '120 days is past every default but the audit trail’s',
  );
  // Its 20-day-old audit entry stays under 30 days, beside the record of the settings change.
  assert.deepEqual(await counts(strict.id), { ...PRUNED, audit: 2 }, 'the org’s own shorter settings apply');
  assert.equal(
    (await q("select count(*)::int as n from webhook_inbox where dedupe_key = 'stray'"))[0].n,
    0,
    'unmatched events age by the defaults',
  );
  assert.equal(r.pruned['webhook_delivery_attempts'], 4);
  assert.equal(r.pruned['audit_log'], 1);
  // Tables another module adds (the operations log) are skipped, not an error, where absent.
  const absent = await q(
    "select t from unnest(array['operations', 'operation_messages']) t where to_regclass('public.' || t) is null",
  );
  assert.deepEqual(r.skipped.sort(), absent.map((x) => x.t).sort());

  const again = await pruneExpired(ctx.db.owner);
  assert.ok(
    Object.values(again.pruned).every((n) => n === 0),
    'a second run finds nothing',
  );
});

test('a run is bounded (batches × size); the next run carries on', async () => {
  const org = await newOrg(ctx, 'Many');
  await q(
    "insert into webhook_inbox (org_id, provider, dedupe_key, payload, status, received_at) select $1, 'shopify', 'k' || g, '{}', 'processed', $2 from generate_series(1, 25) g",
    [org.id, ago(60)],
  );
  const first = await pruneExpired(ctx.db.owner, { batchSize: 4, maxBatches: 3 });
  assert.equal(first.pruned['webhook_inbox'], 12);
  const second = await pruneExpired(ctx.db.owner, { batchSize: 4, maxBatches: 10 });
  assert.equal(second.pruned['webhook_inbox'], 13);
});

test('the pruner is table-driven: a policy for a table that does not exist yet is skipped, and prunes once it does', async () => {
  const names = RETENTION_POLICIES.map((p) => p.table);
  assert.ok(
    names.includes('operations') && names.includes('operation_messages'),
    'the operations log is covered by name',
  );
  const later: RetentionPolicy[] = [
    { kind: 'operations', table: 'zz_added_later', ageColumn: ['created_at', 'started_at'] },
  ];
  assert.deepEqual(await pruneExpired(ctx.db.owner, { policies: later }), { pruned: {}, skipped: ['zz_added_later'] });
  const org = await newOrg(ctx, 'Later');
  await q('create table zz_added_later (org_id uuid not null, started_at timestamptz not null)');
  await q('insert into zz_added_later (org_id, started_at) values ($1, $2), ($1, $3)', [org.id, ago(20), ago(2)]);
  const r = await pruneExpired(ctx.db.owner, { policies: later });
  assert.deepEqual(
    r,
    { pruned: { zz_added_later: 1 }, skipped: [] },
    'older than the 14-day default goes, by the second candidate age column',
  );
  await q('drop table zz_added_later');
});

test('retention settings: read with defaults, changed per kind, reset with null; bad values are 4xx', async () => {
  const org = await newOrg(ctx, 'Settings');
  const call = (method: 'GET' | 'PATCH', payload?: object) =>
    ctx.app.inject({ method, url: '/v1/org/retention', headers: auth(org.key), ...(payload ? { payload } : {}) });
  const first = (await call('GET')).json();
  assert.deepEqual(first.days, first.defaults);
  assert.deepEqual(first.overrides, {});
  assert.ok(first.defaults.audit > first.defaults.operations, 'the audit trail is kept longer than operations');
  const changed = await call('PATCH', { webhook_payloads: 3 });
  assert.equal(changed.statusCode, 200);
  assert.deepEqual([changed.json().days.webhook_payloads, changed.json().overrides], [3, { webhook_payloads: 3 }]);
  const reset = await call('PATCH', { webhook_payloads: null });
  assert.deepEqual([reset.json().days.webhook_payloads, reset.json().overrides], [first.defaults.webhook_payloads, {}]);
  for (const bad of [{}, { webhook_payloads: 0 }, { webhook_payloads: 1.5 }, { nonsense: 3 }, { audit: 'long' }]) {
    const res = await call('PATCH', bad);
    assert.equal(res.statusCode, 400, JSON.stringify(bad));
    assert.equal(res.json().error.code, 'validation_failed');
  }
  const shorter = await call('PATCH', { audit: 5, operations: 10 });
  assert.equal(shorter.statusCode, 422);
  assert.match(shorter.json().error.message, /at least as long as operations/);
  assert.deepEqual((await call('GET')).json().overrides, {}, 'a refused change changes nothing');
});

test('the worker runs pruning as a scheduled job (cron), and the job prunes', async () => {
  const org = await newOrg(ctx, 'Scheduled');
  await q(
    "insert into webhook_inbox (org_id, provider, dedupe_key, payload, status, received_at) select $1, 'shopify', 'j' || g, '{}', 'processed', $2 from generate_series(1, 30) g",
    [org.id, ago(60)],
  );
  const worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    concurrency: 2,
  });
  try {
    // graphile-worker has no public view of its registered cron items.
    await waitFor(
      async () =>
        (await q("select 1 from graphile_worker._private_known_crontabs where identifier = 'prune_retention'"))
          .length === 1,
      'the cron item to be registered',
    );
    // What the cron item enqueues, now rather than at the next tenth minute.
    await q("select graphile_worker.add_job('prune_retention', '{}'::json, job_key => 'cron:prune_retention')");
    await waitFor(
      async () => (await q('select count(*)::int as n from webhook_inbox where org_id = $1', [org.id]))[0].n === 0,
      'the job to prune',
      30_000,
    );
  } finally {
    await worker.stop();
  }
});
