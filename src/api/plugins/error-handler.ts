import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, isPlexusError, type ErrorBody, type ErrorCode } from '../../core/errors.ts';
import { isConnectionError } from '../../db/outage.ts';

/** What a client is told to wait when the database is unreachable (a restart takes seconds). */
const OUTAGE_RETRY_AFTER_S = 5;

// Fastify's own error codes, mapped to ours. Anything not listed and not a PlexusError is a 500.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_VALIDATION: 'validation_failed',
};

export function errorBody(code: ErrorCode, message?: string, details?: unknown, requestId?: string): ErrorBody {
  return {
    error: {
      code,
      message: message ?? ERROR_CODES[code].message,
      ...(details === undefined ? {} : { details }),
      ...(requestId ? { request_id: requestId } : {}),
    },
  };
}

/**
 * Every error leaves as `{"error":{"code","message","details?"}}`. Registered codes keep
 * their message; an unregistered error becomes a generic 500 with the request id, and its
 * real message stays in the log.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${v.instancePath || '/'}`.replace(/^\//, '').replaceAll('/', '.') || (err.validationContext ?? ''),
        in: err.validationContext,
        message: v.message,
      }));
      return reply.status(400).send(errorBody('validation_failed', undefined, details));
    }
    if (isPlexusError(err)) {
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      if (err.code === 'rate_limited' && err.retryAfterMs)
        reply.header('retry-after', Math.ceil(err.retryAfterMs / 1000));
      return reply
        .status(err.status)
        .send(
          errorBody(
            err.code,
            err.status >= 500 ? undefined : err.message,
            err.status >= 500 ? undefined : err.details,
            err.status >= 500 ? req.id : undefined,
          ),
        );
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped)
      return reply
        .status(ERROR_CODES[mapped].status)
        .send(errorBody(mapped, mapped === 'invalid_json' ? undefined : err.message));
    if (err.statusCode === 429) {
      return reply.status(429).send(errorBody('rate_limited'));
    }
    if (err instanceof SyntaxError && err.statusCode === 400) return reply.status(400).send(errorBody('invalid_json'));
    // A database outage is temporary: 503 with Retry-After, so clients and platforms come back.
    if (isConnectionError(err)) {
      req.log.warn({ err: err.message }, 'database unreachable');
      return reply
        .status(503)
        .header('retry-after', OUTAGE_RETRY_AFTER_S)
        .send(errorBody('unavailable', 'The database is unreachable; retry shortly.', undefined, req.id));
    }
    // Last line of defence: PostgreSQL refused a value as data (bad uuid or date text, NUL,
    // out of range). Inputs are checked before they reach a query; one that still gets this
    // far is the caller's value, so a 400, logged to be fixed at its cause.
    const pgCode = (err as { code?: unknown }).code;
    if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode) && (err as { severity?: unknown }).severity) {
      req.log.warn({ err }, 'request value refused by the database');
      return reply
        .status(400)
        .send(
          errorBody(
            'validation_failed',
            `A value in the request cannot be used: ${err.message.replaceAll('\u0000', '')}.`,
            [{ path: '', message: err.message }],
          ),
        );
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal_error', undefined, undefined, req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody('route_not_found', `No route ${req.method} ${req.url.split('?')[0]}.`));
  });
}

/** The router errors with an answer of their own: status, code, message and what was wrong where. */
const ROUTER_ERRORS: Record<string, [number, ErrorCode, string, { in: string; message: string }]> = {
  FST_ERR_MAX_PARAM_LENGTH: [
    414,
    'uri_too_long',
    'A path value is longer than this API accepts.',
    { in: 'params', message: 'too long' },
  ],
  FST_ERR_BAD_URL: [
    400,
    'validation_failed',
    'The URL is not valid: bad percent-encoding.',
    { in: 'url', message: 'bad percent-encoding' },
  ],
};

/** Fastify's router errors (before any route runs: bad percent-encoding, an overlong path value). */
export function frameworkError(err: FastifyError, _req: unknown, reply: FastifyReply): void {
  const known = ROUTER_ERRORS[err.code];
  if (known) {
    const [status, code, message, detail] = known;
    reply.status(status).send(errorBody(code, message, [detail]));
    return;
  }
  reply
    .status(err.statusCode && err.statusCode < 500 ? err.statusCode : 400)
    .send(errorBody('validation_failed', err.message));
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers or URL too large,
 * malformed request line): answered in the same envelope, then the socket is closed.
 */
export function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy(err);
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLarge ? errorBody('header_too_large') : errorBody('validation_failed', 'The request is not valid HTTP.'),
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
