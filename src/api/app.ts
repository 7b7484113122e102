import { randomUUID, createHash } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { plexusError } from '../core/errors.ts';
import { checkHealth } from '../observability/health.ts';
import { registerVersionSunsetMetric, versionHealth } from '../observability/version-sunset.ts';
import type { AppDeps } from './deps.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { clientError, frameworkError, registerErrorHandling } from './plugins/error-handler.ts';
import { registerInputGuard } from './plugins/input-guard.ts';
import { strictBodies } from './strict-bodies.ts';
import { transformDocument, transformRoute } from './openapi/transform.ts';
import { responseChecker } from './openapi/conformance.ts';
import { registerApiReference } from './openapi/reference.ts';
import { orgOf, requireAdminToken, requireApiKey } from './plugins/auth.ts';
import { honourIdempotencyKeys } from './plugins/idempotency.ts';
import { adminOrgRoutes } from './routes/admin/orgs.ts';
import { adminOrgReadRoutes } from './routes/admin/orgs-read.ts';
import { connectPageRoutes } from './routes/connect/connect-page.ts';
import { apiKeyRoutes } from './routes/v1/api-keys.ts';
import { connectSessionRoutes } from './routes/v1/connect-sessions.ts';
import { connectionRoutes } from './routes/v1/connections.ts';
import { inboundWebhookRoutes } from './routes/v1/webhooks-inbound.ts';
import { webhookDeliveryRoutes } from './routes/v1/webhook-deliveries.ts';
import { webhookEndpointRoutes } from './routes/v1/webhook-endpoints.ts';
import { adsRoutes } from './routes/v1/ads.ts';
import { adsWriteRoutes } from './routes/v1/ads-writes.ts';
import { syncRoutes } from './routes/v1/syncs.ts';
import { syncRunRoutes } from './routes/v1/sync-runs.ts';
import { contentRoutes } from './routes/v1/content.ts';
import { publishRoutes } from './routes/v1/publish.ts';
import { conflictRoutes } from './routes/v1/conflicts.ts';
import { conflictBlockRoutes } from './routes/v1/conflict-blocks.ts';
import { contentTargetRoutes } from './routes/v1/content-targets.ts';
import { adsReportRoutes } from './routes/v1/ads-reports.ts';
import { InboxWriter } from '../webhooks/ingress/inbox-writer.ts';
import { webhookIngressRoutes } from '../webhooks/ingress/route.ts';
import { deadLetterRoutes } from './routes/v1/dead-letters.ts';
import { orgRoutes } from './routes/v1/org.ts';
import { providerRoutes } from './routes/v1/providers.ts';
import { auditRoutes } from '../audit/routes.ts';
import { retentionRoutes } from '../retention/routes.ts';
import { orgErasureRoutes, adminOrgErasureRoutes } from '../orgs/routes.ts';
import { operationRoutes } from './routes/v1/operations.ts';
import { recorderFor } from '../operations/recorder.ts';
import { portalRoutes } from './routes/v1/portal.ts';
import { portalPageRoutes } from './routes/portal/pages.ts';
import { adminHealthRoutes } from './routes/admin/health.ts';
import { adminDeadLetterRoutes } from './routes/admin/dead-letters.ts';
import { adminPlatformRateRoutes } from './routes/admin/platform-rates.ts';
import { adminProviderVersionRoutes } from './routes/admin/provider-versions.ts';
import { ConsoleSessions } from '../console/session.ts';
import { consoleSessionAuth } from '../console/admin-auth.ts';
import { consolePageRoutes } from './routes/console/pages.ts';

/** The org API's routes under /v1, in the order the document lists them. */
const ORG_API_ROUTES: FastifyPluginAsyncZod<AppDeps>[] = [
  orgRoutes,
  providerRoutes,
  apiKeyRoutes,
  deadLetterRoutes,
  connectSessionRoutes,
  connectionRoutes,
  inboundWebhookRoutes,
  webhookEndpointRoutes,
  webhookDeliveryRoutes,
  adsRoutes,
  adsWriteRoutes,
  adsReportRoutes,
  syncRoutes,
  syncRunRoutes,
  contentRoutes,
  contentTargetRoutes,
  publishRoutes,
  conflictRoutes,
  conflictBlockRoutes,
  auditRoutes,
  retentionRoutes,
  orgErasureRoutes,
  operationRoutes,
  portalRoutes,
];

