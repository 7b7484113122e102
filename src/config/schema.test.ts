import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, engineSettings, loadConfig } from './schema.ts';

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

test('settings the engine reads deep down go through the schema too: every bad one at once, empty is unset', () => {
  try {
    loadConfig({
      PORT: '99999',
      PLEXUS_MASTER_KEY: 'not-a-key-at-all',
      PLEXUS_SYNC_INTERVAL_MINUTES: '6o',
      PLEXUS_CREATE_SETTLE_MS: '-5',
      PLEXUS_DEMO: 'yes',
      PLEXUS_SSRF_ALLOW_HOSTS: 'good.example, bad host/!',
      PLEXUS_WEBFLOW_REQUESTS_PER_MINUTE: 'fast',
    });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    const names = err.issues.map((i) => i.split(':')[0]).sort();
    assert.deepEqual(names, [
      'PLEXUS_CREATE_SETTLE_MS',
      'PLEXUS_DEMO',
      'PLEXUS_MASTER_KEY',
      'PLEXUS_SSRF_ALLOW_HOSTS',
      'PLEXUS_SYNC_INTERVAL_MINUTES',
      'PLEXUS_WEBFLOW_REQUESTS_PER_MINUTE',
      'PORT',
    ]);
    assert.ok(!err.message.includes('not-a-key-at-all'), 'the key is never echoed');
  }
  const c = loadConfig({
    PLEXUS_SYNC_INTERVAL_MINUTES: '',
    PLEXUS_CREATE_SETTLE_MS: '',
    PLEXUS_DEMO: '',
    PLEXUS_SSRF_ALLOW_HOSTS: '',
    PLEXUS_WIX_REQUESTS_PER_MINUTE: '',
  });
  assert.equal(
    c.engine.syncIntervalMinutes,
    360,
    'an empty interval is the default, not 0 (which turns schedules off)',
  );
  assert.equal(c.engine.createSettleMs, 40_000);
  assert.equal(c.demo, undefined);
  assert.deepEqual(c.ssrfAllowHosts, []);
  const set = loadConfig({
    PLEXUS_SYNC_INTERVAL_MINUTES: '0',
    PLEXUS_DEMO: '0',
    PLEXUS_SSRF_ALLOW_HOSTS: 'wp.local:8080, *.corp',
    PLEXUS_MASTER_KEY: `k1:${'ab'.repeat(32)}`,
  });
  assert.equal(set.engine.syncIntervalMinutes, 0);
  assert.equal(set.demo, false);
  assert.deepEqual(set.ssrfAllowHosts, ['wp.local:8080', '*.corp']);
  // Any port of a host, as the SSRF guard reads it (a worker started with it must not refuse its config).
  const anyPort = loadConfig({
    PLEXUS_SSRF_ALLOW_HOSTS: '127.0.0.1:*,localhost:*,[::1]:*,*.myshopify.com:*',
    PLEXUS_MASTER_KEY: `k1:${'ab'.repeat(32)}`,
  });
  assert.deepEqual(anyPort.ssrfAllowHosts, ['127.0.0.1:*', 'localhost:*', '[::1]:*', '*.myshopify.com:*']);
});

test('the refresh lease and settle window: defaults, a bad value refused by name, read by the engine as set', () => {
  const c = loadConfig({});
  assert.equal(c.engine.refreshLeaseMs, 60_000);
  assert.equal(c.engine.refreshSettleMs, 120_000);
  assert.throws(
    () => loadConfig({ PLEXUS_REFRESH_SETTLE_MS: 'soon' }),
    (e: unknown) => e instanceof ConfigError && e.issues.some((i) => i.startsWith('PLEXUS_REFRESH_SETTLE_MS')),
  );
  const e = engineSettings({ PLEXUS_REFRESH_LEASE_MS: '3000', PLEXUS_REFRESH_SETTLE_MS: '4000' });
  assert.equal(e.refreshLeaseMs, 3000);
  assert.equal(e.refreshSettleMs, 4000);
});
