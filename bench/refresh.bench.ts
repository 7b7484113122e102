/**
 * bench/refresh: the cluster scenario (4 worker processes, 1,000 connections expiring within
 * a minute, refresh tokens rotated by the sandbox, three refresh jobs per connection). Prints
 * refreshes/s and duplicate refreshes (must be 0), and as a baseline in the same run, bare
 * refresh-grant HTTP calls to the same sandbox at the same total concurrency, with no lease,
 * no database and no sealing.
 */
import { sandbox as googleSandbox, type GoogleAdsSandboxOptions } from '../src/providers/google-ads/sandbox.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { runRefreshCluster } from '../test/helpers/refresh-cluster.ts';
import { benchDatabase } from './harness.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 4);

async function bareBaseline(): Promise<number> {
  const opts: GoogleAdsSandboxOptions = { seed: 9, size: 10, rotateRefreshTokens: true };
  const sb = await googleSandbox.start(opts);
  try {
    const tokens = Array.from(
      { length: CONNECTIONS },
      () => sb.mintToken({ offline: true, ttlSeconds: 30 }).refreshToken!,
    );
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: PROCESSES * 8 }, async () => {
        while (next < tokens.length) {
          const rt = tokens[next++]!;
          const res = await fetch(`${sb.url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'refresh_token',
              refresh_token: rt,
              client_id: sb.clientId,
              client_secret: sb.clientSecret,
            }),
          });
          if (res.status !== 200) throw new Error(`baseline refresh failed: ${res.status}`);
          await res.arrayBuffer();
        }
      }),
    );
    return CONNECTIONS / ((performance.now() - t0) / 1000);
  } finally {
    await sb.close();
  }
}

const masterKey = Buffer.alloc(32, 3).toString('base64');
const db = await benchDatabase('refresh', 16);
try {
  const baseline = await bareBaseline();
  const r = await runRefreshCluster({
    db,
    keyring: keyringFromEnv(masterKey),
    masterKey,
    connections: CONNECTIONS,
    processes: PROCESSES,
  });
  console.log(`bench/refresh: ${r.connections} connections, ${r.processes} worker processes, 3 refresh jobs each`);
  console.log(
    `  plexus: ${r.refreshed} refreshed in ${r.seconds.toFixed(2)} s = ${r.refreshesPerSecond.toFixed(0)} refreshes/s`,
  );
  console.log(
    `  platform refresh calls: ${r.platformRefreshes}, duplicate refreshes: ${r.duplicates} (must be 0), unhealthy connections: ${r.unhealthy}`,
  );
  console.log(
    `  baseline (bare refresh HTTP calls, ${PROCESSES * 8} concurrent, no DB): ${baseline.toFixed(0)} refreshes/s`,
  );
  console.log(`  ratio plexus/baseline: ${(r.refreshesPerSecond / baseline).toFixed(2)}`);
  process.exitCode = r.duplicates === 0 && r.unhealthy === 0 && r.refreshed === r.connections ? 0 : 1;
} finally {
  await db.close();
}
