/**
 * Route-wide cross-tenant test. Two orgs hold real data of every kind; with org A's key, every
 * operation in /openapi.json is called with each of org B's ids in every path position and in
 * every id-shaped body field. No answer may be a 2xx that carries B's data (any B id or B's
 * marker text), and every row of B, in every table with an `org_id`, must be byte-for-byte the
 * same afterwards. An operation that is not listed here (as tenant-scoped, or as not taking an
 * org key with the reason) fails the test, so a new route cannot skip it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordDeadLetter } from '../../src/jobs/dead-letter.ts';
import { auth, createTestContext, newOrg, TEST_ADMIN_TOKEN, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

/** Operations that do not act on an org's data through an org key, and why. */
const NOT_TENANT: Record<string, string> = {
  'GET /v1/providers': 'the platform catalogue, the same for every org',
  'POST /v1/admin/orgs': "admin token, not an org key (called below with A's key: refused)",
  'GET /connect/{token}': "the end user's connect page: the session token is the credential",
  'POST /connect/{token}/authorize': 'connect page, session token',
  'POST /connect/{token}/credentials': 'connect page, session token',
  'GET /oauth/callback/{provider}': 'OAuth callback: the single-use state is the credential',
  'POST /webhooks/{provider}': 'platform ingress: signatures, routed by proven references',
  'GET /webhooks/{provider}': 'platform handshake',
  'POST /webhooks/{provider}/{connectionId}': 'platform ingress: per-connection secret',
  'GET /webhooks/{provider}/{connectionId}': 'platform handshake',
};

const MARKER = 'B-PRIVATE-MARKER';
let ctx: TestContext;
let a: { id: string; key: string };
let b: { id: string; key: string };
const bIds = new Set<string>();
let snapshot: Map<string, string>;

async function tenantTables(): Promise<string[]> {
  const { rows } = await ctx.db.owner.query<{ t: string }>(
    "select table_name as t from information_schema.columns where table_schema = 'public' and column_name = 'org_id' order by 1",
  );
  return rows.map((r) => r.t);
}

/** Every row of B, per table, as text (ordered), to compare before and after. */
async function snapshotOf(orgId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of await tenantTables()) {
    const { rows } = await ctx.db.owner.query(
      `select coalesce(string_agg(x::text, E'\\n' order by x::text), '') as s from ${t} x where org_id = $1`,
      [orgId],
    );
    out.set(t, rows[0].s);
  }
  const org = await ctx.db.owner.query('select o::text as s from orgs o where id = $1', [orgId]);
  out.set('orgs', org.rows[0].s);
  return out;
}

