/**
 * Org erasure: connections revoked at the platform, every row of the org gone from every table
 * (found in the catalog, so a table added later is covered), its key destroyed first so a copy
 * of a sealed secret taken before cannot be opened after, and the erasure kept in the audit
 * trail without personal data. Another org is untouched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { googleAdsSync } from '../../src/providers/google-ads/sync.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import { openCredentials, type EncryptedCredentials } from '../../src/vault/credentials.ts';
import { keyringFromEnv } from '../../src/vault/keyring.ts';
import { withOrgKeys } from '../../src/vault/org-keys.ts';
import { auth, createTestContext, newOrg, TEST_ADMIN_TOKEN, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { JOBS } from '../helpers/jobs.ts';

let ctx: TestContext;
let google: GoogleAdsRunningSandbox;
before(async () => {
  google = await googleSandbox.start({ seed: 43, size: 200 });
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: google.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: google.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: google.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: google.url,
    },
  });
});
after(async () => {
  await ctx?.close();
  await google?.close();
});

const NAME = 'Acme Personal Data Ltd';
const END_USER = 'jane.doe@example.com';

/** An org with data in most tables, made through the API where there is one. */
async function populatedOrg(name: string) {
  const org = await newOrg(ctx, name);
  const call = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await ctx.app.inject({ method, url, headers: auth(org.key), payload });
    assert.ok(res.statusCode < 300, res.body);
    return res.json();
  };
  const t = google.mintToken({ offline: true, ttlSeconds: 3600 });
  const conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000), externalId: google.accounts().managerId },
  );
  await ctx.db.owner.query('update connections set end_user_ref = $3 where org_id = $1 and id = $2', [
    org.id,
    conn,
    END_USER,
  ]);
  await runAdsSync(
    { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log },
    org.id,
    conn,
    googleAdsSync,
    'test',
    { historyDays: 2 },
  );
  await call('PATCH', '/v1/org/retention', { webhook_payloads: 10 });
  await call('POST', '/v1/api-keys', { name: 'second' });
  await call('POST', '/v1/connect-sessions', { provider: 'google-ads', end_user_ref: END_USER });
  await call('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' });
  await call('POST', '/v1/content', {
    external_id: 'x1',
    kind: 'post',
    title: `${name} news`,
    slug: 'news',
    body_html: '<p>Hi</p>',
  });
  await ctx.db.owner.query(
    "insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, payload, status) values ($1, 'google-ads', $2, 'd1', '{}', 'processed')",
    [org.id, conn],
  );
  await ctx.db.owner.query(
    "select graphile_worker.add_job('sync_connection', json_build_object('org_id', $1::text, 'connection_id', $2::text, 'reason', 'test'), run_at => now() + interval '1 hour')",
    [org.id, conn],
  );
  return { ...org, conn };
}

/** Rows of the org in every table with an org_id (any schema), plus the org itself and its jobs. */
async function rowsOf(orgId: string): Promise<Record<string, number>> {
  const { rows: tables } = await ctx.db.owner.query<{ schema: string; name: string }>(
    `select c.table_schema as schema, c.table_name as name from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
     where c.column_name = 'org_id' and c.table_schema not in ('pg_catalog', 'information_schema')`,
  );
  assert.ok(tables.length >= 20, `the catalog lists the org tables (${tables.length})`);
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await ctx.db.owner.query(
      `select count(*)::int as n from "${t.schema}"."${t.name}" where org_id = $1`,
      [orgId],
    );
    out[`${t.schema}.${t.name}`] = rows[0].n;
  }
  out['public.orgs'] = (
    await ctx.db.owner.query('select count(*)::int as n from orgs where id = $1', [orgId])
  ).rows[0].n;
  out['graphile_worker.jobs'] = (
    await ctx.db.owner.query(`select count(*)::int as n from ${JOBS} j where j.payload ->> 'org_id' = $1`, [orgId])
  ).rows[0].n;
  return out;
}
const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const nonZero = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([, n]) => n > 0));

