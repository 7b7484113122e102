import type { OpenAPIV3_1 } from 'openapi-types';
import { type Document, isRef, OPERATION_METHODS, operationOf } from '../openapi31.ts';
import { EXAMPLES } from './index.ts';
import { Media, Redirect } from './kit.ts';

/** `examples` of a media type: one named example (OpenAPI 3.1 Example Objects). */
const one = (summary: string, value: unknown): Record<string, OpenAPIV3_1.ExampleObject> => ({
  example: { summary, value },
});

/**
 * Puts each operation's examples into the document: the request body's and each answer's
 * under its media type. A non-JSON answer (a page, text, an event stream) declares its media
 * type here, since the routes that send them have no zod schema for it; a redirect-only
 * success replaces the placeholder 200 with its 303 and `Location`.
 */
export function applyExamples(doc: Document): void {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const m of OPERATION_METHODS) {
      const op = operationOf(item, m);
      const ex = op?.operationId === undefined ? undefined : EXAMPLES[op.operationId];
      if (!op || !ex) continue;
      const requestBody = op.requestBody && !isRef(op.requestBody) ? op.requestBody : undefined;
      const body = requestBody?.content['application/json'];
      if (body && ex.request !== undefined) body.examples = one(ex.summary, ex.request);
      const responses = (op.responses ??= {});
      const ok = responses['200'];
      const placeholder = ok && !isRef(ok) && !ok.content && ok.description === 'Default Response';
      if (placeholder && !('200' in ex.responses)) delete responses['200'];
      // A status may answer in several media types (a challenge echoed as text or signed as JSON).
      const entries = Object.entries(ex.responses).flatMap(([status, value]) =>
        Array.isArray(value) ? value.map((v: unknown) => [status, v] as const) : [[status, value] as const],
      );
      for (const [status, value] of entries) {
        if (value instanceof Redirect) {
          responses[status] = {
            description: value.description,
            headers: {
              Location: { required: true, schema: { type: 'string', format: 'uri' }, example: value.location },
            },
          };
          continue;
        }
        const res =
          responses[status] ??
          (value instanceof Media ? (responses[status] = { description: value.description }) : undefined);
        // Answers are declared inline by the routes; a shared `$ref` answer takes no examples here.
        if (!res || isRef(res)) continue;
        if (value instanceof Media) {
          if (res.description === 'Default Response') res.description = value.description;
          res.content ??= {};
          const media = (res.content[value.mediaType] ??= { schema: value.schema });
          media.examples = one(ex.summary, value.value);
        } else {
          const media = res.content?.['application/json'];
          if (media) media.examples = one(ex.summary, value);
        }
      }
    }
  }
}
