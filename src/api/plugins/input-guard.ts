import type { FastifyInstance } from 'fastify';
import { plexusError } from '../../core/errors.ts';

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string holding a NUL character or a lone surrogate, or the first object nested too deep, as a dotted
 * path. PostgreSQL stores neither a NUL in `text` nor `\u0000` or a lone surrogate in `jsonb`, so such a value
 * would fail deep in a query (a 500) instead of at the door (a 400 naming the field).
 */
function findBad(value: unknown, path: string, depth: number): { path: string; message: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, message: 'contains a NUL character' };
    return LONE_SURROGATE.test(value) ? { path, message: 'is not well-formed Unicode (a lone surrogate)' } : undefined;
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  if (depth > MAX_DEPTH) return { path, message: `nested deeper than ${MAX_DEPTH} levels` };
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const key = String(k);
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return { path: at, message: 'a key contains a NUL character' };
    const bad = findBad(v, at, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

/** Refuses path, query and JSON body values that no column could hold, before any handler runs. */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    for (const [part, value] of [
      ['params', req.params],
      ['querystring', req.query],
      ['body', req.body],
    ] as const) {
      const bad = findBad(value, '', 0);
      if (bad)
        return done(
          plexusError('validation_failed', {
            message: `${bad.path || part} ${bad.message}.`,
            details: [{ path: bad.path, in: part, message: bad.message }],
          }),
        );
    }
    done();
  });
}
