import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './schema.ts';

test('defaults need no configuration', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.port, 3000);
  assert.ok(c.dataDir.endsWith('.plexus'));
});

test('every bad variable is reported at once, without echoing values', () => {
  try {
    loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url', PLEXUS_ADMIN_TOKEN: 'short-secret' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const names = err.issues.map((i) => i.split(':')[0]);
    assert.deepEqual(names.sort(), ['DATABASE_URL', 'LOG_LEVEL', 'PLEXUS_ADMIN_TOKEN', 'PORT']);
    assert.ok(!err.message.includes('short-secret'));
  }
});

test('an external database requires a master key; empty variables count as unset', () => {
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://u@localhost/db' }), /PLEXUS_MASTER_KEY/);
  assert.equal(loadConfig({ DATABASE_URL: '', PLEXUS_MASTER_KEY: '' }).databaseUrl, undefined);
});
