import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withConnection } from '../../src/connections/access.ts';
import { testClock } from '../helpers/clock.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import { loadProviderApps } from '../../src/providers/apps.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { apiCall, apiUrl } from '../../src/providers/kit/api-call.ts';
import { linkedinAdsSync } from '../../src/providers/linkedin/sync.ts';
import { sandbox as linkedinSandbox, type LinkedInRunningSandbox } from '../../src/providers/linkedin/sandbox.ts';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../src/providers/meta/sandbox.ts';
import { logVersionWarnings } from '../../src/observability/version-sunset.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { auth, captureLogger, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

// The day this was written: LinkedIn 202511 passed its sunset on 2026-11-16, Google v22 on
// 2026-10-07, Meta's Marketing API v24.0 on 2026-11-10.
const clock = testClock(new Date('2026-12-07T12:00:00Z'));
let li: LinkedInRunningSandbox;
let google: GoogleAdsRunningSandbox;
let meta: MetaRunningSandbox;
let ctx: TestContext;
let env: Record<string, string>;
let org: { id: string; key: string };

before(async () => {
  [li, google, meta] = await Promise.all([
    linkedinSandbox.start({ seed: 7, size: 200 }),
    googleSandbox.start({ seed: 7, size: 200 }),
    metaSandbox.start({ seed: 7, size: 200 }),
  ]);
  env = {
    PLEXUS_LINKEDIN_CLIENT_ID: li.clientId,
    PLEXUS_LINKEDIN_CLIENT_SECRET: li.clientSecret,
    PLEXUS_LINKEDIN_BASE_URL: li.url,
    PLEXUS_LINKEDIN_VERSION: '202511',
    PLEXUS_GOOGLE_ADS_CLIENT_ID: google.clientId,
    PLEXUS_GOOGLE_ADS_CLIENT_SECRET: google.clientSecret,
    PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: google.developerToken,
    PLEXUS_GOOGLE_ADS_BASE_URL: google.url,
    PLEXUS_GOOGLE_ADS_VERSION: 'v22',
    PLEXUS_META_CLIENT_ID: meta.appId,
    PLEXUS_META_CLIENT_SECRET: meta.appSecret,
    PLEXUS_META_BASE_URL: meta.url,
    PLEXUS_META_VERSION: 'v24.0',
  };
  ctx = await createTestContext({ env, clock });
  org = await newOrg(ctx);
});
after(async () => {
  await ctx.close();
  await Promise.all([li.close(), google.close(), meta.close()]);
});

const deps = () => ({ ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log });
const in1Day = () => new Date(Date.now() + 86_400_000);

test('configured versions past their sunset are warned about at start, in /healthz, in GET /v1/providers and as a metric', async () => {
  const { log, lines } = captureLogger('info');
  assert.equal(logVersionWarnings(log, ctx.providers.apps, clock), 3);
  const warned = lines.map((l) => JSON.parse(l) as { level: number; provider: string; msg: string });
  assert.deepEqual(
    warned.map((w) => [w.level, w.provider]),
    [
      [40, 'meta'],
      [40, 'google-ads'],
      [40, 'linkedin'],
    ],
  );
  assert.match(warned[2]!.msg, /linkedin API version 202511 passed its sunset 2026-11-16; move to 202607/);

  const health = await ctx.app.inject({ method: 'GET', url: '/healthz' });
  const provider_versions = health.json().provider_versions as {
    ok: boolean;
    warnings: { provider: string; version: string; state: string; days_to_sunset: number }[];
  };
  assert.equal(provider_versions.ok, false);
  assert.deepEqual(
    provider_versions.warnings.map((w) => [w.provider, w.version, w.state, w.days_to_sunset]),
    [
      ['meta', 'v24.0', 'sunset_passed', -27],
      ['google-ads', 'v22', 'sunset_passed', -61],
      ['linkedin', '202511', 'sunset_passed', -21],
    ],
  );

  const list = await ctx.app.inject({ method: 'GET', url: '/v1/providers', headers: auth(org.key) });
  assert.equal(list.statusCode, 200);
  const byId = new Map(
    (
      list.json().data as {
        id: string;
        api_version: string;
        version_lifecycle: { state: string; sunset: string | null; pinned_version: string };
      }[]
    ).map((p) => [p.id, p]),
  );
  assert.deepEqual(
    [
      byId.get('linkedin')!.api_version,
      byId.get('linkedin')!.version_lifecycle.state,
      byId.get('linkedin')!.version_lifecycle.pinned_version,
    ],
    ['202511', 'sunset_passed', '202607'],
  );
  assert.deepEqual(
    [
      byId.get('shopify')!.api_version,
      byId.get('shopify')!.version_lifecycle.state,
      byId.get('shopify')!.version_lifecycle.sunset,
    ],
    ['2026-10', 'current', '2027-10-01'],
  );

  const metrics = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(
    metrics,
    /plexus_provider_version_sunset_days\{provider="linkedin",version="202511",state="sunset_passed"\} -21/,
  );
  assert.match(
    metrics,
    /plexus_provider_version_sunset_days\{provider="shopify",version="2026-10",state="current"\} 298/,
  );
});

