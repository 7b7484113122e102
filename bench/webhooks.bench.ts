/**
 * bench/webhooks: signed Shopify webhooks driven at a Plexus API process by wrk (maximum
 * rate) and autocannon (latency at half that rate), and in the same run the baseline: a bare
 * Fastify route doing one durable INSERT per request into the same PostgreSQL. Prints accepted
 * events/s, the ratio to the baseline (target >= 1.5), p50/p99 at half load (target p99 < 25
 * ms) and how fast a worker process then processes the inbox. wrk comes from Debian and is
 * installed here if missing.
 */
import { execFileSync, execSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { schemeFor } from '../src/providers/kit/webhook-schemes/index.ts';
import { createOrg } from '../src/tenancy/orgs.ts';
import { keyringFromEnv } from '../src/vault/keyring.ts';
import { seedConnection } from '../test/helpers/connections.ts';
import { exited, spawnTs } from '../test/helpers/process.ts';
import { benchDatabase, median } from './harness.ts';

const SECRET = 'bench-shopify-secret';
const SHOP = 'bench.myshopify.com';
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
// Platforms deliver many webhooks at once: 64 concurrent senders for the maximum rate; the
// half-load latency run is open-loop (a fixed rate), where fewer connections suffice.
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const HALF_LOAD_CONNECTIONS = Number(process.env.BENCH_HALF_CONNECTIONS ?? 16);

function ensureWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') return; // wrk prints its version with exit code 1
    console.log('installing wrk (Debian package)…');
    execSync('apt-get install -y wrk || (apt-get update && apt-get install -y wrk)', { stdio: 'inherit' });
  }
}

const raw = Buffer.from(JSON.stringify({ id: 123456, title: 'Bench article', body_html: '<p>hello</p>'.repeat(20) }));
const sig = schemeFor('hmac-sha256-base64').sign(
  { rawBody: raw, secret: SECRET, nowMs: Date.now() },
  { signatureHeader: 'x-shopify-hmac-sha256' },
).headers['x-shopify-hmac-sha256']!;

/** A wrk script: the same signed body, a unique X-Shopify-Webhook-Id per request (Shopify signs only the body). */
function wrkScript(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plexus-wrk-'));
  const file = path.join(dir, 'shopify.lua');
  writeFileSync(
    file,
    `local counter = 0
local prefix = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.body = ${JSON.stringify(raw.toString('utf8'))}
wrk.headers["content-type"] = "application/json"
wrk.headers["x-shopify-topic"] = "articles/update"
wrk.headers["x-shopify-shop-domain"] = "${SHOP}"
wrk.headers["x-shopify-hmac-sha256"] = "${sig}"
function setup(thread) thread:set("tid", tostring(math.random(1, 1e9))) end
request = function()
  counter = counter + 1
  wrk.headers["x-shopify-webhook-id"] = prefix .. "-" .. tid .. "-" .. counter
  return wrk.format()
end
`,
  );
  return file;
}

