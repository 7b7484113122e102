/**
 * bench/sync: a full Meta sync of about 1,000,000 daily metric rows spread over three years of
 * history (the sandbox runs in its own process) into the unified model; then 1% of the rows
 * change at the platform (recent days restated, a few campaigns, ad sets and ads edited or
 * deleted) and an incremental re-sync runs: the look-back window's metrics and only the
 * entities changed since the last run. In the same run, the raw rate of batched 100-row
 * INSERTs of the same rows into the same PostgreSQL. Prints rows/s and the ratio to that
 * baseline (target >= 0.5), peak RSS of this process (target < 512 MB) and the incremental
 * speed-up (target >= 20x).
 */
import { createLogger } from '../src/core/logger.ts';
import { createProviderRuntime } from '../src/providers/runtime.ts';
import { metaAdsSync } from '../src/providers/meta/sync.ts';
import { runAdsSync } from '../src/sync/ads/engine.ts';
import { recorderFor } from '../src/operations/recorder.ts';
import { withOperation } from '../src/operations/run.ts';
import { systemClock } from '../src/core/clock.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { seedConnection } from '../test/helpers/connections.ts';
import { exited, spawnTs } from '../test/helpers/process.ts';
import { benchDatabase } from './harness.ts';

const SIZE = Number(process.env.BENCH_ROWS ?? 1_000_000);
// Three years: an account's insights are kept for about 37 months (ads.md §1.5).
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 1095);
const CHANGED_SHARE = 0.01;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

