import { z } from 'zod';
import { connectionDiagnostics } from '../../../connections/diagnostics.ts';
import {
  childrenOf,
  formatMessage,
  formatOperation,
  getOperation,
  listOperations,
  messagesOf,
} from '../../../operations/store.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { orgOf } from '../../plugins/auth.ts';
import {
  circuitState,
  connectionHealth,
  connectionStatus,
  operation,
  operationMessage,
  operationStatus,
  operationType,
  platformCall,
  timeQuery,
} from '../../openapi/components.ts';

const operationSchema = operation;
const httpSchema = platformCall;
const messageSchema = operationMessage;

const callWindow = z.object({
  calls: z.number(),
  errors: z.number(),
  rate_limited: z.number(),
  server_errors: z.number(),
});
const diagnosticsSchema = z.object({
  connection_id: z.string(),
  provider: z.string(),
  status: connectionStatus,
  health: connectionHealth,
  work: z.array(
    z.object({
      type: operationType,
      last_success_at: z.date().nullable(),
      last_error: z
        .object({
          at: z.date(),
          code: z.string().nullable(),
          message: z.string().nullable(),
          operation_id: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
  last_sync_at: z.date().nullable(),
  token: z.object({
    expires_at: z.date().nullable(),
    expires_in_seconds: z.number().nullable(),
    refresh_token_expires_at: z.date().nullable(),
    next_refresh_at: z.date().nullable(),
    last_refreshed_at: z.date().nullable(),
    refresh_in_progress: z.boolean(),
    consecutive_refresh_failures: z.number(),
    last_refresh_error: z.string().nullable(),
  }),
  rate_limit: z.object({
    last_signals: z.object({ at: z.date(), headers: z.record(z.string(), z.string()) }).nullable(),
    last_hour: callWindow,
    last_day: callWindow,
  }),
  circuit_breaker: z.object({
    state_in_this_process: circuitState,
    runs_refused_while_open_last_hour: z.number(),
    last_refused_at: z.date().nullable(),
  }),
  recent_failing_calls: z.array(
    z.object({ operation_id: z.string(), at: z.date(), message: z.string(), http: httpSchema }),
  ),
  advice: z.array(z.string()),
});

const listFilters = {
  connection_id: z.string().uuid().optional(),
  provider: z.string().max(40).optional(),
  type: operationType.optional(),
  status: operationStatus.optional(),
  since: timeQuery.optional(),
  until: timeQuery.optional(),
  q: z.string().min(1).max(200).optional(),
};

const TERMINAL = new Set(['success', 'failed', 'retry_scheduled']);
const TAIL_POLL_MS = 500;
const TAIL_MAX_MS = 30 * 60_000;

const noSuchOperation = 'No such operation.';

export const operationRoutes = orgRoutePlugin('operations', async (app, { deps, org, schema }) => {
  app.get(
    '/operations',
    schema.list(
      'Operations (syncs, token refreshes, webhooks processed, publishes, deliveries), newest first; q searches their messages',
      operationSchema,
      listFilters,
    ),
    async (req) => {
      const q = req.query;
      const filters = {
        connectionId: q.connection_id,
        provider: q.provider,
        type: q.type,
        status: q.status,
        since: q.since,
        until: q.until,
        q: q.q,
      };
      return org.listPage(
        req,
        listOperations,
        [filters],
        (r) => [r.started_at, r.id],
        (r) => formatOperation(r) as z.infer<typeof operationSchema>,
      );
    },
  );

  app.get(
    '/operations/:id',
    schema.byId(
      'One operation with its messages (every platform call, redacted) and the operations it ran inside it',
      operationSchema.extend({ messages: z.array(messageSchema), children: z.array(operationSchema) }),
    ),
    async (req) =>
      org.tx(req, async (c, orgId) => {
        const op = found(await getOperation(c, orgId, req.params.id), noSuchOperation);
        const [messages, children] = [await messagesOf(c, orgId, op.id), await childrenOf(c, orgId, op.id)];
        return {
          ...(formatOperation(op) as z.infer<typeof operationSchema>),
          messages: messages.map((m) => formatMessage(m) as z.infer<typeof messageSchema>),
          children: children.map((ch) => formatOperation(ch) as z.infer<typeof operationSchema>),
        };
      }),
  );

  app.get(
    '/operations/:id/stream',
    schema.onId(
      'Live tail of an operation as Server-Sent Events: `message` events (id = seq), then one `end` event with the operation',
      {
        200: {
          description:
            'Server-Sent Events until the operation ends (at most 30 minutes; reconnect with `Last-Event-ID`).',
          content: { 'text/event-stream': { schema: z.string() } },
        },
      },
    ),
    async (req, reply) => {
      const orgId = orgOf(req);
      found(await org.tx(req, (c) => getOperation(c, orgId, req.params.id)), noSuchOperation);
      const lastId = Number(req.headers['last-event-id'] ?? 0);
      let seq = Number.isInteger(lastId) && lastId > 0 ? lastId : 0;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let closed = false;
      req.raw.on('close', () => (closed = true));
      const deadline = Date.now() + TAIL_MAX_MS;
      try {
        while (!closed && Date.now() < deadline) {
          const { op, messages } = await org.tx(req, async (c) => ({
            op: await getOperation(c, orgId, req.params.id),
            messages: await messagesOf(c, orgId, req.params.id, seq, 500),
          }));
          for (const m of messages) {
            res.write(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(formatMessage(m))}\n\n`);
            seq = m.seq;
          }
          // Terminal and drained: the recorder writes the final state with the last messages.
          if (!op || (TERMINAL.has(op.status) && messages.length === 0)) {
            res.write(`event: end\ndata: ${JSON.stringify(op ? formatOperation(op) : null)}\n\n`);
            break;
          }
          if (messages.length < 500) await new Promise((r) => setTimeout(r, TAIL_POLL_MS));
        }
      } catch (err) {
        req.log.warn({ err }, 'operation stream ended by an error');
        if (!closed)
          res.write(
            `event: error\ndata: ${JSON.stringify({ code: 'internal_error', message: 'The stream stopped; reconnect with Last-Event-ID.' })}\n\n`,
          );
      }
      res.end();
    },
  );

  app.get(
    '/connections/:id/diagnostics',
    schema.byId(
      "A connection's health: last success and error per kind of work, token state, rate limits, circuit breaker, failing calls and what to do",
      diagnosticsSchema,
    ),
    async (req) => {
      const d = await org.tx(req, (c, orgId) => connectionDiagnostics(c, orgId, req.params.id, deps.clock.now()));
      return found(d, 'No such connection.');
    },
  );
});
