import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_CODES } from '../../core/errors.ts';
import { EVENT_TYPES } from '../../connections/events.ts';
import { buildOpenApiDocument } from './document.ts';
import { documentAjv, documentRef, responseChecker } from './conformance.ts';
import { EXAMPLES } from './examples/index.ts';
import { openApi31 } from './openapi31.ts';
import { OPERATION_IDS } from './operation-ids.ts';

const document = await buildOpenApiDocument();
// The tests walk the document by the paths they expect and assert on what they find.
const doc = document as Record<string, any>;
const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map(([method, op]) => ({ path, method, op })),
);

test('the document is a valid OpenAPI 3.1 document', async () => {
  const res = await new Validator().validate(structuredClone(doc));
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(res.valid, JSON.stringify(res.errors, null, 2));
});

test('every operation has an explicit operationId from operation-ids.ts, each one unique, none derived', () => {
  const ids = operations.map((o) => o.op.operationId);
  assert.ok(operations.length > 50);
  const key = (o: { method: string; path: string }) =>
    `${o.method.toUpperCase()} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`;
  // A route missing from OPERATION_IDS would carry a derived id: name it there.
  assert.deepEqual(operations.filter((o) => OPERATION_IDS[key(o)] === undefined).map(key), []);
  for (const o of operations) assert.equal(o.op.operationId, OPERATION_IDS[key(o)], key(o));
  // Nothing named there that no route declares (a renamed or removed route).
  assert.deepEqual(
    Object.keys(OPERATION_IDS).filter((k) => !operations.some((o) => key(o) === k)),
    [],
  );
  assert.equal(new Set(ids).size, ids.length);
});

test('the error schema lists every code of the registry', () => {
  assert.deepEqual([...doc.components.schemas.ErrorCode.enum].sort(), Object.keys(ERROR_CODES).sort());
  assert.equal(doc.components.schemas.Error.properties.error.properties.code.$ref, '#/components/schemas/ErrorCode');
});

test('every POST under /v1 declares the Idempotency-Key header and its 409', () => {
  const posts = operations.filter(
    (o) => o.method === 'post' && o.path.startsWith('/v1/') && !o.path.startsWith('/v1/admin/'),
  );
  assert.ok(posts.length > 15);
  for (const { path, op } of posts) {
    assert.ok(
      (op.parameters ?? []).some((p: any) => p.$ref === '#/components/parameters/IdempotencyKey'),
      path,
    );
    assert.ok(op.responses['409'], path);
  }
});

test('pagination parameters are described once and referred to', () => {
  const lists = operations.filter((o) =>
    (o.op.parameters ?? []).some((p: any) => p.$ref === '#/components/parameters/Cursor'),
  );
  assert.ok(lists.length >= 10);
  for (const { op } of operations)
    assert.ok(!(op.parameters ?? []).some((p: any) => p.in === 'query' && (p.name === 'cursor' || p.name === 'limit')));
});

test('every $ref of the document resolves', () => {
  const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
  assert.ok(refs.length > 100);
  for (const r of new Set(refs)) {
    const target = r.slice(8, -1);
    assert.match(target, /^#\//, target);
    let node: any = doc;
    for (const part of target.slice(2).split('/')) node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    assert.ok(node, `unresolved ${target}`);
  }
});

test('every outbound event type is in the webhooks section with its payload', () => {
  for (const type of [...EVENT_TYPES, 'webhook.test']) {
    const ref = doc.webhooks[type]?.post?.requestBody?.content?.['application/json']?.schema?.$ref as string;
    assert.ok(ref, type);
    const schema = doc.components.schemas[ref.split('/').pop()!];
    assert.deepEqual(schema.properties.type, { type: 'string', const: type });
    assert.ok(schema.properties.data.properties, type);
  }
});

test('status-like fields are enums and no field outside free-form payloads is untyped', () => {
  assert.ok(doc.components.schemas.ConnectionStatus.enum.includes('needs_reauth'));
  const untyped: string[] = [];
  const walk = (n: unknown, at: string): void => {
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      const slot = ['schema', 'items', 'additionalProperties'].includes(k) || at.endsWith('.properties');
      if (slot && v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((x) => x === 'description'))
        untyped.push(`${at}.${k}`);
      // `{}` as a member of anyOf/oneOf (z.unknown().nullable()) is as untyped as anywhere
      if (['anyOf', 'oneOf'].includes(k) && Array.isArray(v)) {
        v.forEach(
          (m, i) =>
            m &&
            typeof m === 'object' &&
            Object.keys(m).every((x) => x === 'description') &&
            untyped.push(`${at}.${k}.${i}`),
        );
      }
      walk(v, `${at}.${k}`);
    }
  };
  walk(doc, '#');
  const free = untyped.filter(
    (u) =>
      !u.startsWith('#.components.schemas.FreeFormObject') &&
      !u.includes('/v1/conflicts/{id}/resolve.post.requestBody'),
  );
  assert.deepEqual(free, []);
});

