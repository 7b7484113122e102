import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isPlexusError, plexusError } from '../../core/errors.ts';
import { webhooksIn } from '../../observability/platform-metrics.ts';
import type { ProviderApps } from '../../providers/apps.ts';
import { type ProviderId, providers, webhookAdapterFor } from '../../providers/registry.ts';
import { ingest, type IngressDeps } from './ingest.ts';

export interface IngressRouteOptions {
  ingress: IngressDeps;
  apps: ProviderApps;
  bodyLimit: number;
}

/**
 * `POST /webhooks/:provider` (and `/webhooks/:provider/:connectionId` for platforms that
 * post per site): the body stays raw bytes until its signature verifies; the 2xx goes out
 * only after the events and their jobs committed. `GET` on the same paths answers the
 * platform's subscription handshake.
 */
export const webhookIngressRoutes: FastifyPluginAsync<IngressRouteOptions> = async (app, opts) => {
  // Scoped to this plugin: every content type arrives as the exact bytes that were signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.bodyLimit }, (_req, body, done) =>
    done(null, body),
  );

  const post = async (
    provider: string,
    connectionId: string | undefined,
    body: unknown,
    headers: Record<string, string | string[] | undefined>,
  ) => {
    const raw = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const label = provider in providers ? provider : 'unknown';
    try {
      const { events } = await ingest(opts.ingress, provider, connectionId, raw, headers);
      webhooksIn.inc({ provider: label, outcome: 'accepted' });
      return { received: events };
    } catch (err) {
      webhooksIn.inc({ provider: label, outcome: isPlexusError(err) ? err.code : 'error' });
      throw err;
    }
  };
  app.post<{ Params: { provider: string } }>('/webhooks/:provider', { bodyLimit: opts.bodyLimit }, async (req) =>
    post(req.params.provider, undefined, req.body, req.headers),
  );
  app.post<{ Params: { provider: string; connectionId: string } }>(
    '/webhooks/:provider/:connectionId',
    { bodyLimit: opts.bodyLimit },
    async (req) => post(req.params.provider, req.params.connectionId, req.body, req.headers),
  );

  const handshake = async (provider: string, query: Record<string, string | undefined>, reply: FastifyReply) => {
    const def = (providers as Record<string, (typeof providers)[ProviderId] | undefined>)[provider];
    if (!def) throw plexusError('route_not_found', { message: `No platform "${provider}".` });
    const adapter = def.webhooks.supported ? webhookAdapterFor(def.id) : undefined;
    if (!adapter?.handshake)
      throw plexusError('webhook_unsupported', { message: `${def.displayName} has no subscription handshake.` });
    const a = adapter.handshake(query, opts.apps[def.id]);
    return reply
      .status(a.status)
      .type(a.type === 'json' ? 'application/json' : 'text/plain')
      .send(a.body);
  };
  app.get<{ Params: { provider: string }; Querystring: Record<string, string> }>(
    '/webhooks/:provider',
    async (req, reply) => handshake(req.params.provider, req.query, reply),
  );
  app.get<{ Params: { provider: string; connectionId: string }; Querystring: Record<string, string> }>(
    '/webhooks/:provider/:connectionId',
    async (req, reply) => handshake(req.params.provider, req.query, reply),
  );
};
