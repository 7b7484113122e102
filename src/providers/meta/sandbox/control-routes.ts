/**
 * Meta-only `/__sandbox/*` endpoints, so a test in another process can restate metrics, fail a
 * report, mint tokens and drive webhooks the way an in-process test uses the handles.
 */
import { json, type Router } from '../../../sandbox/kit/server.ts';
import type { MetaContext, MintOptions } from './context.ts';
import type { MetaWebhooks } from './webhooks.ts';
import type { MetaRemote } from '../sandbox.ts';
import { text } from '../../../sandbox/kit/text.ts';

export function metaControlRoutes(
  r: Router,
  ctx: MetaContext,
  remote: MetaRemote,
  webhooks: MetaWebhooks,
  mintToken: (o: MintOptions) => string,
): void {
  r.add('POST', '/__sandbox/remote/restate', (req) =>
    json(200, { dates: remote.restate(typeof req.body['days'] === 'number' ? req.body['days'] : 3) }),
  );
  r.add('POST', '/__sandbox/remote/fail-next-report', (req) => {
    remote.failNextReport(req.body['status'] === 'Job Skipped' ? 'Job Skipped' : 'Job Failed');
    return json(200, { ok: true });
  });
  r.add('POST', '/__sandbox/tokens', (req) => {
    const scopes = Array.isArray(req.body['scopes']) ? req.body['scopes'].map(String) : undefined;
    const ttl = req.body['ttlSeconds'];
    return json(201, {
      access_token: mintToken({
        ...(scopes ? { scopes } : {}),
        ...(typeof ttl === 'number' || ttl === null ? { ttlSeconds: ttl } : {}),
      }),
      user_id: ctx.config.user.id,
    });
  });
  r.add('POST', '/__sandbox/webhooks/subscribe', async (req) => {
    const b = req.body;
    if (typeof b['callbackUrl'] !== 'string') return json(400, { error: 'callbackUrl is required' });
    const result = await webhooks.subscribe({
      callbackUrl: b['callbackUrl'],
      verifyToken: typeof b['verifyToken'] === 'string' ? b['verifyToken'] : '',
      ...(Array.isArray(b['fields']) ? { fields: b['fields'].map(String) } : {}),
    });
    return json(result.ok ? 200 : 400, result);
  });
  r.add('POST', '/__sandbox/webhooks/emit', async (req) => {
    const b = req.body;
    const delivery = webhooks.emit(text(b['accountId']), text(b['field']), b['value'] ?? {});
    return delivery ? json(200, await delivery) : json(409, { error: 'not_subscribed' });
  });
}