before(async () => {
  ctx = await createTestContext();
  a = await newOrg(ctx, 'A');
  b = await newOrg(ctx, MARKER);
  for (const o of [a, b]) {
    const mark = o === b ? MARKER : 'A';
    const h = auth(o.key);
    const conn = await seedConnection(
      ctx.db,
      ctx.keyring,
      o.id,
      'wordpress',
      { kind: 'basic', username: 'u', password: 'p' } as never,
      { config: { siteUrl: 'https://blog.example' }, externalId: `${mark}-site` },
    );
    const meta = await seedConnection(
      ctx.db,
      ctx.keyring,
      o.id,
      'meta',
      { kind: 'oauth2', accessToken: `tok-${mark}` },
      { externalId: `${mark}-act` },
    );
    await ctx.app.inject({ method: 'POST', url: `/v1/connections/${conn}/webhook-secret`, headers: h });
    const ep = await ctx.app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: h,
      payload: { url: 'http://127.0.0.1:1/hook', description: mark },
    });
    await ctx.app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${ep.json().id}/test`, headers: h });
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/connect-sessions',
      headers: h,
      payload: { provider: 'wordpress', end_user_ref: mark },
    });
    await ctx.app.inject({ method: 'POST', url: '/v1/api-keys', headers: h, payload: { name: mark } });
    await recordDeadLetter(ctx.db.owner, {
      jobId: o === b ? 992 : 991,
      task: 'noop',
      payload: { org_id: o.id },
      jobKey: null,
      queueName: null,
      attempts: 3,
      errorCode: 'internal_error',
      errorMessage: mark,
    });
    await ctx.db.owner.query(
      "insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, topic, payload) values ($1, 'wordpress', $2, $3, 'content.updated', $4)",
      [o.id, conn, `k-${mark}`, JSON.stringify({ mark })],
    );
    await ctx.db.owner.query(
      "insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, name, status, raw) values ($1, $2, 'campaign', 'c1', 'act_1', $3, 'active', '{}')",
      [o.id, meta, mark],
    );
    await ctx.db.owner.query(
      "insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, name, status, raw) values ($1, $2, 'ad_group', 'g1', 'act_1', $3, 'active', '{}')",
      [o.id, meta, mark],
    );
    await ctx.db.owner.query(
      "insert into ad_entities (org_id, connection_id, level, platform_id, account_platform_id, name, status, raw) values ($1, $2, 'ad', 'a1', 'act_1', $3, 'active', '{}')",
      [o.id, meta, mark],
    );
    await ctx.db.owner.query(
      "insert into ad_metrics_daily (org_id, connection_id, level, platform_id, date, impressions) values ($1, $2, 'ad', 'a1', '2026-01-01', 5)",
      [o.id, meta],
    );
    await ctx.db.owner.query(
      "insert into ad_metric_revisions (org_id, connection_id, level, platform_id, date, previous, current) values ($1, $2, 'ad', 'a1', '2026-01-01', '{}', '{}')",
      [o.id, meta],
    );
    const item = (
      await ctx.app.inject({
        method: 'POST',
        url: '/v1/content',
        headers: h,
        payload: { title: mark, body_html: `<p>${mark}</p>` },
      })
    ).json().id as string;
    const target = (
      await ctx.db.owner.query(
        "insert into content_targets (org_id, item_id, connection_id, kind, remote_id, state) values ($1, $2, $3, 'post', '7', 'conflict') returning id",
        [o.id, item, conn],
      )
    ).rows[0].id;
    await ctx.db.owner.query(
      `insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version) values ($1, $2, $3, '[{"field":"title","base":"a","hub":"b","remote":"c"}]', '{}', 1)`,
      [o.id, item, target],
    );
    await ctx.db.owner.query("insert into publish_batches (org_id, status, total) values ($1, 'completed', 1)", [o.id]);
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/content/media',
      headers: h,
      payload: {
        data_base64: Buffer.from(mark).toString('base64'),
        filename: `${mark}.png`,
        content_type: 'image/png',
      },
    });
  }
  // Every id B has, in any table, plus its encoded ads ids.
  for (const t of await tenantTables()) {
    const cols = (
      await ctx.db.owner.query<{ c: string }>(
        "select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 and data_type = 'uuid' and column_name <> 'org_id'",
        [t],
      )
    ).rows.map((r) => r.c);
    for (const c of cols) {
      const { rows } = await ctx.db.owner.query(
        `select distinct ${c}::text as v from ${t} where org_id = $1 and ${c} is not null`,
        [b.id],
      );
      for (const r of rows) bIds.add(r.v);
    }
  }
  const { rows: ents } = await ctx.db.owner.query(
    'select connection_id, level, platform_id from ad_entities where org_id = $1',
    [b.id],
  );
  for (const e of ents) bIds.add(Buffer.from(`${e.connection_id}|${e.level}|${e.platform_id}`).toString('base64url'));
  bIds.add(b.id);
  snapshot = await snapshotOf(b.id);
});
after(async () => ctx?.close());

/** A plausible body for the operation, with `id` in every id-shaped field. */

function bodyFor(doc: any, schema: any, id: string, depth = 0): unknown {
  const s = schema?.$ref
    ? schema.$ref
        .split('/')
        .slice(1)
        .reduce((o: any, k: string) => o?.[k], doc)
    : (schema ?? {});
  if (s.enum) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt) return bodyFor(doc, alt.find((x: any) => x.type !== 'null') ?? alt[0], id, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'array') return depth > 3 ? [] : [bodyFor(doc, s.items, id, depth + 1)];
  if (type === 'object' || s.properties) {
    if (depth > 3) return {};
    return Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([k, v]: [string, any]) => {
        const idShaped = k === 'id' || k.endsWith('_id') || k.endsWith('_ids');
        return [k, idShaped ? (k.endsWith('_ids') ? [id] : id) : bodyFor(doc, v, id, depth + 1)];
      }),
    );
  }
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  if (s.format === 'uuid') return id;
  if (s.format === 'date') return '2026-01-01';
  if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
  if (s.format === 'uri' || /url/i.test(String(s.description ?? ''))) return 'http://127.0.0.1:1/x';
  return 'x';
}

test(
  "with org A's key, no operation returns or changes org B's data, whichever of B's ids it is given",
  { timeout: 600_000 },
  async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops: { key: string; method: string; path: string; body: unknown }[] = [];
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods))
        ops.push({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          body: op.requestBody?.content?.['application/json']?.schema,
        });
    }
    let requests = 0;
    let tenantOps = 0;
    const leaks: string[] = [];
    for (const op of ops) {
      if (NOT_TENANT[op.key] && op.key !== 'POST /v1/admin/orgs') continue;
      tenantOps++;
      const candidates = op.path.includes('{') || op.body ? [...bIds] : ['-'];
      for (const id of candidates) {
        const url = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
        const withBody = op.method !== 'GET' && op.method !== 'DELETE';
        const res = await ctx.app.inject({
          method: op.method as 'GET',
          url:
            op.method === 'GET'
              ? `${url}?connection_id=${encodeURIComponent(id)}&item_id=${encodeURIComponent(id)}`
              : url,
          headers: auth(a.key),
          ...(withBody ? { payload: bodyFor(doc, op.body, id) ?? {} } : {}),
        });
        requests++;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const foreign = [...bIds].filter((x) => x !== id && res.body.includes(x));
          if (res.body.includes(MARKER) || foreign.length)
            leaks.push(`${op.key} with ${id} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
    }
    console.log(
      `cross-tenant: ${tenantOps} operations covered (${Object.keys(NOT_TENANT).length - 1} not org-scoped), ${requests} requests with B's ids, ${bIds.size} B ids`,
    );
    assert.deepEqual(leaks, []);
    const afterwards = await snapshotOf(b.id);
    for (const [t, rows] of snapshot) assert.equal(afterwards.get(t), rows, `org B's rows in ${t} changed`);
    // Admin routes refuse an org key.
    assert.notEqual(
      (await ctx.app.inject({ method: 'POST', url: '/v1/admin/orgs', headers: auth(a.key), payload: { name: 'x' } }))
        .statusCode,
      201,
    );
    assert.ok(TEST_ADMIN_TOKEN);
  },
);

test('every operation in /openapi.json is classified: tenant-scoped (exercised above) or listed with its reason', async () => {
  const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const all = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) =>
    Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`),
  );
  for (const key of Object.keys(NOT_TENANT)) assert.ok(all.includes(key), `${key} is listed but no longer exists`);
  // Everything else is tenant-scoped: it takes an org key (a request without one is refused).
  for (const key of all.filter((k) => !NOT_TENANT[k])) {
    const [method, path] = key.split(' ') as [string, string];
    const res = await ctx.app.inject({
      method: method as 'GET',
      url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
      remoteAddress: '192.0.2.44',
    });
    assert.ok(
      res.statusCode === 401 || res.statusCode === 429,
      `${key} answers ${res.statusCode} without an org key: list it in NOT_TENANT with a reason, or give it a cross-tenant case`,
    );
  }
});
