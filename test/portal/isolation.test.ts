import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { openPortalSession } from '../helpers/portal.ts';

// Every API call the portal's pages make, made with a portal session's cookie: against another
// org's ids (never found), from a read-only session (never allowed), and without the CSRF
// token (never allowed). Real HTTP, real cookies.
let ctx: TestContext;
let base: string;
type Ids = { conn: string; deadLetter: string; operation: string; endpoint: string; delivery: string; inbound: string };
const ids: Record<'a' | 'b', Ids> = {} as never;
const orgs: Record<'a' | 'b', { id: string; key: string }> = {} as never;

async function seedOrg(name: string): Promise<[{ id: string; key: string }, Ids]> {
  const org = await newOrg(ctx, name);
  const conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: `tok-${name}` },
    { externalId: `acct-${name}` },
  );
  const q = (sql: string, p: unknown[]) => ctx.db.owner.query(sql, p).then((r) => r.rows[0]);
  const deadLetter = (
    await q(
      `insert into dead_letters (org_id, job_id, task, payload, attempts, error_code, error_message) values ($1, $2, 'sync_connection', $3, 25, 'x', 'y') returning id`,
      [org.id, Math.floor(Math.random() * 1e9), { org_id: org.id, connection_id: conn, reason: 'schedule' }],
    )
  ).id;
  const operation = randomUUID();
  await q(
    `insert into operations (org_id, id, type, connection_id, provider, status, started_at) values ($1, $2, 'sync', $3, 'meta', 'success', now())`,
    [org.id, operation, conn],
  );
  await q(
    `insert into sync_runs (org_id, connection_id, reason, status, finished_at) values ($1, $2, 'schedule', 'completed', now())`,
    [org.id, conn],
  );
  const inbound = (
    await q(
      `insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, payload) values ($1, 'meta', $2, $3, '{}') returning id`,
      [org.id, conn, randomUUID()],
    )
  ).id;
  const h = { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' };
  const endpoint = (
    (await (
      await fetch(`${base}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ url: 'http://127.0.0.1:9/x' }),
      })
    ).json()) as { id: string }
  ).id;
  const delivery = (
    (await (
      await fetch(`${base}/v1/webhook-endpoints/${endpoint}/test`, {
        method: 'POST',
        headers: { authorization: h.authorization },
      })
    ).json()) as { id: string }
  ).id;
  return [org, { conn, deadLetter, operation, endpoint, delivery, inbound }];
}

async function cookieSession(key: string, mode: 'manage' | 'read_only') {
  const s = await openPortalSession(base, key, { mode });
  const res = await fetch(s.url, { redirect: 'manual' });
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  const me = (await (await fetch(`${base}/v1/portal-session`, { headers: { cookie } })).json()) as {
    csrf_token: string;
  };
  return { cookie, csrf: me.csrf_token };
}

before(async () => {
  ctx = await createTestContext();
  base = await ctx.listen();
  [orgs.a, ids.a] = await seedOrg('A');
  [orgs.b, ids.b] = await seedOrg('B');
});
after(async () => ctx?.close());

/** The reads of the portal's pages, by the ids they take. */
const reads = (i: Ids): string[] => [
  `/v1/connections/${i.conn}`,
  `/v1/connections/${i.conn}/diagnostics`,
  `/v1/connections/${i.conn}/syncs?job_id=1`,
  `/v1/operations/${i.operation}`,
  `/v1/operations/${i.operation}/stream`,
  `/v1/dead-letters/${i.deadLetter}`,
  `/v1/webhook-endpoints/${i.endpoint}`,
  `/v1/webhook-endpoints/${i.endpoint}/deliveries`,
  `/v1/webhook-deliveries/${i.delivery}`,
  `/v1/webhooks/inbound/${i.inbound}`,
];

/** The writes of the portal's pages (method, path, body). */
const writes = (i: Ids): Array<[string, string, unknown?]> => [
  ['POST', `/v1/connections/${i.conn}/syncs`],
  ['PATCH', `/v1/connections/${i.conn}`, { sync_interval_minutes: 5 }],
  ['DELETE', `/v1/connections/${i.conn}`],
  ['POST', '/v1/connect-sessions', { provider: 'meta', connection_id: i.conn }],
  ['POST', `/v1/dead-letters/${i.deadLetter}/replay`],
  ['POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/y' }],
  ['POST', `/v1/webhook-endpoints/${i.endpoint}/test`],
  ['POST', `/v1/webhook-endpoints/${i.endpoint}/rotate-secret`],
  ['POST', `/v1/webhook-deliveries/${i.delivery}/redeliver`],
];

const send = (s: { cookie: string; csrf?: string }, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: s.cookie,
      ...(s.csrf ? { 'x-csrf-token': s.csrf } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

test('org A’s portal session reads its own objects and never org B’s', async () => {
  const a = await cookieSession(orgs.a.key, 'manage');
  for (const path of reads(ids.a)) {
    const res = await send(a, 'GET', path);
    assert.equal(res.status, 200, `own ${path}`);
    await res.body?.cancel();
  }
  for (const path of reads(ids.b)) {
    const res = await send(a, 'GET', path);
    assert.equal(res.status, 404, `B's ${path}`);
    assert.equal(await codeOf(res), 'not_found');
  }
  // Lists are A's only, filtered by B's connection or not.
  for (const path of [
    '/v1/connections',
    '/v1/dead-letters',
    '/v1/operations',
    '/v1/sync-runs',
    '/v1/webhook-endpoints',
    '/v1/webhooks/inbound',
    '/v1/audit',
  ]) {
    const body = JSON.stringify(await (await send(a, 'GET', path)).json());
    for (const id of Object.values(ids.b)) assert.ok(!body.includes(id), `${path} shows nothing of B`);
    assert.ok(Object.values(ids.a).some((id) => body.includes(id)) || path === '/v1/audit', `${path} shows A's`);
  }
  for (const path of [
    `/v1/operations?connection_id=${ids.b.conn}`,
    `/v1/sync-runs?connection_id=${ids.b.conn}`,
    `/v1/webhooks/inbound?connection_id=${ids.b.conn}`,
  ]) {
    assert.deepEqual(((await (await send(a, 'GET', path)).json()) as { data: unknown[] }).data, [], path);
  }
});

test('org A’s portal session cannot act on org B’s objects', async () => {
  const a = await cookieSession(orgs.a.key, 'manage');
  for (const [method, path, body] of writes(ids.b)) {
    if (path === '/v1/webhook-endpoints') continue; // creates in A's own org: nothing of B's to name
    const res = await send(a, method, path, body);
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  const b = (
    await ctx.db.owner.query('select status, sync_interval_minutes from connections where id = $1', [ids.b.conn])
  ).rows[0];
  assert.deepEqual(b, { status: 'active', sync_interval_minutes: null });
  assert.equal(
    (await ctx.db.owner.query('select replayed_at from dead_letters where id = $1', [ids.b.deadLetter])).rows[0]
      .replayed_at,
    null,
  );
});

test('a read-only session changes nothing: every write is 403', async () => {
  const ro = await cookieSession(orgs.a.key, 'read_only');
  const auditBefore = (
    await ctx.db.owner.query('select count(*)::int as n from audit_log where org_id = $1', [orgs.a.id])
  ).rows[0].n;
  for (const [method, path, body] of writes(ids.a)) {
    const res = await send(ro, method, path, body);
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal(await codeOf(res), 'portal_read_only', `${method} ${path}`);
  }
  assert.equal(
    (await ctx.db.owner.query('select count(*)::int as n from audit_log where org_id = $1', [orgs.a.id])).rows[0].n,
    auditBefore,
  );
  const conn = (
    await ctx.db.owner.query('select status, sync_interval_minutes from connections where id = $1', [ids.a.conn])
  ).rows[0];
  assert.deepEqual(conn, { status: 'active', sync_interval_minutes: null });
  assert.equal(
    (await ctx.db.owner.query('select count(*)::int as n from webhook_endpoints where org_id = $1', [orgs.a.id]))
      .rows[0].n,
    1,
  );
});

test('a write without the CSRF token is 403 csrf_failed, for every write', async () => {
  const m = await cookieSession(orgs.a.key, 'manage');
  for (const [method, path, body] of writes(ids.a)) {
    const res = await send({ cookie: m.cookie }, method, path, body);
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal(await codeOf(res), 'csrf_failed', `${method} ${path}`);
  }
  assert.equal(
    (await ctx.db.owner.query('select status from connections where id = $1', [ids.a.conn])).rows[0].status,
    'active',
  );
});
