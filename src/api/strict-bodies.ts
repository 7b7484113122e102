import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';

/**
 * API request bodies are strict: a field the operation does not define is refused with a 400
 * naming it, instead of being silently dropped (a typo in `event_types` would otherwise pass
 * as "no filter"). Applied to the top level of every `/v1` body schema.
 */
export function strictBodies(compile: FastifySchemaCompiler<z.ZodTypeAny>): FastifySchemaCompiler<z.ZodTypeAny> {
  return (route) => {
    if (route.httpPart === 'body' && route.url.startsWith('/v1/') && route.schema instanceof z.ZodObject) {
      return compile({ ...route, schema: route.schema.strict() });
    }
    return compile(route);
  };
}
