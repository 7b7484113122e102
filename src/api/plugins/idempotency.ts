import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { plexusError } from '../../core/errors.ts';
import { withOrgTx } from '../../db/tx.ts';
import type { Pool } from '../../db/pool.ts';
import { open, seal, type SealedSecret } from '../../vault/cipher.ts';
import type { Keyring } from '../../vault/keyring.ts';

/** How long a key is remembered, and how long a request may hold it before another takes over. */
const KEEP_HOURS = 24;
const LEASE_SECONDS = 120;
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[\x21-\x7e]{1,255}$/;

/** A taken key's row: a finished one holds its sealed first answer (written with `done` in one update). */
type KeyRow = { id: string; request_hash: string } & (
  | { state: 'in_flight' }
  | { state: 'done'; response_status: number; response_body: SealedSecret; response_type: string | null }
);

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { orgId: string; key: string; id: string } | null;
  }
}

/** Canonical JSON (sorted keys) so that the same body in another key order is the same request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function requestHash(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? ''}\n${canonical(req.params)}\n${canonical(req.body ?? null)}`)
    .digest('hex');
}

/**
 * `Idempotency-Key` on every POST of this scope (the creates): the first answer to a key is
 * stored for the org and replayed to a retry with the same request; the same key with another
 * request is refused (409 idempotency_key_reused); while the first is still running a second
 * gets 409 idempotency_in_progress, so concurrent requests with one key run the work once.
 * Server errors are not kept, so a retry after a 5xx runs again.
 */
export function honourIdempotencyKeys(
  scope: FastifyInstance,
  pool: Pool,
  keyring: Keyring,
  orgOf: (req: FastifyRequest) => string,
): void {
  const where = (orgId: string, id: string) => ({
    orgId,
    table: 'idempotency_keys',
    rowId: id,
    column: 'response_body',
  });
  scope.decorateRequest('idempotency', null);
  scope.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    const raw = req.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!key || !KEY.test(key)) {
      throw plexusError('validation_failed', {
        message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.',
        details: [{ path: 'idempotency-key', in: 'headers', message: 'invalid' }],
      });
    }
    const orgId = orgOf(req);
    const hash = requestHash(req);
    const outcome = await withOrgTx(pool, orgId, async (c) => {
      // Take the key: a new one, one past its retention, or one whose holder's lease ran out.
      const taken = await c.query<{ id: string }>(
        `insert into idempotency_keys (org_id, key, request_hash, method, route, state, locked_until)
         values ($1, $2, $3, $4, $5, 'in_flight', now() + make_interval(secs => $6))
         on conflict (org_id, key) do update set request_hash = excluded.request_hash, method = excluded.method, route = excluded.route,
           state = 'in_flight', locked_until = excluded.locked_until, response_status = null, response_body = null, response_body_key_id = null, response_type = null, created_at = now()
         where idempotency_keys.created_at < now() - make_interval(hours => $7)
            or (idempotency_keys.state = 'in_flight' and idempotency_keys.locked_until < now() and idempotency_keys.request_hash = excluded.request_hash)
         returning id`,
        [orgId, key, hash, req.method, req.routeOptions.url ?? '', LEASE_SECONDS, KEEP_HOURS],
      );
      const won = taken.rows[0];
      if (won) return { kind: 'run' as const, id: won.id };
      const row = (
        await c.query<KeyRow>(
          'select id, request_hash, state, response_status, response_body, response_type from idempotency_keys where org_id = $1 and key = $2',
          [orgId, key],
        )
      ).rows[0];
      if (!row) return { kind: 'in_progress' as const };
      if (row.request_hash !== hash) return { kind: 'reused' as const };
      if (row.state !== 'done') return { kind: 'in_progress' as const };
      return {
        kind: 'replay' as const,
        status: row.response_status,
        body: await open(keyring, row.response_body, where(orgId, row.id)),
        type: row.response_type,
      };
    });
    if (outcome.kind === 'reused') throw plexusError('idempotency_key_reused');
    if (outcome.kind === 'in_progress') throw plexusError('idempotency_in_progress', { retryAfterMs: 1000 });
    if (outcome.kind === 'replay') {
      reply.header('idempotent-replayed', 'true');
      if (outcome.type) reply.header('content-type', outcome.type);
      // The stored bytes are the first answer as it was sent: bypass this route's serializer.
      return reply
        .status(outcome.status)
        .serializer((p: unknown) => p as string)
        .send(outcome.body);
    }
    req.idempotency = { orgId, key, id: outcome.id };
  });

  scope.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const held = req.idempotency;
    if (!held) return payload;
    req.idempotency = null;
    const status = reply.statusCode;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    const sealed = await seal(keyring, text, where(held.orgId, held.id));
    await withOrgTx(pool, held.orgId, (c) =>
      status >= 500 || status === 429
        ? c.query('delete from idempotency_keys where org_id = $1 and key = $2', [held.orgId, held.key])
        : c.query(
            "update idempotency_keys set state = 'done', locked_until = null, response_status = $3, response_body = $4, response_body_key_id = $5, response_type = $6 where org_id = $1 and key = $2",
            [
              held.orgId,
              held.key,
              status,
              sealed,
              sealed.kid,
              String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
            ],
          ),
    );
    return payload;
  });
}
