import { pino, type Logger, type DestinationStream } from 'pino';
import { redactDeep } from './redact.ts';
import { logContext } from './log-context.ts';

export type { Logger };

/**
 * JSON logs with secrets scrubbed at any depth. Pino's own `redact` only reaches fixed paths,
 * so every logged object also passes through `redactDeep`; the fixed paths catch request
 * headers cheaply on the hot path.
 */
export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { service: opts.name ?? 'plexus', pid: process.pid },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    formatters: {
      log: (obj: Record<string, unknown>) => redactDeep(obj) as Record<string, unknown>,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    // trace_id and operation_id of the work the line was written in
    mixin: logContext,
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