// Report jobs take 2 s on the platform's side, polled or not.
const sbProc = spawnTs('bench/meta-sandbox-process.ts', {
  SANDBOX_SIZE: String(SIZE),
  SANDBOX_HISTORY_DAYS: String(HISTORY_DAYS),
  SANDBOX_ASYNC_REPORT_MS: '2000',
});
const info = await (async () => {
  for (let i = 0; i < 600; i++) {
    const line = sbProc
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'));
    if (line)
      return JSON.parse(line) as {
        url: string;
        appId: string;
        appSecret: string;
        userId: string;
        token: string;
        counts: { metricRows: number; ads: number; days: number };
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sandbox did not start: ${sbProc.output()}`);
})();
/** The sandbox's control API, as a person editing in the platform's UI. */
async function control(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${info.url}/__sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const masterKey = Buffer.alloc(32, 9).toString('base64');
const keyring = keyringFromEnv(masterKey);
const db = await benchDatabase('sync', 12);
const rt = createProviderRuntime(systemClock, {
  PLEXUS_META_CLIENT_ID: info.appId,
  PLEXUS_META_CLIENT_SECRET: info.appSecret,
  PLEXUS_META_BASE_URL: info.url,
});
try {
  const { org } = await createOrg(db.owner, 'bench');
  const conn = await seedConnection(
    db,
    keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: info.token },
    { externalId: info.userId },
  );
  const deps = { ...rt, db, keyring, log: createLogger({ level: 'warn' }) };

  const t0 = performance.now();
  // Each sync runs as an operation, as the job runner runs it: every platform call is recorded.
  const recorder = recorderFor(db.owner);
  const asOperation = <T>(fn: () => Promise<T>) =>
    withOperation(recorder, { orgId: org.id, type: 'sync', connectionId: conn, actor: 'bench' }, fn);
  const full = await asOperation(() =>
    runAdsSync(deps, org.id, conn, metaAdsSync, 'bench', { historyDays: HISTORY_DAYS }),
  );
  const fullS = (performance.now() - t0) / 1000;
  const metricRows = (await db.owner.query<{ n: number }>('select count(*)::int as n from ad_metrics_daily')).rows[0]!
    .n;

  // 1% of the rows change at the platform: the most recent days are restated (every ad's row on
  // those days), and a few entities are edited or deleted as someone would in Ads Manager.
  const restateDays = Math.max(1, Math.round((CHANGED_SHARE * metricRows) / info.counts.ads));
  const restated = (await control('/remote/restate', { days: restateDays })) as { dates: string[] };
  const pick = async (level: string, n: number) =>
    (
      await db.owner.query<{ platform_id: string }>(
        "select platform_id from ad_entities where level = $1 and status <> 'deleted' order by platform_id limit $2",
        [level, n],
      )
    ).rows.map((r) => r.platform_id);
  const [campaigns, adSets, ads] = [await pick('campaign', 5), await pick('ad_group', 5), await pick('ad', 10)];
  for (const id of ads) await control('/remote/edit', { id, patch: { name: `Edited ad ${id}` } });
  for (const id of adSets) await control('/remote/edit', { id, patch: { status: 'PAUSED' } });
  for (const id of campaigns.slice(0, 3))
    await control('/remote/edit', { id, patch: { name: `Edited campaign ${id}` } });
  for (const id of campaigns.slice(3)) await control('/remote/delete', { id });
  const edits = ads.length + adSets.length + campaigns.length;

  const t1 = performance.now();
  const inc = await asOperation(() => runAdsSync(deps, org.id, conn, metaAdsSync, 'bench-incremental'));
  const incS = (performance.now() - t1) / 1000;
  const incEntities = (
    await db.owner.query<{ n: number }>('select count(*)::int as n from ad_entities where seen_run_id = $1', [
      inc.runId,
    ])
  ).rows[0]!.n;
  const deletedSeen = (
    await db.owner.query<{ n: number }>(
      "select count(*)::int as n from ad_entities where level = 'campaign' and status = 'deleted' and platform_id = any($1)",
      [campaigns.slice(3)],
    )
  ).rows[0]!.n;

  // Memory is judged on the sync alone; the baseline below holds all rows in memory on purpose.
  const syncPeakRss = peakRss;
  // Baseline: the same rows, in 100-row multi-row INSERTs, one connection, into a plain table.
  await db.owner.query('create table bench_metrics (like ad_metrics_daily including defaults)');
  const { rows } = await db.owner.query(
    'select org_id, connection_id, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency from ad_metrics_daily',
  );
  const b0 = performance.now();
  const client = await db.owner.connect();
  try {
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      const values: unknown[] = [];
      const tuples = chunk.map((r, j) => {
        values.push(
          r.org_id,
          r.connection_id,
          r.level,
          r.platform_id,
          r.date,
          r.impressions,
          r.clicks,
          r.spend_micros,
          r.conversions,
          r.currency,
        );
        const o = j * 10;
        return `($${o + 1},$${o + 2},$${o + 3},$${o + 4},$${o + 5},$${o + 6},$${o + 7},$${o + 8},$${o + 9},$${o + 10})`;
      });
      await client.query(
        `insert into bench_metrics (org_id, connection_id, level, platform_id, date, impressions, clicks, spend_micros, conversions, currency) values ${tuples.join(',')}`,
        values,
      );
    }
  } finally {
    client.release();
  }
  const baseS = (performance.now() - b0) / 1000;
  const syncRate = metricRows / fullS;
  const baseRate = rows.length / baseS;
  const speedup = fullS / incS;
  console.log(
    `bench/sync: Meta sandbox, ${info.counts.metricRows} metric rows seeded (${info.counts.ads} ads over ${info.counts.days} days), insights pages of 1,000, next page fetched while the current one is written`,
  );
  console.log(
    `  full sync (history backfill through async report jobs, every entity listed): ${metricRows} metric rows (+ entities) in ${fullS.toFixed(1)} s = ${syncRate.toFixed(0)} rows/s (${full.pages} pages)`,
  );
  console.log(`  baseline: batched 100-row INSERTs of the same rows: ${baseRate.toFixed(0)} rows/s`);
  console.log(`  ratio sync/baseline: ${(syncRate / baseRate).toFixed(2)} (target >= 0.5)`);
  console.log(
    `  peak RSS of this process during the syncs: ${(syncPeakRss / 1024 / 1024).toFixed(0)} MB (target < 512 MB; the sandbox runs in its own process)`,
  );
  console.log(
    `  changed at the platform: ${restated.dates.length} days restated (${restated.dates.length * info.counts.ads} metric rows, ${((100 * restated.dates.length * info.counts.ads) / metricRows).toFixed(1)}%), ${edits} entities edited or deleted`,
  );
  console.log(
    `  incremental re-sync (${metaAdsSync.lookbackDays}-day look-back read synchronously, entities listed: ${inc.listing === 'changed' ? 'changed only' : 'all'}): ${inc.records} records (${incEntities} entities), ${inc.pages} pages, ${inc.revisions} metric revisions, ${deletedSeen} of ${campaigns.length - 3} deleted campaigns marked deleted`,
  );
  console.log(
    `  incremental: ${incS.toFixed(2)} s vs full ${fullS.toFixed(1)} s = ${speedup.toFixed(1)}x faster (target >= 20x)`,
  );
  await recorder.flush();
  const logged = (
    await db.owner.query<{ n: number }>("select count(*)::int as n from operation_messages where kind = 'http'")
  ).rows[0]!.n;
  console.log(
    `  operations log: 2 operations, ${logged} platform calls recorded (buffered, batched inserts during the syncs)`,
  );
} finally {
  clearInterval(sampler);
  sbProc.kill('SIGTERM');
  await exited(sbProc);
  await rt.close();
  await db.close();
}
