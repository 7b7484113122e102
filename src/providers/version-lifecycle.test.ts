import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadProviderApps } from './apps.ts';
import { listProviders, providers } from './registry.ts';
import {
  describeVersionWarning,
  sunsetDay,
  versionStatus,
  versionStatuses,
  versionWarnings,
} from './version-lifecycle.ts';

const day = (iso: string) => new Date(`${iso}T09:30:00Z`);
const TODAY = day('2026-12-07');

test('on 2026-12-07 every pinned version is dated and served: no warnings without overrides', () => {
  for (const def of listProviders()) {
    assert.ok(def.api.lifecycle.versions[def.api.version], `${def.id} has dates for its pinned version`);
    assert.match(def.api.lifecycle.source, /^https:\/\//);
  }
  assert.deepEqual(versionWarnings(loadProviderApps({}), TODAY), []);
  const google = versionStatuses(loadProviderApps({}), TODAY).find((s) => s.provider === 'google-ads')!;
  assert.equal(google.version, 'v26');
  assert.equal(google.state, 'current');
});

test('the versions Plexus pinned before are past their sunset today (Google v22, LinkedIn 202511, Meta v24.0, Shopify 2025-10)', () => {
  const cases = [
    ['google-ads', 'v22', -61],
    ['linkedin', '202511', -21],
    ['meta', 'v24.0', -27],
    ['shopify', '2025-10', -67],
  ] as const;
  for (const [id, version, days] of cases) {
    const s = versionStatus(providers[id], version, TODAY);
    assert.equal(s.state, 'sunset_passed', id);
    assert.equal(s.days_to_sunset, days, id);
    assert.equal(s.overridden, true);
  }
});

test('within 90 days of the sunset warns, 91 days does not; the sunset day itself counts as passed', () => {
  const shopify = providers.shopify; // 2026-10: sunset 2027-10-01
  assert.equal(versionStatus(shopify, '2026-10', day('2027-07-02')).state, 'current'); // 91 days
  const soon = versionStatus(shopify, '2026-10', day('2027-07-03'));
  assert.deepEqual([soon.state, soon.days_to_sunset], ['sunset_soon', 90]);
  assert.equal(versionStatus(shopify, '2026-10', day('2027-09-30')).days_to_sunset, 1);
  assert.equal(versionStatus(shopify, '2026-10', day('2027-10-01')).state, 'sunset_passed');
  assert.match(
    describeVersionWarning(soon),
    /shopify API version 2026-10 reaches its sunset 2027-10-01 in 90 days; upgrade Plexus or set PLEXUS_SHOPIFY_VERSION/,
  );
});

test('a month-only (projected) sunset counts from the first of the month', () => {
  assert.equal(sunsetDay('2027-11'), Date.UTC(2027, 10, 1));
  const s = versionStatus(providers['google-ads'], 'v26', day('2027-08-03')); // 90 days before 2027-11-01
  assert.deepEqual([s.state, s.tentative, s.days_to_sunset], ['sunset_soon', true, 90]);
  assert.match(describeVersionWarning(s), /projected sunset 2027-11/);
});

test('an override names the configured version; one without dates is reported as unknown', () => {
  const apps = loadProviderApps({ PLEXUS_LINKEDIN_VERSION: '202511', PLEXUS_X_VERSION: '13' });
  const warnings = versionWarnings(apps, TODAY);
  assert.deepEqual(
    warnings.map((w) => [w.provider, w.version, w.state]),
    [
      ['linkedin', '202511', 'sunset_passed'],
      ['x', '13', 'unknown'],
    ],
  );
  assert.match(
    describeVersionWarning(warnings[0]!),
    /linkedin API version 202511 passed its sunset 2026-11-16; move to 202607/,
  );
});

test('every provider has its facts page in docs/platforms, which names its pinned version', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const def of listProviders()) {
    const path = new URL(`../../docs/platforms/${def.id}.md`, import.meta.url);
    assert.ok(existsSync(path), `docs/platforms/${def.id}.md`);
    const text = await readFile(path, 'utf8');
    if (def.api.version !== 'per-api')
      assert.ok(text.includes(def.api.version), `${def.id}.md names ${def.api.version}`);
  }
});
