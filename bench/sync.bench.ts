/**
 * bench/sync: a full Meta sync of about 1,000,000 daily metric rows from the sandbox (run in
 * its own process) into the unified model, then an incremental re-sync (the platform's
 * look-back window, with recent days restated), and in the same run the raw rate of batched
 * 100-row INSERTs of the same rows into the same PostgreSQL. Prints rows/s, the ratio (target
 * >= 0.5), peak RSS of this process (target < 512 MB) and the incremental speed-up.
 */
import { createLogger } from '../src/core/logger.ts';
import { createProviderRuntime } from '../src/providers/runtime.ts';
import { metaAdsSync } from '../src/providers/meta/sync.ts';
import { runAdsSync } from '../src/sync/ads/engine.ts';
import { systemClock } from '../src/core/clock.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { seedConnection } from '../test/helpers/connections.ts';
import { exited, spawnTs } from '../test/helpers/process.ts';
import { benchDatabase } from './harness.ts';

const SIZE = Number(process.env.BENCH_ROWS ?? 1_000_000);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const sbProc = spawnTs('bench/meta-sandbox-process.ts', { SANDBOX_SIZE: String(SIZE) });
const info = await (async () => {
  for (let i = 0; i < 600; i++) {
    const line = sbProc.output().split('\n').find((l) => l.startsWith('{'));
    if (line) return JSON.parse(line) as { url: string; appId: string; appSecret: string; userId: string; token: string; counts: { metricRows: number; ads: number } };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sandbox did not start: ${sbProc.output()}`);
})();
const masterKey = Buffer.alloc(32, 9).toString('base64');
const keyring = keyringFromEnv(masterKey);
const db = await benchDatabase('sync', 12);
const rt = createProviderRuntime(systemClock, { PLEXUS_META_CLIENT_ID: info.appId, PLEXUS_META_CLIENT_SECRET: info.appSecret, PLEXUS_META_BASE_URL: info.url });
try {
  const { org } = await createOrg(db.owner, 'bench');
  const conn = await seedConnection(db, keyring, org.id, 'meta', { kind: 'oauth2', accessToken: info.token }, { externalId: info.userId });
  const deps = { ...rt, db, keyring, log: createLogger({ level: 'warn' }) };

  const t0 = performance.now();
  const full = await runAdsSync(deps, org.id, conn, metaAdsSync, 'bench', { historyDays: 120 });
  const fullS = (performance.now() - t0) / 1000;
  const metricRows = (await db.owner.query<{ n: number }>('select count(*)::int as n from ad_metrics_daily')).rows[0]!.n;

  const t1 = performance.now();
  const inc = await runAdsSync(deps, org.id, conn, metaAdsSync, 'bench-incremental');
  const incS = (performance.now() - t1) / 1000;

  // Memory is judged on the sync alone; the baseline below holds all rows in memory on purpose.
  const syncPeakRss = peakRss;
  // Baseline: the same rows, in 100-row multi-row INSERTs, one connection, into a plain table.
  await db.owner.query('create table bench_metrics (like ad_metrics_daily including defaults)');
  const { rows } = await db.owner.query('select org_id, connection_id, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency from ad_metrics_daily');
  const b0 = performance.now();
  const client = await db.owner.connect();
  try {
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const values: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        values.push(r.org_id, r.connection_id, r.level, r.platform_id, r.date, r.impressions, r.clicks, r.spend_micros, r.conversions, r.currency);
        const o = j * 10;
        return `($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6},$${o + 7},$${o + 8},$${o + 9},$${o + 10})`;
      });
      await client.query(`insert into bench_metrics (org_id, connection_id, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency) values ${tuples.join(',')}`, values);
    }
  } finally {
    client.release();
  }
  const baseS = (performance.now() - b0) / 1000;
  const syncRate = metricRows / fullS;
  const baseRate = rows.length / baseS;
  console.log(`bench/sync: Meta sandbox, ${info.counts.metricRows} metric rows seeded (${info.counts.ads} ads), insights pages of 1,000, next page fetched while the current one is written`);
  console.log(`  full sync: ${metricRows} metric rows (+ entities) in ${fullS.toFixed(1)} s = ${syncRate.toFixed(0)} rows/s (${full.pages} pages)`);
  console.log(`  baseline: batched 100-row INSERTs of the same rows: ${baseRate.toFixed(0)} rows/s`);
  console.log(`  ratio sync/baseline: ${(syncRate / baseRate).toFixed(2)} (target >= 0.5)`);
  console.log(`  peak RSS of this process during the syncs: ${(syncPeakRss / 1024 / 1024).toFixed(0)} MB (target < 512 MB; the sandbox runs in its own process)`);
  console.log(`  incremental re-sync (look-back window, ${inc.records} records, ${inc.pages} pages): ${incS.toFixed(1)} s = ${(fullS / incS).toFixed(1)}x faster than the full sync`);
} finally {
  clearInterval(sampler);
  sbProc.kill('SIGTERM');
  await exited(sbProc);
  await rt.close();
  await db.close();
}
