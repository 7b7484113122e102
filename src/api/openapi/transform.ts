import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { ALL_EVENT_TYPES, eventBody } from './events.ts';
import { applyExamples } from './examples/apply.ts';
import { isRef, OPERATION_METHODS, operationOf, openApi31 } from './openapi31.ts';
import { operationIdOf } from './operation-ids.ts';

type Schemas = Record<string, OpenAPIV3_1.SchemaObject>;
const ERROR_REF = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string): OpenAPIV3_1.ResponseObject => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});
/** The id a named zod schema was registered under (`.meta({ id })`). */
const schemaId = (schema: z.ZodType): string => (z.globalRegistry.get(schema) as { id: string }).id;

/** Per route: the zod schemas as JSON Schema, plus the operation's id. */
export const transformRoute: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const method = Array.isArray(input.route.method) ? input.route.method[0] : input.route.method;
  const operationId = operationIdOf(String(method).toUpperCase(), input.url);
  if (!out.schema) return { ...out, schema: { operationId } };
  if (!out.schema.hide) out.schema.operationId ??= operationId;
  return out;
};

/** Zod schema → JSON Schema for components, with nested named schemas as `$ref`s. */
function toComponents(schemas: z.ZodType[]): Schemas {
  const registry = z.registry<{ id: string }>();
  for (const s of schemas) registry.add(s, { id: schemaId(s) });
  // OpenAPI 3.1 schema objects are JSON Schema 2020-12, the target asked for; zod and
  // openapi-types only spell that type differently.
  const out = z.toJSONSchema(registry, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` })
    .schemas as Schemas;
  for (const s of Object.values(out)) delete s.$schema;
  // Schemas named elsewhere would land in a `__shared` entry that the document cannot refer to.
  if ('__shared' in out) throw new Error('an event schema refers to a named route schema; inline it');
  return out;
}

/**
 * The whole document, after the routes: shared components, the Idempotency-Key header on
 * every POST under /v1, pagination parameters described once, the error answer on every
 * operation, and the outbound events under `webhooks`.
 */
export const transformDocument: typeof jsonSchemaTransformObject = (input) => {
  const doc = openApi31(jsonSchemaTransformObject(input));
  const components = (doc.components ??= {});
  components.parameters = {
    ...components.parameters,
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a create safe to retry: the first answer to a key is replayed (with `Idempotent-Replayed: true`) for 24 hours; the same key with another request is refused with 409 `idempotency_key_reused`, and while the first is running with 409 `idempotency_in_progress`. Keys are per organisation.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
    },
    Limit: {
      name: 'limit',
      in: 'query',
      required: false,
      description: 'Page size.',
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    },
    Cursor: {
      name: 'cursor',
      in: 'query',
      required: false,
      description:
        'The `next_cursor` of the previous page. Lists are newest first; a page is `{data, next_cursor}` and `next_cursor` is null on the last page.',
      schema: { type: 'string', maxLength: 200 },
    },
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of OPERATION_METHODS) {
      const op = operationOf(item, m);
      if (!op) continue;
      const parameters = (op.parameters ?? []).map((p) =>
        isRef(p)
          ? p
          : p.in === 'query' && p.name === 'limit'
            ? { $ref: '#/components/parameters/Limit' }
            : p.in === 'query' && p.name === 'cursor'
              ? { $ref: '#/components/parameters/Cursor' }
              : p,
      );
      op.parameters = parameters;
      const responses = (op.responses ??= {});
      // Errors are JSON even on a route that produces another media type (an event stream).
      for (const [status, r] of Object.entries(responses)) {
        if (isRef(r)) continue;
        const content = r.content;
        if (!/^[45]/.test(status) || !content || content['application/json']) continue;
        const first = Object.values(content)[0];
        if (first?.schema) r.content = { 'application/json': first };
      }
      if (m === 'post' && path.startsWith('/v1/') && !path.startsWith('/v1/admin/')) {
        parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
        responses['409'] ??= errorResponse(
          'Conflict: the state forbids it, or the Idempotency-Key was used with another request or is still in progress.',
        );
      }
      responses.default ??= path.startsWith('/v1/')
        ? errorResponse('Any other error, in the one error shape.')
        : { description: 'A page for the person in the browser, or an error; not part of the JSON API.' };
      if (parameters.length === 0) delete op.parameters;
    }
  }
  const events = ALL_EVENT_TYPES.map(eventBody);
  components.schemas = { ...components.schemas, ...toComponents(events) };
  components.schemas.WebhookEvent = {
    description: 'Any outbound event body; `type` tells which.',
    oneOf: events.map((e) => ({ $ref: `#/components/schemas/${schemaId(e)}` })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(ALL_EVENT_TYPES.map((t, i) => [t, `#/components/schemas/${schemaId(events[i]!)}`])),
    },
  };
  doc.webhooks = Object.fromEntries(
    ALL_EVENT_TYPES.map((type, i) => [
      type,
      {
        post: {
          operationId: `on${schemaId(events[i]!)}`,
          summary: `The \`${type}\` event`,
          description:
            "Signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); verify with the SDK's `verifyWebhook`. Answer 2xx; anything else is retried with back-off.",
          parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
            name,
            in: 'header',
            required: true,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaId(events[i]!)}` } } },
          },
          responses: { '200': { description: 'Received.' } },
        },
      },
    ]),
  );
  dropUnusedInputCopies(doc, components.schemas);
  applyExamples(doc);
  return doc;
};

/**
 * The zod provider adds an `<Name>Input` copy of every named schema for request bodies; the
 * copies of schemas only ever answered (with dates, which have no JSON input form) would sit
 * in the document untyped and unused, so those nothing refers to are left out.
 */
function dropUnusedInputCopies(doc: OpenAPIV3_1.Document, schemas: Schemas): void {
  for (;;) {
    const text = JSON.stringify(doc);
    const unused = Object.keys(schemas).filter(
      (name) => name.endsWith('Input') && !text.includes(`"#/components/schemas/${name}"`),
    );
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}
