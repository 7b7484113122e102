import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isPlexusError } from '../core/errors.ts';
import { open, rewrap, seal, type SealedSecret } from './cipher.ts';
import { openCredentials, sealCredentials } from './credentials.ts';
import { FileKeyring, keyringFromEnv } from './keyring.ts';
import { rotateKeys } from './rotate.ts';
import { withOrgKeys } from './org-keys.ts';
import { createTestContext, newOrg, type TestContext } from '../../test/helpers/app.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const ctxA = {
  orgId: '11111111-1111-1111-1111-111111111111',
  table: 'connections',
  rowId: 'aaaaaaaa-0000-0000-0000-000000000001',
  column: 'credentials',
};

const failsToOpen = (fn: () => Promise<unknown>, code = 'vault_open_failed') =>
  assert.rejects(fn, (e: unknown) => isPlexusError(e) && e.code === code);

test('seal and open round trip; ciphertext does not contain the plaintext', async () => {
  const kr = keyringFromEnv(k1);
  const s = await seal(kr, 'super-secret-token-value', ctxA);
  assert.equal(await open(kr, s, ctxA), 'super-secret-token-value');
  assert.ok(!JSON.stringify(s).includes('super-secret'));
  const s2 = await seal(kr, 'super-secret-token-value', ctxA);
  assert.notEqual(s.ct, s2.ct, 'fresh data key and iv every time');
  assert.notEqual(s.wk, s2.wk);
});

test('tampered ciphertext, tag, iv or wrapped key fails to open', async () => {
  const kr = keyringFromEnv(k1);
  const s = await seal(kr, 'secret', ctxA);
  const flip = (b64: string) => {
    const b = Buffer.from(b64, 'base64');
    b[0] = b[0]! ^ 1;
    return b.toString('base64');
  };
  for (const field of ['ct', 'tag', 'iv', 'wk'] as const) {
    await failsToOpen(() => open(kr, { ...s, [field]: flip(s[field]) }, ctxA));
  }
  await failsToOpen(() => open(kr, { ...s, tag: '' }, ctxA));
});

test('a ciphertext bound to one org or row does not open in another', async () => {
  const kr = keyringFromEnv(k1);
  const s = await seal(kr, 'secret', ctxA);
  await failsToOpen(() => open(kr, s, { ...ctxA, orgId: '22222222-2222-2222-2222-222222222222' }));
  await failsToOpen(() => open(kr, s, { ...ctxA, rowId: 'aaaaaaaa-0000-0000-0000-000000000002' }));
  await failsToOpen(() => open(kr, s, { ...ctxA, column: 'other' }));
});

test('the wrong master key fails; an unknown key id is a distinct error', async () => {
  const s = await seal(keyringFromEnv(`main:${k1}`), 'secret', ctxA);
  await failsToOpen(() => open(keyringFromEnv(`main:${k2}`), s, ctxA));
  await failsToOpen(() => open(keyringFromEnv(`other:${k1}`), s, ctxA), 'vault_unknown_key');
});

test('rewrap moves the data key to the new primary and keeps the body', async () => {
  const old = keyringFromEnv(`old:${k1}`);
  const s = await seal(old, 'secret', ctxA);
  const both = keyringFromEnv(`new:${k2},old:${k1}`);
  const r = await rewrap(both, s, ctxA);
  assert.equal(r.kid, 'new');
  assert.equal(r.ct, s.ct);
  assert.equal(await open(keyringFromEnv(`new:${k2}`), r, ctxA), 'secret');
  await failsToOpen(() => open(old, r, ctxA), 'vault_unknown_key');
});

test('a bad PLEXUS_MASTER_KEY is refused', () => {
  assert.throws(() => keyringFromEnv('short'), /32 bytes/);
  assert.throws(() => keyringFromEnv(' , '), /empty/);
});