test('90 days before the pinned Shopify version ends, the fixed clock turns its warning on', async () => {
  const later = testClock(new Date('2027-07-03T00:00:00Z'));
  const c2 = await createTestContext({ clock: later });
  const shopify = async () => {
    const health = (await c2.app.inject({ method: 'GET', url: '/healthz' })).json().provider_versions as {
      warnings: { provider: string; state: string; days_to_sunset: number }[];
    };
    return health.warnings.filter((w) => w.provider === 'shopify').map((w) => [w.state, w.days_to_sunset]);
  };
  try {
    assert.deepEqual(await shopify(), [['sunset_soon', 90]]);
    later.set(new Date('2027-07-02T00:00:00Z'));
    assert.deepEqual(await shopify(), []);
    // Nothing else warns in December 2026 on the pinned versions.
    later.set(new Date('2026-12-07T00:00:00Z'));
    assert.deepEqual((await c2.app.inject({ method: 'GET', url: '/healthz' })).json().provider_versions, {
      ok: true,
      warnings: [],
    });
  } finally {
    await c2.close();
  }
});

test('LinkedIn answers a sunset LinkedIn-Version with 426: the sync fails as provider.version_sunset, shown on the connection, cleared by the next good call', async () => {
  const conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'linkedin',
    { kind: 'oauth2', accessToken: li.mintToken() },
    { externalId: String(li.world().accounts[0]!.id), expiresAt: in1Day() },
  );
  await assert.rejects(
    runAdsSync(deps(), org.id, conn, linkedinAdsSync, 'test', { historyDays: 3 }),
    (err) => isPlexusError(err) && err.code === 'provider.version_sunset' && err.retry === 'permanent',
  );
  const run = (await ctx.db.owner.query('select status, error from sync_runs where connection_id = $1', [conn]))
    .rows[0];
  assert.equal(run.status, 'failed');
  const shown = (
    await ctx.app.inject({ method: 'GET', url: `/v1/connections/${conn}`, headers: auth(org.key) })
  ).json();
  assert.equal(shown.status, 'active');
  assert.deepEqual(
    { ...shown.api_version_error, message: undefined },
    { code: 'provider.version_sunset', version: '202511', seen_at: '2026-12-07T12:00:00.000Z', message: undefined },
  );
  assert.match(shown.api_version_error.message, /202511 is not active/);

  // The operator drops the override: the pinned 202607 is served and the next sync clears the error.
  const current = { ...deps(), apps: loadProviderApps({ ...env, PLEXUS_LINKEDIN_VERSION: '' }) };
  await runAdsSync(current, org.id, conn, linkedinAdsSync, 'test', { historyDays: 3 });
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: `/v1/connections/${conn}`, headers: auth(org.key) })).json()
      .api_version_error,
    null,
  );
});

test('Google answers a sunset major version with UNSUPPORTED_VERSION and Meta an expired Marketing API version with #2635: both are provider.version_sunset', async () => {
  const t = google.mintToken({ offline: true, ttlSeconds: 3600 });
  const g = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    { expiresAt: in1Day() },
  );
  const gErr = await withConnection(deps(), org.id, g, (a) =>
    apiCall(a.connector, a.ctx, a.creds, { method: 'GET', url: apiUrl(a.ctx, '/customers:listAccessibleCustomers') }),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isPlexusError(gErr) && gErr.code === 'provider.version_sunset', String(gErr));
  assert.equal(
    (await ctx.db.owner.query('select api_version_error from connections where id = $1', [g])).rows[0].api_version_error
      .version,
    'v22',
  );

  const account = meta.world().accounts[0]!;
  const m = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: meta.mintToken() },
    { expiresAt: in1Day() },
  );
  const campaigns = (a: Parameters<Parameters<typeof withConnection>[3]>[0]) =>
    apiCall(a.connector, a.ctx, a.creds, {
      method: 'GET',
      url: apiUrl(a.ctx, `/${account.id}/campaigns?fields=id,name`),
    });
  const mErr = await withConnection(deps(), org.id, m, campaigns).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isPlexusError(mErr) && mErr.code === 'provider.version_sunset', String(mErr));
  assert.match(mErr.message, /#2635/);
  // The Graph API itself (not ads) still answers under v24.0, as Meta's does.
  await withConnection(deps(), org.id, m, (a) =>
    apiCall(a.connector, a.ctx, a.creds, { method: 'GET', url: apiUrl(a.ctx, '/me?fields=id') }),
  );
  // On the pinned versions both work.
  const pinned = {
    ...deps(),
    apps: loadProviderApps({ ...env, PLEXUS_GOOGLE_ADS_VERSION: '', PLEXUS_META_VERSION: '' }),
  };
  await withConnection(pinned, org.id, g, (a) =>
    apiCall(a.connector, a.ctx, a.creds, { method: 'GET', url: apiUrl(a.ctx, '/customers:listAccessibleCustomers') }),
  );
  await withConnection(pinned, org.id, m, campaigns);
});
