import { buildApp } from '../api/app.ts';
import { findFreePort } from '../db/embedded.ts';
import { startWorker, type WorkerHandle } from '../jobs/runtime.ts';
import { allTasks } from '../jobs/tasks/index.ts';
import { createMetrics } from '../observability/metrics.ts';
import { startTracing } from '../observability/tracing.ts';
import { logVersionWarnings } from '../observability/version-sunset.ts';
import { loadProviderApps } from '../providers/apps.ts';
import { createProviderRuntime } from '../providers/runtime.ts';
import { countOrgs, createOrg } from '../tenancy/orgs.ts';
import { guardDatabaseRejections } from '../db/outage.ts';
import { onShutdown, openRuntime, systemClock } from './runtime.ts';

export type Role = 'all' | 'api' | 'worker';

/**
 * Runs Plexus in one role. `all` (npm start) is API + worker in one process; `api` and
 * `worker` run one role each so many of each can share one database.
 */
export async function serve(role: Role): Promise<void> {
  const t0 = Date.now();
  const { config, log, db, keyring } = await openRuntime(`plexus-${role}`);
  // A database restart must not end the process (graphile-worker and pg leave some rejections unhandled).
  guardDatabaseRejections(log);
  const metrics = createMetrics(db);
  const tracing = startTracing(process.env, `plexus-${role}`);
  // Demo mode: the one-process start on the embedded database (or PLEXUS_DEMO=1) runs the
  // platform simulators in-process for every platform without app credentials.
  const demoWanted = config.demo ?? (role === 'all' && db.embedded);
  const demo = demoWanted ? await (await import('./demo.ts')).startDemoSandboxes(loadProviderApps(), log) : undefined;
  const providers = createProviderRuntime(
    systemClock,
    { ...process.env, PLEXUS_SSRF_ALLOW_HOSTS: [...config.ssrfAllowHosts, ...(demo?.siteHosts ?? [])].join(',') },
    demo?.apps,
  );
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  // A worker alone only knows the public URL from configuration; with the API it knows its own.
  providers.callbackBaseUrl = () => (role === 'worker' ? config.publicUrl : publicUrl);
  const deps = {
    config,
    db,
    keyring,
    log,
    clock: systemClock,
    metrics,
    providers,
    ssrf: providers.ssrf,
    publicUrl: () => publicUrl,
  };
  logVersionWarnings(log, providers.apps, systemClock);
  let worker: WorkerHandle | undefined;
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  onShutdown(log, async () => {
    await app?.close();
    await worker?.stop();
    await providers.close();
    await tracing?.shutdown();
    await demo?.close();
    await db.close();
  });

  if (role !== 'api') {
    worker = await startWorker({ db, keyring, log, clock: systemClock, tasks: allTasks, ...config.worker, providers });
    log.info({ concurrency: config.worker.concurrency }, 'worker started');
  }
  if (role !== 'worker') {
    app = await buildApp(deps);
    const port = process.env.PORT ? config.port : await findFreePort(config.port, config.host);
    const address = await app.listen({ host: config.host, port });
    const url = config.publicUrl ?? address;
    publicUrl = url;
    let demoKey: string | undefined;
    // Only demo mode makes an organisation by itself: on a production database the first
    // `plexus api` must not create one and print its key to the log.
    if (demoWanted && (await countOrgs(db.owner)) === 0) {
      demoKey = (await createOrg(db.owner, 'Demo organisation')).apiKey;
    }
    log.info({ url, ms: Date.now() - t0, embedded_db: db.embedded }, 'Plexus API listening');
    const lines = [``, `  Plexus is running at ${url}`, `  Health:  ${url}/healthz`, `  OpenAPI: ${url}/openapi.json`];
    if (config.adminToken) lines.push(`  Console: ${url}/console (sign in with PLEXUS_ADMIN_TOKEN)`);
    if (demoKey) {
      lines.push(`  Demo organisation API key (shown once, store it now):`, `    ${demoKey}`);
      lines.push(`  Try:  curl -H "Authorization: Bearer ${demoKey}" ${url}/v1/providers`);
    }
    if (demo) {
      const portal = await (await import('../portal/demo-link.ts')).demoPortalLink(db, url);
      if (portal) lines.push(`  Portal (demo organisation; the link signs in once):`, `    ${portal}`);
      lines.push(``, `  Demo mode: platform sandboxes run in this process (${[...demo.running.keys()].join(', ')}).`);
      lines.push(
        `  Connect one:  curl -X POST -H "Authorization: Bearer <key>" -H 'content-type: application/json' \\`,
      );
      lines.push(
        `    -d '{"provider":"${[...demo.running.keys()][0] ?? '<provider>'}"}' ${url}/v1/connect-sessions   # then open the returned url`,
      );
      if (demo.notes.length)
        lines.push(`  Type these on the connect page of credential platforms:`, ...demo.notes.map((n) => `    ${n}`));
    }
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
}