test('demo key file is created with mode 0600 and picks up a new primary', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plexus-keys-'));
  try {
    const kr = await FileKeyring.open(dir);
    const file = path.join(dir, 'master-keys.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const first = kr.primaryId();
    const s = await seal(kr, 'secret', ctxA);
    const other = await FileKeyring.open(dir);
    assert.equal(other.primaryId(), first, 'second open reuses the key');
    const newKid = await other.addPrimary();
    assert.notEqual(newKid, first);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    // The first instance sees the new key when it meets its id.
    const s2 = await seal(other, 'secret2', ctxA);
    assert.equal(await open(kr, s2, ctxA), 'secret2');
    assert.equal(await open(other, s, ctxA), 'secret');
    assert.ok(!(await readFile(file, 'utf8')).includes('secret'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

async function insertConnection(
  keyring: ReturnType<typeof keyringFromEnv>,
  orgId: string,
  token: string,
): Promise<string> {
  const { rows } = await ctx.db.owner.query(
    "insert into connections (org_id, provider) values ($1, 'meta') returning id",
    [orgId],
  );
  const id = rows[0].id as string;
  const sealed = await sealCredentials(keyring, orgId, id, {
    kind: 'oauth2',
    accessToken: token,
    refreshToken: `${token}-refresh`,
  });
  await ctx.db.owner.query(
    'update connections set credentials = $3, credentials_key_id = $4 where org_id = $1 and id = $2',
    [orgId, id, sealed, sealed.kid],
  );
  return id;
}

test('a sealed credential copied into another row does not open', async () => {
  const kr = keyringFromEnv(k1);
  const org = await newOrg(ctx);
  const c1 = await insertConnection(kr, org.id, 'tok-one');
  const c2 = await insertConnection(kr, org.id, 'tok-two');
  await ctx.db.owner.query(
    'update connections set credentials = (select credentials from connections where id = $1) where id = $2',
    [c1, c2],
  );
  const { rows } = await ctx.db.owner.query('select credentials from connections where id = $1', [c2]);
  await failsToOpen(() => openCredentials(kr, org.id, c2, rows[0].credentials as SealedSecret));
});

test('key rotation re-wraps every row while the old key still opens nothing new', async () => {
  const org = await newOrg(ctx);
  const oldKr = keyringFromEnv(`old:${k1}`);
  const ids: string[] = [];
  for (let i = 0; i < 450; i++) ids.push(await insertConnection(oldKr, org.id, `tok-${i}`));
  // Also k1 under its derived id, which other tests in this file sealed with.
  const newKr = keyringFromEnv(`new:${k2},old:${k1},${k1}`);
  const result = await rotateKeys(ctx.db.owner, newKr, 100);
  assert.ok(result.rewrapped >= 450);
  // The row that holds another row's ciphertext is reported, not silently skipped or fatal.
  assert.equal(result.unreadable.length, 1);
  assert.equal(result.unreadable[0]!.reason, 'vault_open_failed');
  assert.equal(result.remaining, 1);
  const onlyNew = keyringFromEnv(`new:${k2}`);
  const { rows } = await ctx.db.owner.query(
    'select id, credentials, credentials_key_id from connections where org_id = $1',
    [org.id],
  );
  assert.equal(rows.length, 450);
  for (const r of rows) {
    assert.equal(r.credentials_key_id, 'new');
    const creds = await openCredentials(onlyNew, org.id, r.id, r.credentials);
    assert.match(creds.accessToken!, /^tok-\d+$/);
  }
  const again = await rotateKeys(ctx.db.owner, newKr);
  assert.equal(again.rewrapped, 0, 'a second rotation has nothing to do');
  assert.equal(again.unreadable.length, 1);
});

test('no plaintext secret appears in any table or log line', async () => {
  const marker = `plaintext-marker-${randomBytes(8).toString('hex')}`;
  const org = await newOrg(ctx);
  await insertConnection(keyringFromEnv(k1), org.id, marker);
  // Exercise the API with the org key, and log an object that carries secrets, as code might.
  await ctx.app.inject({
    method: 'GET',
    url: '/v1/org',
    headers: { authorization: `Bearer ${org.key}`, cookie: `session=${marker}` },
  });
  await ctx.app.inject({ method: 'GET', url: '/v1/nope', headers: { authorization: `Bearer ${org.key}` } });
  ctx.log.info(
    {
      req: { headers: { authorization: `Bearer ${marker}` } },
      connection: {
        credentials: { access_token: marker },
        nested: { deeper: { refresh_token: marker, password: marker } },
      },
    },
    'debug dump',
  );
  ctx.log.flush?.();

  const { rows: tables } = await ctx.db.owner.query(
    "select table_schema, table_name from information_schema.tables where table_schema in ('public', 'graphile_worker') and table_type = 'BASE TABLE'",
  );
  assert.ok(tables.length > 5);
  const keySecret = org.key.slice(37);
  for (const t of tables) {
    const { rows } = await ctx.db.owner.query(`select t::text as row from ${t.table_schema}.${t.table_name} t`);
    for (const r of rows) {
      assert.ok(!r.row.includes(marker), `${t.table_name} holds the plaintext credential`);
      assert.ok(!r.row.includes(keySecret), `${t.table_name} holds an API key in clear`);
    }
  }
  assert.ok(ctx.logLines.length > 0);
  for (const line of ctx.logLines) {
    assert.ok(!line.includes(marker), `log line leaks a secret: ${line}`);
    assert.ok(!line.includes(keySecret), `log line leaks an API key: ${line}`);
  }
  assert.ok(ctx.logLines.some((l) => l.includes('debug dump') && l.includes('[redacted]')));
});

test('with org keys: secrets are wrapped by their org key; rotation re-wraps org keys and moves legacy secrets under them', async () => {
  const org = await newOrg(ctx, 'Org keys');
  const current = ctx.config.masterKey!;
  const legacy = await insertConnection(keyringFromEnv(current), org.id, 'tok-legacy');
  const modern = await insertConnection(ctx.keyring, org.id, 'tok-modern');
  const read = async (id: string) =>
    (await ctx.db.owner.query('select credentials, credentials_key_id from connections where id = $1', [id])).rows[0];
  const before = await read(modern);
  assert.match(before.credentials_key_id, /^org:/);
  assert.doesNotMatch((await read(legacy)).credentials_key_id, /^org:/);
  // Another org's key does not open this org's secret.
  const other = await newOrg(ctx, 'Other org');
  await failsToOpen(() => openCredentials(ctx.keyring, other.id, modern, before.credentials));

  const rotated = withOrgKeys(keyringFromEnv(`next:${k2},${current}`), ctx.db.owner);
  const r = await rotateKeys(ctx.db.owner, rotated, 50);
  assert.deepEqual(
    r.unreadable.filter((u) => u.org_id === org.id),
    [],
  );
  const { rows } = await ctx.db.owner.query('select master_key_id from org_keys where org_id = $1', [org.id]);
  assert.deepEqual(rows, [{ master_key_id: 'next' }]);
  assert.deepEqual(await read(modern), before, 'a master-key rotation leaves secrets under org keys untouched');
  assert.equal(
    (await read(legacy)).credentials_key_id,
    before.credentials_key_id,
    'the legacy secret now sits under its org key',
  );
  // The old master key can go: both open with the new one alone.
  const onlyNext = withOrgKeys(keyringFromEnv(`next:${k2}`), ctx.db.owner);
  assert.equal(
    (await openCredentials(onlyNext, org.id, legacy, (await read(legacy)).credentials)).accessToken,
    'tok-legacy',
  );
  assert.equal((await openCredentials(onlyNext, org.id, modern, before.credentials)).accessToken, 'tok-modern');
});
