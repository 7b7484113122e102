import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { withOrgTx } from '../db/tx.ts';
import { recordDeadLetter } from '../jobs/dead-letter.ts';
import { sealCredentials } from '../vault/credentials.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../../test/helpers/app.ts';

let ctx: TestContext;
let a: { id: string; key: string };
let b: { id: string; key: string };
let bKeyId: string;
let bDeadLetterId: string;
let bConnectionId: string;

before(async () => {
  ctx = await createTestContext();
  a = await newOrg(ctx, 'A');
  b = await newOrg(ctx, 'B');
  bKeyId = (await ctx.db.owner.query('select id from api_keys where org_id = $1', [b.id])).rows[0].id;
  await recordDeadLetter(ctx.db.owner, {
    jobId: 991,
    task: 'noop',
    payload: { org_id: b.id },
    jobKey: null,
    queueName: null,
    attempts: 3,
    errorCode: 'internal_error',
    errorMessage: 'boom',
  });
  bDeadLetterId = (await ctx.db.owner.query('select id from dead_letters where org_id = $1', [b.id])).rows[0].id;
  const conn = await ctx.db.owner.query("insert into connections (org_id, provider) values ($1, 'meta') returning id", [
    b.id,
  ]);
  bConnectionId = conn.rows[0].id;
  const sealed = await sealCredentials(ctx.keyring, b.id, bConnectionId, { kind: 'oauth2', accessToken: 'tok-b' });
  await ctx.db.owner.query(
    'update connections set credentials = $3, credentials_key_id = $4 where org_id = $1 and id = $2',
    [b.id, bConnectionId, sealed, sealed.kid],
  );
});
after(() => ctx.close());

const TENANT_TABLES = [
  'orgs',
  'api_keys',
  'connections',
  'dead_letters',
  'connect_sessions',
  'events',
  'webhook_inbox',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_delivery_attempts',
  'ad_entities',
  'ad_metrics_daily',
  'ad_metric_revisions',
  'sync_runs',
];

test('the application role is neither superuser nor BYPASSRLS', async () => {
  const { rows } = await ctx.db.app.query(
    'select rolsuper, rolbypassrls, current_user as me from pg_roles where rolname = current_user',
  );
  assert.equal(rows[0].me, 'plexus_app');
  assert.equal(rows[0].rolsuper, false);
  assert.equal(rows[0].rolbypassrls, false);
});

test('every table with an org_id has row-level security and a policy', async () => {
  const { rows } = await ctx.db.owner.query(`
    select c.relname, c.relrowsecurity, (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
      and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped) or c.relname = 'orgs')`);
  assert.ok(rows.length >= TENANT_TABLES.length);
  for (const r of rows) {
    assert.equal(r.relrowsecurity, true, `${r.relname} has RLS`);
    assert.ok(r.policies > 0, `${r.relname} has a policy`);
  }
});

test('with no org setting the app role sees no rows, never all rows', async () => {
  for (const t of TENANT_TABLES) {
    const { rows } = await ctx.db.app.query(`select count(*)::int as n from ${t}`);
    assert.equal(rows[0].n, 0, t);
  }
});

test('raw SQL as the app role in org A cannot read, update or delete org B rows', async () => {
  await withOrgTx(ctx.db.app, a.id, async (c) => {
    for (const t of TENANT_TABLES) {
      const col = t === 'orgs' ? 'id' : 'org_id';
      const seen = await c.query(`select count(*)::int as n from ${t} where ${col} = $1`, [b.id]);
      assert.equal(seen.rows[0].n, 0, `select ${t}`);
    }
    assert.equal((await c.query("update orgs set name = 'pwned' where id = $1", [b.id])).rowCount, 0);
    assert.equal((await c.query('update api_keys set revoked_at = now() where org_id = $1', [b.id])).rowCount, 0);
    assert.equal((await c.query("update connections set status = 'error' where org_id = $1", [b.id])).rowCount, 0);
    assert.equal((await c.query('delete from connections where org_id = $1', [b.id])).rowCount, 0);
    assert.equal((await c.query('update dead_letters set replayed_at = now() where org_id = $1', [b.id])).rowCount, 0);
    // A's own rows are visible: the policy is not simply "nothing".
    assert.equal((await c.query('select count(*)::int as n from api_keys')).rows[0].n, 1);
  });
  // Writing a row for another org is refused by the policy's WITH CHECK.
  await assert.rejects(
    withOrgTx(ctx.db.app, a.id, (c) =>
      c.query("insert into connections (org_id, provider) values ($1, 'meta')", [b.id]),
    ),
    /row-level security/,
  );
  await assert.rejects(
    withOrgTx(ctx.db.app, a.id, (c) => c.query('update api_keys set org_id = $1', [b.id])),
    /row-level security/,
  );
  // The app role has no DELETE on api_keys and no access to system tables at all.
  await assert.rejects(
    withOrgTx(ctx.db.app, a.id, (c) => c.query('delete from api_keys')),
    /permission denied/,
  );
  await assert.rejects(ctx.db.app.query('select * from worker_nodes'), /permission denied/);
  for (const jobs of ['graphile_worker.jobs', 'graphile_worker._private_jobs'])
    await assert.rejects(ctx.db.app.query(`select * from ${jobs}`), /permission denied/);
  // Nothing changed for B.
  const still = await ctx.db.owner.query('select status from connections where org_id = $1', [b.id]);
  assert.equal(still.rows[0].status, 'active');
  assert.equal((await ctx.db.owner.query('select name from orgs where id = $1', [b.id])).rows[0].name, 'B');
});