function runWrk(url: string, script: string): { rps: number; non2xx: number } {
  const out = execFileSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}s`, '-s', script, url], {
    encoding: 'utf8',
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  return { rps: total ? rps * (1 - non2xx / total) : 0, non2xx };
}

async function halfLoad(url: string, rate: number) {
  let n = 0;
  const r = await autocannon({
    url,
    connections: HALF_LOAD_CONNECTIONS,
    duration: DURATION,
    overallRate: Math.max(1, Math.floor(rate)),
    requests: [
      {
        method: 'POST',
        body: raw,
        setupRequest: (req) => ({
          ...req,
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'articles/update',
            'x-shopify-shop-domain': SHOP,
            'x-shopify-hmac-sha256': sig,
            'x-shopify-webhook-id': `half-${process.pid}-${Date.now()}-${n++}`,
          },
        }),
      },
    ],
  });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, non2xx: r.non2xx, errors: r.errors };
}

ensureWrk();
const masterKey = Buffer.alloc(32, 5).toString('base64');
const db = await benchDatabase('webhooks', 8);
const procs: ReturnType<typeof spawnTs>[] = [];
try {
  const { org } = await createOrg(db.owner, 'bench');
  const conn = await seedConnection(
    db,
    keyringFromEnv(masterKey),
    org.id,
    'shopify',
    { kind: 'oauth2', accessToken: 'x' },
    { externalId: SHOP },
  );
  await db.owner.query('update connections set account_refs = array[$2] where id = $1', [conn, SHOP]);

  const plexus = spawnTs(
    'src/main.ts',
    {
      DATABASE_URL: db.ownerUrl,
      PLEXUS_MASTER_KEY: masterKey,
      PORT: '0',
      LOG_LEVEL: 'warn',
      PLEXUS_SHOPIFY_CLIENT_ID: 'bench',
      PLEXUS_SHOPIFY_CLIENT_SECRET: SECRET,
      PLEXUS_API_RATE_LIMIT: '100000000',
    },
    ['api'],
  );
  const baseline = spawnTs('bench/baseline-server.ts', { BENCH_DB_URL: db.ownerUrl });
  procs.push(plexus, baseline);
  const urlOf = async (p: ReturnType<typeof spawnTs>, re: RegExp) => {
    for (let i = 0; i < 600; i++) {
      const m = re.exec(p.output());
      if (m) return m[1]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not start: ${p.output()}`);
  };
  const plexusUrl = `${await urlOf(plexus, /Plexus is running at (\S+)/)}/webhooks/shopify`;
  const baselineUrl = `${await urlOf(baseline, /baseline listening at (\S+)/)}/ingest`;
  const script = wrkScript();

  // Warm both up, then alternate so neither always runs on a colder or busier machine.
  runWrk(plexusUrl, script);
  runWrk(baselineUrl, script);
  const p: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 2; round++) {
    if (round % 2 === 0) {
      b.push(runWrk(baselineUrl, script).rps);
      p.push(runWrk(plexusUrl, script).rps);
    } else {
      p.push(runWrk(plexusUrl, script).rps);
      b.push(runWrk(baselineUrl, script).rps);
    }
  }
  const pMax = median(p);
  const bMax = median(b);
  const half = await halfLoad(plexusUrl, pMax / 2);
  const baseHalf = await halfLoad(baselineUrl, bMax / 2);

  // Processing: one worker process drains the inbox the load filled.
  const { rows: before } = await db.owner.query<{ n: number }>(
    "select count(*)::int as n from webhook_inbox where status = 'received'",
  );
  const t0 = performance.now();
  const worker = spawnTs(
    'src/main.ts',
    { DATABASE_URL: db.ownerUrl, PLEXUS_MASTER_KEY: masterKey, LOG_LEVEL: 'warn', PLEXUS_WORKER_CONCURRENCY: '16' },
    ['worker'],
  );
  procs.push(worker);
  const budget = Date.now() + 240_000;
  let left = before[0]!.n;
  while (left > 0 && Date.now() < budget) {
    await new Promise((r) => setTimeout(r, 250));
    left = (
      await db.owner.query<{ n: number }>("select count(*)::int as n from webhook_inbox where status = 'received'")
    ).rows[0]!.n;
  }
  const processed = before[0]!.n - left;
  const processedPerSec = processed / ((performance.now() - t0) / 1000);

  console.log(
    `bench/webhooks: signed Shopify webhooks, wrk -t2 -c${CONNECTIONS} -d${DURATION}s, 2 alternating rounds (median)`,
  );
  console.log(`  plexus accepted events/s: ${pMax.toFixed(0)}   (${p.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(
    `  baseline (one durable INSERT per request) req/s: ${bMax.toFixed(0)}   (${b.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(`  ratio plexus/baseline: ${(pMax / bMax).toFixed(2)} (target >= 1.5)`);
  console.log(
    `  at half load (${(pMax / 2).toFixed(0)}/s, autocannon, ${HALF_LOAD_CONNECTIONS} connections): p50 ${half.p50} ms, p99 ${half.p99} ms (target p99 < 25 ms), non-2xx ${half.non2xx}, errors ${half.errors}`,
  );
  console.log(
    `  baseline at its half load (${(bMax / 2).toFixed(0)}/s): p50 ${baseHalf.p50} ms, p99 ${baseHalf.p99} ms`,
  );
  console.log(
    `  processed events/s (1 worker process, concurrency 16): ${processedPerSec.toFixed(0)} (${processed} events${left ? `, ${left} left after the time budget` : ''})`,
  );
} finally {
  for (const pr of procs) pr.kill('SIGTERM');
  await Promise.all(procs.map(exited));
  await db.close();
}