test('the response check refuses an undeclared status and a body that does not match', () => {
  const check = responseChecker(() => document);
  // A JSON answer of a GET: what the checker says about it.
  const verdict = (url: string, status: number, body: string) =>
    check({ method: 'GET', url, status, contentType: 'application/json', body });
  assert.match(verdict('/v1/org', 200, '{"nope":1}') ?? '', /not matching/);
  assert.match(verdict('/v1/connections/:id', 200, '{"id":"x","status":"happy"}') ?? '', /not matching/);
  assert.match(verdict('/v1/org', 404, '{"error":{"code":"made_up","message":"x"}}') ?? '', /not matching/);
  assert.equal(verdict('/v1/org', 404, '{"error":{"code":"not_found","message":"x"}}'), undefined);
  const withoutDefault = structuredClone(doc);
  delete withoutDefault.paths['/connect/{token}'].get.responses?.default;
  assert.equal(
    responseChecker(() => openApi31(withoutDefault))({
      method: 'GET',
      url: '/connect/:token',
      status: 418,
      contentType: 'text/html',
      body: '',
    })?.includes('does not declare'),
    true,
  );
});

test('every operation has a request example where it takes a body and a 2xx answer example (or is a redirect), each valid against its own schema', () => {
  const ajv = documentAjv(document);
  const missing: string[] = [];
  const invalid: string[] = [];
  let checked = 0;
  const check = (where: string, schemaAt: string[], media: any) => {
    const examples = Object.values<any>(media.examples ?? {});
    if (examples.length === 0) return false;
    const validate = ajv.compile(documentRef(...schemaAt));
    for (const e of examples) {
      checked++;
      if (!validate(e.value)) invalid.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    return true;
  };
  for (const { path, method, op } of operations) {
    const at = `${op.operationId} (${method.toUpperCase()} ${path})`;
    for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
      if (!check(`${at} request`, ['paths', path, method, 'requestBody', 'content', type, 'schema'], media))
        missing.push(`${at}: no request example`);
    }
    let answered = false;
    for (const [status, res] of Object.entries<any>(op.responses)) {
      for (const [type, media] of Object.entries<any>(res.content ?? {})) {
        if (
          check(
            `${at} ${status} ${type}`,
            ['paths', path, method, 'responses', status, 'content', type, 'schema'],
            media,
          ) &&
          status.startsWith('2')
        )
          answered = true;
      }
    }
    const redirectOnly =
      !Object.keys(op.responses).some((s) => s.startsWith('2')) &&
      Object.entries<any>(op.responses).some(([s, r]) => s.startsWith('3') && r.headers?.Location?.example);
    if (!answered && !redirectOnly) missing.push(`${at}: no 2xx answer example`);
  }
  assert.deepEqual(missing, []);
  assert.deepEqual(invalid, []);
  assert.ok(checked >= operations.length);
  // Every example belongs to an operation of the document.
  const ids = new Set(operations.map((o) => o.op.operationId));
  assert.deepEqual(
    Object.keys(EXAMPLES).filter((id) => !ids.has(id)),
    [],
  );
});

test('an example that does not match its schema is caught', () => {
  const ajv = documentAjv(document);
  const validate = ajv.compile(
    documentRef('paths', '/v1/connections/{id}', 'get', 'responses', '200', 'content', 'application/json', 'schema'),
  );
  const good =
    doc.paths['/v1/connections/{id}'].get.responses['200'].content['application/json'].examples.example.value;
  assert.equal(validate(good), true);
  assert.equal(validate({ ...good, status: 'happy' }), false);
});
