/** Prints figures about the OpenAPI document: operations with ids and examples, enums, untyped fields. */
import type { OpenAPIV3_1 } from 'openapi-types';
import { buildOpenApiDocument } from '../src/api/openapi/document.ts';
import { isRef, operationOf, OPERATION_METHODS } from '../src/api/openapi/openapi31.ts';
import { OPERATION_IDS } from '../src/api/openapi/operation-ids.ts';

const doc = await buildOpenApiDocument();
let operations = 0;
let withId = 0;
let explicitId = 0;
let withExamples = 0;
let enums = 0;
let untyped = 0;
let plainStatus = 0;
const untypedAt: string[] = [];
const TYPE_KEYS = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'not'];

function walk(node: unknown, path: string, freeForm: boolean): void {
  if (Array.isArray(node)) {
    // members of anyOf/oneOf/allOf are schema slots too: `{}` there is as untyped as anywhere
    if (/\.(anyOf|oneOf|allOf)$/.test(path)) {
      node.forEach((n, i) => {
        if (n && typeof n === 'object' && !TYPE_KEYS.some((t) => t in n) && !freeForm) {
          untyped++;
          untypedAt.push(`${path}[${i}]`);
        }
      });
    }
    return node.forEach((n, i) => walk(n, `${path}[${i}]`, freeForm));
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o.enum)) enums++;
  if (o.properties && typeof o.properties === 'object') {
    for (const [name, s] of Object.entries(o.properties as Record<string, unknown>)) {
      const sch = s as Record<string, unknown>;
      if (/(^|_)(status|state|outcome|kind|level|reason)$/.test(name) && sch.type === 'string' && !sch.enum)
        plainStatus++;
    }
  }
  for (const [k, v] of Object.entries(o)) {
    const isSchemaSlot =
      ['schema', 'items', 'additionalProperties'].includes(k) ||
      path.endsWith('.properties') ||
      /\.(anyOf|oneOf|allOf)$/.test(path) ||
      path.endsWith('.schemas');
    if (isSchemaSlot && v && typeof v === 'object' && !Array.isArray(v)) {
      const s = v as Record<string, unknown>;
      const free = s['x-free-form'] === true;
      if (!TYPE_KEYS.some((t) => t in s) && !free && !freeForm) {
        untyped++;
        untypedAt.push(`${path}.${k}`);
      }
    }
    walk(v, `${path}.${k}`, freeForm);
  }
}

type BodySlot = OpenAPIV3_1.RequestBodyObject | OpenAPIV3_1.ResponseObject | OpenAPIV3_1.ReferenceObject | undefined;
const mediaOf = (x: BodySlot) => (x && !isRef(x) ? Object.values(x.content ?? {}) : []);
const hasLocationExample = (r: OpenAPIV3_1.ResponseObject | OpenAPIV3_1.ReferenceObject) => {
  const location = isRef(r) ? undefined : r.headers?.Location;
  return !!location && !isRef(location) && Boolean(location.example);
};

for (const [p, item] of Object.entries(doc.paths ?? {})) {
  for (const m of OPERATION_METHODS) {
    const op = operationOf(item, m);
    if (!op) continue;
    operations++;
    if (op.operationId) withId++;
    if (op.operationId && OPERATION_IDS[`${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`] === op.operationId)
      explicitId++;
    const responses = Object.values(op.responses ?? {});
    const media = [op.requestBody, ...responses].flatMap(mediaOf);
    if (media.some((x) => x.examples !== undefined) || responses.some(hasLocationExample)) withExamples++;
  }
}
walk(doc, '#', false);
const out = {
  operations,
  operations_with_id: withId,
  operations_with_explicit_id: explicitId,
  operations_with_examples: withExamples,
  enums,
  untyped_fields: untyped,
  plain_string_status_fields: plainStatus,
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
if (process.argv.includes('--list')) process.stdout.write(`${untypedAt.join('\n')}\n`);
