import { EXAMPLES } from './index.ts';
import { Media, Redirect } from './kit.ts';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** `examples` of a media type: one named example (OpenAPI 3.1 Example Objects). */
const one = (summary: string, value: unknown) => ({ example: { summary, value } });

/**
 * Puts each operation's examples into the document: the request body's and each answer's
 * under its media type. A non-JSON answer (a page, text, an event stream) declares its media
 * type here, since the routes that send them have no zod schema for it; a redirect-only
 * success replaces the placeholder 200 with its 303 and `Location`.
 */
export function applyExamples(doc: Json): void {
  for (const item of Object.values((doc.paths ?? {}) as Record<string, Json>)) {
    for (const m of METHODS) {
      const op = item[m] as Json | undefined;
      const ex = op && EXAMPLES[op.operationId as string];
      if (!op || !ex) continue;
      const body = op.requestBody?.content?.['application/json'];
      if (body && ex.request !== undefined) body.examples = one(ex.summary, ex.request);
      const placeholder = op.responses['200'] && !op.responses['200'].content && op.responses['200'].description === 'Default Response';
      if (placeholder && !('200' in ex.responses)) delete op.responses['200'];
      // A status may answer in several media types (a challenge echoed as text or signed as JSON).
      const entries = Object.entries(ex.responses).flatMap(([status, value]) => (Array.isArray(value) ? value.map((v: unknown) => [status, v] as const) : [[status, value] as const]));
      for (const [status, value] of entries) {
        if (value instanceof Redirect) {
          op.responses[status] = { description: value.description, headers: { Location: { required: true, schema: { type: 'string', format: 'uri' }, example: value.location } } };
        } else if (value instanceof Media) {
          const res = (op.responses[status] ??= { description: value.description });
          if (res.description === 'Default Response') res.description = value.description;
          res.content ??= {};
          res.content[value.mediaType] ??= { schema: value.schema };
          res.content[value.mediaType].examples = one(ex.summary, value.value);
        } else {
          const media = op.responses[status]?.content?.['application/json'];
          if (media) media.examples = one(ex.summary, value);
        }
      }
    }
  }
}
