import { createHash } from 'node:crypto';
import { plexusError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import type { Clock } from '../../core/clock.ts';
import type { Pool } from '../../db/pool.ts';
import type { ProviderApps } from '../../providers/apps.ts';
import { type ProviderId, providers, webhookAdapterFor } from '../../providers/registry.ts';
import { open, type SealedSecret } from '../../vault/cipher.ts';
import type { Keyring } from '../../vault/keyring.ts';
import { schemeFor } from '../../providers/kit/webhook-schemes/index.ts';
import type { InboxItem, InboxWriter } from './inbox-writer.ts';

export interface IngressDeps {
  owner: Pool;
  keyring: Keyring;
  apps: ProviderApps;
  clock: Clock;
  writer: InboxWriter;
}

export const webhookSecretCtx = (orgId: string, connectionId: string) => ({
  orgId,
  table: 'connections',
  rowId: connectionId,
  column: 'webhook_secret',
});

/** The verification secret, from where the definition says it lives. Undefined means refuse. */
async function secretFor(
  deps: IngressDeps,
  id: ProviderId,
  connectionId: string | undefined,
): Promise<string | undefined> {
  const def = providers[id];
  if (!def.webhooks.supported) return undefined;
  const app = deps.apps[id];
  switch (def.webhooks.secretSource) {
    case 'app_secret':
      return app.extra.webhookSecret ?? app.clientSecret;
    case 'public_key':
      return app.extra.webhookPublicKey;
    case 'per_connection': {
      if (!connectionId) return undefined;
      const { rows } = await deps.owner.query<{ org_id: string; webhook_secret: SealedSecret | null }>(
        "select org_id, webhook_secret from connections where id = $1 and status = 'active'",
        [connectionId],
      );
      const row = rows[0];
      if (!row?.webhook_secret) return undefined;
      return await open(deps.keyring, row.webhook_secret, webhookSecretCtx(row.org_id, connectionId));
    }
  }
}

const lower = (h: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]));

/**
 * Verifies a delivery on its raw bytes, then parses it, splits it into events, and hands them
 * to the inbox writer; resolves once they are committed. Unknown providers and platforms
 * without webhooks are 404; a missing secret, signature or a bad one is 401; nothing
 * unverified is parsed or stored.
 */
export async function ingest(
  deps: IngressDeps,
  providerParam: string,
  connectionId: string | undefined,
  rawBody: Buffer,
  rawHeaders: Record<string, string | string[] | undefined>,
): Promise<{ events: number }> {
  const def = (providers as Record<string, (typeof providers)[ProviderId] | undefined>)[providerParam];
  if (!def) throw plexusError('route_not_found', { message: `No platform "${providerParam}".` });
  if (!def.webhooks.supported)
    throw plexusError('webhook_unsupported', { message: `${def.displayName} has no webhooks: ${def.webhooks.reason}` });
  if (connectionId !== undefined && !isUuid(connectionId))
    throw plexusError('not_found', {
      message: 'No such connection.',
      details: [{ path: 'connectionId', in: 'params', message: 'not a UUID' }],
    });
  // With an app-wide secret, a valid signature says nothing about which connection an event
  // is for: it is routed by the account it names, never by a path anyone can choose.
  if (connectionId !== undefined && def.webhooks.secretSource !== 'per_connection') {
    throw plexusError('route_not_found', {
      message: `${def.displayName} webhooks are posted to /webhooks/${def.id}, without a connection id.`,
    });
  }
  const secret = await secretFor(deps, def.id, connectionId);
  if (!secret) throw plexusError('webhook_not_configured');
  const headers = lower(rawHeaders);
  const wh = def.webhooks;
  const result = schemeFor(wh.scheme).verify({
    rawBody,
    headers,
    secret,
    nowMs: deps.clock.now().getTime(),
    signatureHeader: wh.signatureHeader,
    ...(wh.timestampHeader ? { timestampHeader: wh.timestampHeader } : {}),
    ...(wh.toleranceSeconds ? { toleranceSeconds: wh.toleranceSeconds } : {}),
    ...(wh.signedPayloadPrefix ? { signedPayloadPrefix: wh.signedPayloadPrefix } : {}),
  });
  if (!result.ok) throw plexusError('webhook_signature_invalid', { details: { reason: result.reason } });
  let body: unknown;
  let text = (result.payload ?? rawBody).toString('utf8');
  try {
    body = JSON.parse(text);
  } catch {
    throw plexusError('invalid_json', { message: 'The webhook body is not valid JSON.' });
  }
  // jsonb cannot hold U+0000 or a lone surrogate, and a verified event must not be lost (nor
  // 500 and be retried forever) for one: they become U+FFFD in the stored copy. The signature
  // was checked on the original bytes.
  if (UNSTORABLE_ESCAPE.test(text)) {
    body = withoutNul(body);
    text = JSON.stringify(body);
  }
  const adapter = webhookAdapterFor(def.id);
  // Platforms nest JSON in strings (Wix, TikTok), so the events are cleaned again after splitting.
  const events = adapter
    .events(body, headers)
    .map((e) => (UNSTORABLE_ESCAPE.test(JSON.stringify(e)) ? (withoutNul(e) as typeof e) : e));
  const items: InboxItem[] = events.map((e) => ({
    provider: def.id,
    connectionId: connectionId ?? null,
    // Without a platform event id, the same event must hash the same on every redelivery.
    dedupeKey:
      e.eventId ??
      `sha256:${createHash('sha256')
        .update(JSON.stringify([e.topic, e.accountRef ?? null, e.payload]))
        .digest('hex')}`,
    topic: e.topic,
    accountRef: e.accountRef ?? null,
    payload: e.payload,
    ...(e.payload === body ? { payloadJson: text } : {}),
  }));
  await deps.writer.write(items);
  return { events: items.length };
}

/** A JSON escape jsonb refuses: NUL, or a surrogate (checked properly once parsed). */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
// eslint-disable-next-line no-control-regex -- jsonb refuses NUL in text, so matching it (beside lone surrogates) is the point
const UNSTORABLE_CHAR = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The value with every NUL and lone surrogate in its strings and keys replaced by U+FFFD. */
function withoutNul(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(UNSTORABLE_CHAR, '\ufffd');
  if (Array.isArray(v)) return v.map(withoutNul);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(UNSTORABLE_CHAR, '\ufffd'), withoutNul(x)]));
  return v;
}
