/** Prints figures about the OpenAPI document: operations with ids, enums, untyped fields. */
import { buildOpenApiDocument } from '../src/api/openapi/document.ts';

const doc = await buildOpenApiDocument();
let operations = 0;
let withId = 0;
let enums = 0;
let untyped = 0;
let plainStatus = 0;
const untypedAt: string[] = [];
const TYPE_KEYS = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', 'not'];

function walk(node: unknown, path: string, freeForm: boolean): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`, freeForm));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o.enum)) enums++;
  if (o.properties && typeof o.properties === 'object') {
    for (const [name, s] of Object.entries(o.properties as Record<string, unknown>)) {
      const sch = s as Record<string, unknown>;
      if (/(^|_)(status|state|outcome|kind|level|reason)$/.test(name) && sch.type === 'string' && !sch.enum) plainStatus++;
    }
  }
  for (const [k, v] of Object.entries(o)) {
    const isSchemaSlot = ['schema', 'items', 'additionalProperties'].includes(k) || path.endsWith('.properties') || /\.(anyOf|oneOf|allOf)$/.test(path) || path.endsWith('.schemas');
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

for (const [p, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, any>>)) {
  for (const [m, op] of Object.entries(item)) {
    if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
    operations++;
    if (op.operationId) withId++;
  }
}
walk(doc, '#', false);
const out = { operations, operations_with_id: withId, enums, untyped_fields: untyped, plain_string_status_fields: plainStatus };
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
if (process.argv.includes('--list')) process.stdout.write(`${untypedAt.join('\n')}\n`);