/** The operator's routes under /v1/admin, behind the admin token. */
const ADMIN_ROUTES: FastifyPluginAsyncZod<AppDeps>[] = [
  adminOrgRoutes,
  adminOrgErasureRoutes,
  adminOrgReadRoutes,
  adminHealthRoutes,
  adminDeadLetterRoutes,
  adminPlatformRateRoutes,
  adminProviderVersionRoutes,
];

/**
 * The HTTP app, built the same way for the server and for tests (which call `inject()`).
 * Only `main` listens.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger so the instance is the plain `FastifyInstance` the plugins take, not one generic over pino's.
  const loggerInstance: FastifyBaseLogger = deps.log;
  const app = Fastify({
    loggerInstance,
    bodyLimit: deps.config.http.bodyLimit,
    genReqId: () => randomUUID(),
    // Requests are logged once, by our onResponse hook (errors and debug), not twice by Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Connect tokens (org + session + secret) are longer than the default 100-character limit.
    routerOptions: { maxParamLength: 300 },
    // Router and HTTP-parser errors leave in the one error envelope too.
    frameworkErrors: frameworkError,
    clientErrorHandler: clientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(strictBodies(validatorCompiler));
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // Operations recorded by API requests (connects, campaign writes) are written before the pool closes.
  app.addHook('onClose', async () => recorderFor(deps.db.owner, deps.log).close());
  registerInputGuard(app);

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500 || deps.log.isLevelEnabled('debug')) {
      req.log.info(
        { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Plexus API', version: '1', description: 'Integration hub for ads platforms and CMS.' },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Org API key (plx_…)' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: transformRoute,
    transformObject: transformDocument,
  });

  const violations = deps.responseViolations;
  if (violations) {
    const check = responseChecker(() => app.swagger());
    app.addHook('onSend', async (req, reply, payload) => {
      const body =
        typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      if (body === undefined) return payload;
      const v = check({
        method: req.method,
        url: req.routeOptions.url,
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? ''),
        body,
      });
      if (v) violations.push(v);
      return payload;
    });
  }

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await registerApiReference(app);

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    const report = await checkHealth(deps.db, deps.config.worker.staleAfterMs);
    // API versions near their sunset are a warning beside the checks, not a failed check.
    return reply
      .status(report.status === 'ok' ? 200 : 503)
      .send({ ...report, provider_versions: versionHealth(deps.providers.apps, deps.clock.now()) });
  });

  registerVersionSunsetMetric(deps.metrics.registry, deps.providers.apps, deps.clock);
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  await app.register(
    async (v1) => {
      // Per process: N API processes allow up to N times the limit. Good enough to stop a
      // runaway client; a shared budget is kept in PostgreSQL where platforms need one.
      await v1.register(rateLimit, {
        max: deps.config.http.rateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (req) => {
          // A portal user's budget is their session's (many may share an address), an API key's its own.
          const h = req.headers.authorization ?? req.headers.cookie;
          return h ? createHash('sha256').update(h).digest('base64url') : req.ip;
        },
        errorResponseBuilder: (_req, ctx) => plexusError('rate_limited', { retryAfterMs: ctx.ttl }),
      });
      requireApiKey(v1, deps.db.app, deps.clock);
      honourIdempotencyKeys(v1, deps.db.app, deps.keyring, orgOf);
      for (const routes of ORG_API_ROUTES) await v1.register(routes, deps);
    },
    { prefix: '/v1' },
  );

  await app.register(connectPageRoutes, deps);
  await app.register(portalPageRoutes, deps);

  const ingress = {
    owner: deps.db.owner,
    keyring: deps.keyring,
    apps: deps.providers.apps,
    clock: deps.clock,
    writer: new InboxWriter(deps.db.owner),
  };
  await app.register(webhookIngressRoutes, {
    ingress,
    apps: deps.providers.apps,
    bodyLimit: deps.config.http.bodyLimit,
  });

  // The operator console signs in with the admin token once and then uses a session cookie.
  const consoleSessions = new ConsoleSessions(deps.config.adminToken, deps.clock);
  await app.register(async (scope) => consolePageRoutes(scope, { ...deps, consoleSessions }));

  await app.register(
    async (admin) => {
      requireAdminToken(admin, deps.config.adminToken, { session: consoleSessionAuth(consoleSessions) });
      for (const routes of ADMIN_ROUTES) await admin.register(routes, deps);
    },
    { prefix: '/v1/admin' },
  );

  return app;
}