test('a session-level setting cannot leak: the org context is per transaction', async () => {
  const client = await ctx.db.app.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('plexus.org_id', $1, true)", [b.id]);
    await client.query('commit');
    const { rows } = await client.query('select count(*)::int as n from api_keys');
    assert.equal(rows[0].n, 0);
  } finally {
    client.release();
  }
});

test('a tenant cannot enqueue a job for another org', async () => {
  await assert.rejects(
    withOrgTx(ctx.db.app, a.id, (c) =>
      c.query("select plexus_enqueue('noop', $1::json)", [JSON.stringify({ org_id: b.id })]),
    ),
    /does not match/,
  );
});

test('the app role cannot connect as anything more than itself', async () => {
  const c = new pg.Client({ connectionString: ctx.db.appUrl });
  await c.connect();
  try {
    await assert.rejects(c.query('set role postgres'), /permission denied/);
  } finally {
    await c.end();
  }
});

test('through every API route, org A cannot see or touch org B resources', async () => {
  const h = auth(a.key);
  const inj = (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: object) =>
    ctx.app.inject({ method, url, headers: h, ...(payload ? { payload } : {}) });

  const org = await inj('GET', '/v1/org');
  assert.equal(org.json().id, a.id);
  const renamed = await inj('PATCH', '/v1/org', { name: 'A2' });
  assert.equal(renamed.json().id, a.id);
  assert.equal((await ctx.db.owner.query('select name from orgs where id = $1', [b.id])).rows[0].name, 'B');

  const keys = (await inj('GET', '/v1/api-keys')).json();
  assert.ok(keys.data.length >= 1);
  assert.ok(keys.data.every((k: { id: string }) => k.id !== bKeyId));
  assert.equal((await inj('DELETE', `/v1/api-keys/${bKeyId}`)).statusCode, 404);
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(b.key) })).statusCode,
    200,
    "B's key still works",
  );

  const dls = (await inj('GET', '/v1/dead-letters')).json();
  assert.equal(dls.data.length, 0);
  assert.equal((await inj('GET', `/v1/dead-letters/${bDeadLetterId}`)).statusCode, 404);
  assert.equal((await inj('POST', `/v1/dead-letters/${bDeadLetterId}/replay`)).statusCode, 404);
  const bView = await ctx.app.inject({ method: 'GET', url: '/v1/dead-letters', headers: auth(b.key) });
  assert.equal(bView.json().data.length, 1);
  assert.equal(bView.json().data[0].replayed_at, null);

  // Connections and connect sessions.
  const bSession = await ctx.app.inject({
    method: 'POST',
    url: '/v1/connect-sessions',
    headers: auth(b.key),
    payload: { provider: 'meta' },
  });
  assert.equal(bSession.statusCode, 201);
  const bSessionId = bSession.json().id;
  assert.equal((await inj('GET', `/v1/connect-sessions/${bSessionId}`)).statusCode, 404);
  assert.equal(
    (await inj('POST', '/v1/connect-sessions', { provider: 'meta', connection_id: bConnectionId })).statusCode,
    404,
    'cannot reconnect B connection',
  );
  assert.equal((await inj('GET', '/v1/connections')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/connections/${bConnectionId}`)).statusCode, 404);
  assert.equal((await inj('POST', `/v1/connections/${bConnectionId}/refresh`)).statusCode, 404);
  assert.equal((await inj('DELETE', `/v1/connections/${bConnectionId}`)).statusCode, 404);
  assert.equal((await inj('PATCH', `/v1/connections/${bConnectionId}`, { sync_interval_minutes: 5 })).statusCode, 404);
  const bConn = await ctx.app.inject({ method: 'GET', url: `/v1/connections/${bConnectionId}`, headers: auth(b.key) });
  assert.equal(bConn.statusCode, 200);
  assert.equal(bConn.json().status, 'active');

  // Inbound webhook events and per-connection webhook secrets.
  const { rows: inboxRows } = await ctx.db.owner.query(
    "insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, topic, payload) values ($1, 'wordpress', $2, 'k1', 'content.updated', '{}') returning id",
    [b.id, bConnectionId],
  );
  assert.equal((await inj('GET', '/v1/webhooks/inbound')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/webhooks/inbound/${inboxRows[0].id}`)).statusCode, 404);
  assert.equal((await inj('POST', `/v1/connections/${bConnectionId}/webhook-secret`)).statusCode, 404);

  // Ads reads and sync runs: B's synced rows are invisible to A.
  await ctx.db.owner.query(
    "insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, status, raw) values ($1, $2, 'campaign', 'c1', 'act_1', 'active', '{}')",
    [b.id, bConnectionId],
  );
  await ctx.db.owner.query(
    "insert into ad_metrics_daily (org_id, connection_id, level, platform_id, date, impressions) values ($1, $2, 'ad', 'a1', '2026-01-01', 5)",
    [b.id, bConnectionId],
  );
  await ctx.db.owner.query(
    "insert into ad_metric_revisions (org_id, connection_id, level, platform_id, date, previous, current) values ($1, $2, 'ad', 'a1', '2026-01-01', '{}', '{}')",
    [b.id, bConnectionId],
  );
  for (const path of ['accounts', 'campaigns', 'ad-groups', 'ads', 'metrics/revisions'])
    assert.equal((await inj('GET', `/v1/ads/${path}`)).json().data.length, 0, path);
  assert.equal((await inj('GET', '/v1/ads/metrics?since=2025-01-01&until=2027-01-01')).json().data.length, 0);
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/ads/campaigns', headers: auth(b.key) })).json().data.length,
    1,
    'B sees its own',
  );
  assert.equal((await inj('POST', `/v1/connections/${bConnectionId}/syncs`)).statusCode, 404);
  const bCampaign = Buffer.from(`${bConnectionId}|campaign|c1`).toString('base64url');
  assert.equal((await inj('PATCH', `/v1/ads/campaigns/${bCampaign}`, { name: 'x' })).statusCode, 404);
  assert.equal((await inj('DELETE', `/v1/ads/campaigns/${bCampaign}`)).statusCode, 404);
  for (const action of ['pause', 'resume'])
    assert.equal((await inj('POST', `/v1/ads/campaigns/${bCampaign}/${action}`)).statusCode, 404);
  assert.equal(
    (await inj('POST', '/v1/ads/campaigns', { connection_id: bConnectionId, account_id: 'act_1', name: 'x' }))
      .statusCode,
    404,
  );
  const bAdGroup = Buffer.from(`${bConnectionId}|ad_group|g1`).toString('base64url');
  const bAd = Buffer.from(`${bConnectionId}|ad|a1`).toString('base64url');
  for (const action of ['pause', 'resume']) {
    assert.equal((await inj('POST', `/v1/ads/ad-groups/${bAdGroup}/${action}`)).statusCode, 404);
    assert.equal((await inj('POST', `/v1/ads/ads/${bAd}/${action}`)).statusCode, 404);
  }
  assert.equal((await inj('GET', `/v1/connections/${bConnectionId}/syncs`)).statusCode, 404);

  // Content items, their targets, conflicts and publish batches.
  const bItem = (
    await ctx.db.owner.query(
      "insert into content_items (org_id, kind, title, slug) values ($1, 'post', 'B post', 'b-post') returning id",
      [b.id],
    )
  ).rows[0].id;
  const bTarget = (
    await ctx.db.owner.query(
      "insert into content_targets (org_id, item_id, connection_id, kind, remote_id, state) values ($1, $2, $3, 'post', '7', 'conflict') returning id",
      [b.id, bItem, bConnectionId],
    )
  ).rows[0].id;
  const bConflict = (
    await ctx.db.owner.query(
      `insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version) values ($1, $2, $3, '[{"field":"title","base":"a","hub":"b","remote":"c"}]', '{}', 1) returning id`,
      [b.id, bItem, bTarget],
    )
  ).rows[0].id;
  const bBatch = (
    await ctx.db.owner.query(
      "insert into publish_batches (org_id, status, total) values ($1, 'completed', 1) returning id",
      [b.id],
    )
  ).rows[0].id;
  await ctx.db.owner.query(
    "insert into content_media (org_id, sha256, filename, content_type, bytes) values ($1, $2, 'b.png', 'image/png', '\\x00')",
    [b.id, 'f'.repeat(64)],
  );
  assert.equal((await inj('GET', '/v1/content')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/content/${bItem}`)).statusCode, 404);
  assert.equal((await inj('PATCH', `/v1/content/${bItem}`, { title: 'x' })).statusCode, 404);
  assert.equal(
    (
      await inj('POST', '/v1/content', {
        title: 'A post',
        body_html: '<p>a</p>',
        featured_media: { sha256: 'f'.repeat(64) },
      })
    ).statusCode,
    400,
    "B's image is unknown to A",
  );
  assert.equal(
    (await inj('POST', '/v1/content/media', { data_base64: 'AA==', filename: 'a.png', content_type: 'image/png' }))
      .statusCode,
    201,
  );
  assert.equal(
    (await inj('POST', '/v1/publish', { item_ids: [bItem], connection_ids: [bConnectionId] })).statusCode,
    404,
  );
  assert.equal((await inj('GET', '/v1/publish')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/publish/${bBatch}`)).statusCode, 404);
  assert.equal((await inj('POST', `/v1/publish/${bBatch}/rollback`)).statusCode, 404);
  assert.equal((await inj('GET', '/v1/conflicts')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/conflicts/${bConflict}`)).statusCode, 404);
  assert.equal((await inj('POST', `/v1/conflicts/${bConflict}/resolve`, { strategy: 'hub_wins' })).statusCode, 404);
  assert.equal(
    (await ctx.db.owner.query('select status from content_conflicts where id = $1', [bConflict])).rows[0].status,
    'open',
  );
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/conflicts?status=open', headers: auth(b.key) })).json().data
      .length,
    1,
    'B sees its own',
  );

  // Audit trail, retention settings and erasure: B's stay B's.
  assert.ok(
    (await inj('GET', '/v1/audit?limit=200'))
      .json()
      .data.every((e: { actor: { id: string | null } }) => e.actor.id !== bKeyId),
  );
  assert.ok(
    (await ctx.app.inject({ method: 'GET', url: '/v1/audit', headers: auth(b.key) }))
      .json()
      .data.some((e: { action: string }) => e.action === 'connect_session.create'),
    'B sees its own',
  );
  assert.equal((await inj('PATCH', '/v1/org/retention', { webhook_payloads: 2 })).statusCode, 200);
  assert.deepEqual(
    (await ctx.app.inject({ method: 'GET', url: '/v1/org/retention', headers: auth(b.key) })).json().overrides,
    {},
  );
  assert.equal((await inj('DELETE', `/v1/org?confirm=${b.id}`)).statusCode, 400);
  assert.equal((await ctx.db.owner.query('select count(*)::int as n from orgs where id = $1', [b.id])).rows[0].n, 1);
  // The operations log and connection diagnostics.
  const bOp = (
    await ctx.db.owner.query(
      "insert into operations (org_id, id, type, connection_id, status, started_at, trace_id) values ($1, gen_random_uuid(), 'sync', $2, 'failed', now(), 'x') returning id",
      [b.id, bConnectionId],
    )
  ).rows[0].id;
  await ctx.db.owner.query(
    "insert into operation_messages (org_id, operation_id, seq, at, level, kind, message) values ($1, $2, 1, now(), 'info', 'log', 'b message')",
    [b.id, bOp],
  );
  assert.equal((await inj('GET', '/v1/operations')).json().data.length, 0);
  assert.equal((await inj('GET', '/v1/operations?q=b%20message')).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/operations/${bOp}`)).statusCode, 404);
  assert.equal((await inj('GET', `/v1/operations/${bOp}/stream`)).statusCode, 404);
  assert.equal((await inj('GET', `/v1/connections/${bConnectionId}/diagnostics`)).statusCode, 404);
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/operations?q=b%20message', headers: auth(b.key) })).json().data
      .length,
    1,
    'B sees its own',
  );

  // Every /v1 route in the app is covered above or is org-independent.
  const covered = new Set([
    '/v1/org',
    '/v1/api-keys',
    '/v1/api-keys/:id',
    '/v1/dead-letters',
    '/v1/dead-letters/:id',
    '/v1/dead-letters/:id/replay',
    '/v1/providers',
    '/v1/connect-sessions',
    '/v1/connect-sessions/:id',
    '/v1/connections',
    '/v1/connections/:id',
    '/v1/connections/:id/refresh',
    '/v1/webhooks/inbound',
    '/v1/webhooks/inbound/:id',
    '/v1/connections/:id/webhook-secret',
    // covered route by route in test/e2e/webhooks-outbound.test.ts
    '/v1/webhook-endpoints',
    '/v1/webhook-endpoints/:id',
    '/v1/webhook-endpoints/:id/rotate-secret',
    '/v1/webhook-endpoints/:id/deliveries',
    '/v1/webhook-endpoints/:id/test',
    '/v1/webhook-deliveries/:id',
    '/v1/webhook-deliveries/:id/redeliver',
    '/v1/ads/accounts',
    '/v1/ads/campaigns',
    '/v1/ads/ad-groups',
    '/v1/ads/ads',
    '/v1/ads/metrics',
    '/v1/ads/metrics/revisions',
    '/v1/connections/:id/syncs',
    '/v1/ads/campaigns/:id',
    '/v1/ads/campaigns/:id/pause',
    '/v1/ads/campaigns/:id/resume',
    '/v1/ads/ad-groups/:id/pause',
    '/v1/ads/ad-groups/:id/resume',
    '/v1/ads/ads/:id/pause',
    '/v1/ads/ads/:id/resume',
    '/v1/content',
    '/v1/content/:id',
    '/v1/content/media',
    '/v1/publish',
    '/v1/publish/:id',
    '/v1/publish/:id/rollback',
    '/v1/conflicts',
    '/v1/conflicts/:id',
    '/v1/conflicts/:id/resolve',
    '/v1/audit',
    '/v1/org/retention',
    '/v1/operations',
    '/v1/operations/:id',
    '/v1/operations/:id/stream',
    '/v1/connections/:id/diagnostics',
  ]);
  // The portal's reads and its sessions.
  const since = 'since=2026-01-01&until=2026-01-31';
  assert.equal((await inj('GET', `/v1/ads/campaigns/${bCampaign}/metrics?${since}`)).statusCode, 404);
  assert.equal((await inj('GET', `/v1/ads/campaigns/${bCampaign}/metrics/revisions?date=2026-01-02`)).statusCode, 404);
  assert.equal((await inj('GET', `/v1/content/targets?item_ids=${bItem}`)).json().data.length, 0);
  assert.equal((await inj('GET', `/v1/conflicts/${bConflict}/body-blocks`)).statusCode, 404);
  assert.equal((await inj('GET', '/v1/sync-runs')).json().data.length, 0);
  const bPortal = (
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/portal-sessions',
      headers: auth(b.key),
      payload: { mode: 'read_only' },
    })
  ).json<{ id: string }>().id;
  assert.equal((await inj('DELETE', `/v1/portal-sessions/${bPortal}`)).statusCode, 404);
  assert.equal((await inj('GET', '/v1/portal-session')).statusCode, 403, 'an API key has no portal session to read');
  assert.notEqual((await inj('GET', '/v1/org/portal')).json().display_name, 'B portal');
  await ctx.app.inject({
    method: 'PATCH',
    url: '/v1/org/portal',
    headers: auth(b.key),
    payload: { display_name: 'B portal' },
  });
  assert.notEqual((await inj('GET', '/v1/org/portal')).json().display_name, 'B portal', "B's portal settings stay B's");
  assert.equal((await inj('PATCH', '/v1/org/portal', { display_name: 'A portal' })).statusCode, 200);
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: '/v1/org/portal', headers: auth(b.key) })).json().display_name,
    'B portal',
    "A's settings change only A's",
  );
  for (const r of [
    '/v1/ads/campaigns/:id/metrics',
    '/v1/ads/campaigns/:id/metrics/revisions',
    '/v1/content/targets',
    '/v1/conflicts/:id/body-blocks',
    '/v1/sync-runs',
    '/v1/portal-sessions',
    '/v1/portal-sessions/:id',
    '/v1/portal-session',
    '/v1/org/portal',
  ])
    covered.add(r);
  const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, unknown>;
  }>();
  const v1 = Object.keys(doc.paths)
    .map((p) => p.replaceAll('{id}', ':id'))
    .filter((r) => r.startsWith('/v1/') && !r.startsWith('/v1/admin'));
  assert.ok(v1.length >= covered.size, `found routes: ${v1.join(', ')}`);
  for (const r of v1) assert.ok(covered.has(r), `route ${r} needs a cross-org test`);
});