test(
  'DELETE /v1/org erases every row of the org, revokes at the platform, and shreds its secrets',
  { timeout: 120_000 },
  async () => {
    const doomed = await populatedOrg(NAME);
    const kept = await populatedOrg('Kept Org');
    const keptBefore = await rowsOf(kept.id);
    const before = await rowsOf(doomed.id);
    assert.ok(
      Object.keys(nonZero(before)).length >= 12,
      `the org has rows in many tables: ${JSON.stringify(nonZero(before))}`,
    );

    // A copy of a sealed secret, as a backup or replica holds it; it opens now.
    const { rows } = await ctx.db.owner.query<{ credentials: EncryptedCredentials }>(
      'select credentials from connections where org_id = $1 and id = $2',
      [doomed.id, doomed.conn],
    );
    const copy = rows[0]!.credentials;
    assert.ok(copy.kid.startsWith('org:'), 'wrapped by the org key');
    assert.ok((await openCredentials(ctx.keyring, doomed.id, doomed.conn, copy)).accessToken);
    const { rows: keyRows } = await ctx.db.owner.query('select * from org_keys where org_id = $1', [doomed.id]);
    assert.equal(keyRows.length, 1);

    const wrong = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/org?confirm=${kept.id}`,
      headers: auth(doomed.key),
    });
    assert.equal(wrong.statusCode, 400, 'confirm must name this org');
    assert.equal(
      (await ctx.app.inject({ method: 'DELETE', url: '/v1/org', headers: auth(doomed.key) })).statusCode,
      400,
    );
    assert.equal(total(await rowsOf(doomed.id)), total(before), 'a refused erasure touches nothing');

    const res = await ctx.app.inject({
      method: 'DELETE',
      url: `/v1/org?confirm=${doomed.id}`,
      headers: auth(doomed.key),
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual([body.erased, body.connections_revoked], [true, 1]);
    assert.ok(body.rows_deleted >= total(before) - 1, `${body.rows_deleted} rows deleted`);

    // Revoked at the platform.
    assert.ok(
      google.requests.entries().some((r) => r.method === 'POST' && r.path.endsWith('/revoke')),
      'the grant was revoked at Google',
    );
    // No row of the org anywhere; the other org untouched.
    assert.deepEqual(nonZero(await rowsOf(doomed.id)), {});
    assert.deepEqual(await rowsOf(kept.id), keptBefore);
    // The copy taken before no longer opens: not with this process's keyring, nor a fresh one.
    const shredded = (e: unknown) => isPlexusError(e) && e.code === 'vault_open_failed';
    await assert.rejects(openCredentials(ctx.keyring, doomed.id, doomed.conn, copy), shredded);
    await assert.rejects(
      openCredentials(withOrgKeys(keyringFromEnv(ctx.config.masterKey!), ctx.db.owner), doomed.id, doomed.conn, copy),
      shredded,
    );
    await assert.rejects(
      openCredentials(keyringFromEnv(ctx.config.masterKey!), doomed.id, doomed.conn, copy),
      shredded,
    );
    // Nor does restoring the org key row's absence change: the kept org's secrets still open.
    const { rows: keptRows } = await ctx.db.owner.query(
      'select credentials from connections where org_id = $1 and id = $2',
      [kept.id, kept.conn],
    );
    assert.ok((await openCredentials(ctx.keyring, kept.id, kept.conn, keptRows[0].credentials)).accessToken);

    // The key no longer works.
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(doomed.key) })).statusCode, 401);

    // The erasure is in the audit trail (the system's, under the nil org), with ids and counts only.
    const { rows: trail } = await ctx.db.owner.query(
      "select * from audit_log where action = 'org.erase' and target_id = $1",
      [doomed.id],
    );
    assert.equal(trail.length, 1);
    assert.equal(trail[0].org_id, '00000000-0000-0000-0000-000000000000');
    assert.equal(trail[0].actor_type, 'api_key');
    const text = JSON.stringify(trail[0]);
    for (const personal of [NAME, END_USER, doomed.conn, doomed.key.slice(0, 20)])
      assert.ok(!text.includes(personal), `the record holds ${personal}`);
    // Anywhere in the database, the org's id survives only in that record.
    const { rows: all } = await ctx.db.owner.query<{ schema: string; name: string }>(
      "select table_schema as schema, table_name as name from information_schema.tables where table_schema in ('public', 'graphile_worker') and table_type = 'BASE TABLE'",
    );
    const mentions: string[] = [];
    for (const t of all) {
      const { rows: hits } = await ctx.db.owner.query(
        `select count(*)::int as n from "${t.schema}"."${t.name}" x where x::text like $1`,
        [`%${doomed.id}%`],
      );
      if (hits[0].n) mentions.push(`${t.name}:${hits[0].n}`);
    }
    assert.deepEqual(mentions, ['audit_log:1']);
  },
);

test('the admin route erases an org by id; unknown orgs are 404, and it needs the admin token', async () => {
  const org = await newOrg(ctx, 'Admin erased');
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  assert.equal((await ctx.app.inject({ method: 'DELETE', url: `/v1/admin/orgs/${org.id}` })).statusCode, 401);
  assert.equal(
    (await ctx.app.inject({ method: 'DELETE', url: `/v1/admin/orgs/${org.id}`, headers: auth(org.key) })).statusCode,
    403,
  );
  const res = await ctx.app.inject({ method: 'DELETE', url: `/v1/admin/orgs/${org.id}`, headers: admin });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(nonZero(await rowsOf(org.id)), {});
  const { rows } = await ctx.db.owner.query(
    "select actor_type from audit_log where action = 'org.erase' and target_id = $1",
    [org.id],
  );
  assert.deepEqual(rows, [{ actor_type: 'admin' }]);
  const again = await ctx.app.inject({ method: 'DELETE', url: `/v1/admin/orgs/${org.id}`, headers: admin });
  assert.equal(again.statusCode, 404);
  assert.equal(again.json().error.code, 'not_found');
  assert.equal(
    (await ctx.app.inject({ method: 'DELETE', url: '/v1/admin/orgs/not-a-uuid', headers: admin })).statusCode,
    400,
  );
});
