/**
 * Request generators for the route-wide fuzz test: values drawn from each operation's own
 * OpenAPI schema, mixed with hostile ones (NUL, lone surrogates, 1 MB strings, deep nesting,
 * bad percent-encoding and bad UTF-8, huge numbers, unknown fields).
 */
import fc from 'fast-check';

/** A node of the OpenAPI document as JSON, walked by key: its members are untyped. */
export type Schema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema; required?: boolean }[];
  body: Schema | undefined;
}

export function operationsOf(doc: Schema): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out;
}

const deep = (n: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

/** Strings no input should turn into a 500. */
export const hostileString = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '',
  ' ',
  '%00',
  '%zz',
  '../../etc/passwd',
  "'; drop table orgs; --",
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'ü'.repeat(300),
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  'null',
  '00000000-0000-0000-0000-000000000000',
  '------------------------------------',
  'http://127.0.0.1:5432/',
  'http://[::ffff:0:7f00:1]/',
  'http://169.254.169.254/latest/meta-data',
  'ftp://example.invalid/',
  'eyJhdCI6IngiLCJpZCI6InkifQ',
  '2024-02-30T25:61:00Z',
  'x'.repeat(5000),
);
const bigString = fc.constant('y'.repeat(1024 * 1024));
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 6 },
  {
    arbitrary: fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1, -1, 2 ** 63, 1.2345678901234568e29),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      [],
      {},
      deep(50),
      deep(2000),
      { __proto__: { admin: true } },
      { constructor: { prototype: { x: 1 } } },
    ),
    weight: 2,
  },
  { arbitrary: bigString, weight: 1 },
);

/** A string that is safe to send anywhere (never a resolvable host name). */
const plainString = fc.string({ maxLength: 40 });

function resolve(doc: Schema, s: Schema): Schema {
  if (s?.$ref)
    return resolve(
      doc,
      s.$ref
        .split('/')
        .slice(1)
        .reduce((o: Schema, k: string) => o?.[k], doc),
    );
  return s ?? {};
}

/** Values of `schema`, with a hostile value in place of any part now and then. */
export function valueOf(doc: Schema, schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const own = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
    if (s.const !== undefined) return fc.constant(s.const);
    const alts = s.anyOf ?? s.oneOf;
    if (alts) return fc.oneof(...(alts as Schema[]).map((a) => valueOf(doc, a, depth + 1)));
    if (s.allOf) return valueOf(doc, s.allOf[0], depth + 1);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case 'string':
        if (s.format === 'uuid') return fc.uuid();
        if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        if (s.format === 'date')
          return fc
            .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10));
        return plainString;
      case 'integer':
        return fc.oneof(fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 }), fc.integer());
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return depth > 4 ? fc.constant([]) : fc.array(valueOf(doc, s.items ?? {}, depth + 1), { maxLength: 3 });
      case 'object':
      default: {
        if (depth > 4) return fc.constant({});
        const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
        if (!props.length) return fc.dictionary(plainString, plainString, { maxKeys: 2 });
        const rec = fc.record(Object.fromEntries(props.map(([k, v]) => [k, valueOf(doc, v, depth + 1)])), {
          requiredKeys: [],
        });
        // Sometimes a field the operation does not define.
        return fc
          .tuple(
            rec,
            fc.option(fc.constantFrom('unknown_field', '__proto__', 'constructor', 'org_id', 'a\u0000'), { freq: 4 }),
          )
          .map(([r, extra]) => (extra === null ? r : { ...r, [extra]: 1 }));
      }
    }
  })();
  return fc.oneof({ arbitrary: own, weight: 5 }, { arbitrary: hostileValue, weight: 1 });
}

/** Percent-encodes `v`; a lone surrogate goes out as the bytes of one (invalid UTF-8). */
export function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return `${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
}

/** A path parameter value: a real id of the org, a random one, or a hostile segment. */
export function pathValue(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.uuid(), weight: 3 },
    { arbitrary: known.length ? fc.constantFrom(...known) : fc.uuid(), weight: 3 },
    { arbitrary: fc.constantFrom('meta', 'wordpress', 'shopify', 'wix', 'linkedin', 'nope'), weight: 2 },
    { arbitrary: hostileString.map((v) => enc(v).slice(0, 500)), weight: 2 },
    { arbitrary: fc.constantFrom('%zz', '%E0%A4%A', '%00', 'a'.repeat(400), '%2e%2e%2f'), weight: 1 },
  );
}

export type RawBody = { kind: 'json'; value: unknown } | { kind: 'raw'; bytes: Buffer; type: string };

/** A body: JSON from the schema, or bytes that are not JSON or not UTF-8 at all. */
export function bodyOf(doc: Schema, schema: Schema | undefined): fc.Arbitrary<RawBody> {
  const json = (schema ? valueOf(doc, schema) : fc.oneof(fc.constant({}), hostileValue)).map((value): RawBody => ({
    kind: 'json',
    value,
  }));
  const raw = fc
    .constantFrom<[Buffer, string]>(
      [Buffer.from([0xff, 0xfe, 0x00, 0x7b]), 'application/json'],
      [Buffer.from('{"a":'), 'application/json'],
      [Buffer.from('[[[['.repeat(5000)), 'application/json'],
      [Buffer.from('{"a":"\\ud800"}'), 'application/json'],
      [Buffer.from('a=1&b=%zz'), 'application/x-www-form-urlencoded'],
      [Buffer.from('<x/>'), 'text/xml'],
      [Buffer.from('{}'), 'application/json; charset=latin1'],
    )
    .map(([bytes, type]): RawBody => ({ kind: 'raw', bytes, type }));
  return fc.oneof({ arbitrary: json, weight: 6 }, { arbitrary: raw, weight: 1 });
}
