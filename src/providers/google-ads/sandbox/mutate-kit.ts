/**
 * What every `…:mutate` service shares: one operation is `create`, `update` (+ `updateMask`) or
 * `remove`; each is checked against the world before anything changes, and each failure is a
 * GoogleAdsError whose location names the operation and the field (snake_case, as Google does).
 */
import type { AdsErrorDetail } from './errors.ts';
import type { Customer, GoogleWorld } from './world.ts';
import { text } from '../../../sandbox/kit/text.ts';

export type Obj = Record<string, unknown>;
export type OpKind = 'create' | 'update' | 'remove';

/** Where in the request a value sits: `operations[i].create.name`. */
export interface At {
  index: number;
  kind: OpKind;
}

/** An operation that passed its checks: applying it changes the world and names the resource. */
export type Checked = { ok: true; apply(): string } | { ok: false; errors: AdsErrorDetail[] };

/** A JSON-level rejection (unknown field, bad enum): google.rpc.BadRequest, no GoogleAdsFailure. */
export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MutateService {
  /** Proto message name, for unknown-field and enum messages. */
  message: string;
  /** Fields the message has, in camelCase as they come in REST JSON. */
  fields: readonly string[];
  create?(world: GoogleWorld, customerId: string, body: Obj, at: At, now: number): Checked;
  update?(world: GoogleWorld, customerId: string, body: Obj, mask: string[], at: At, now: number): Checked;
  remove?(world: GoogleWorld, customerId: string, resourceName: string, at: At, now: number): Checked;
}

export const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function location(at: At, field?: string): Record<string, unknown> {
  const path: Record<string, unknown>[] = [{ fieldName: 'operations', index: at.index }, { fieldName: at.kind }];
  if (field) for (const part of field.split('.')) path.push({ fieldName: part });
  return { fieldPathElements: path };
}

/** One GoogleAdsError at a field of the operation. */
export function fail(
  at: At,
  category: string,
  code: string,
  message: string,
  field?: string,
  trigger?: unknown,
): Checked {
  return {
    ok: false,
    errors: [
      {
        errorCode: { [category]: code },
        message,
        ...(trigger === undefined
          ? {}
          : { trigger: typeof trigger === 'string' ? { stringValue: trigger } : { int64Value: text(trigger) } }),
        location: location(at, field),
      },
    ],
  };
}

/** A field mask path the resource has but that cannot change after creation. */
export const immutableField = (at: At, path: string): Checked =>
  fail(at, 'fieldError', 'IMMUTABLE_FIELD', 'The field cannot be modified after creation.', path);

/** A field mask path the resource does not have. */
export const unknownMaskField = (at: At, path: string): Checked =>
  fail(
    at,
    'fieldMaskError',
    'FIELD_NOT_FOUND',
    `The field mask contained an invalid field: '${path}'.`,
    undefined,
    path,
  );

/** The first field mask path an update may not touch: immutable if the resource has it, else unknown. */
export function checkMask(
  at: At,
  mask: readonly string[],
  mutable: readonly string[],
  immutable: readonly string[],
): Checked | undefined {
  for (const path of mask) {
    if (mutable.includes(path)) continue;
    return immutable.includes(path) ? immutableField(at, path) : unknownMaskField(at, path);
  }
  return undefined;
}

/** An update that sets status REMOVED: removal has its own operation. */
export const removedByUpdate = (at: At): Checked =>
  fail(
    at,
    'fieldError',
    'INVALID_VALUE',
    'The field is not allowed to be set to REMOVED; use a remove operation.',
    'status',
  );

/** A name that is empty or only white space. */
export const blankName = (at: At): Checked =>
  fail(
    at,
    'stringLengthError',
    'EMPTY',
    'The specified field should have a least one non-whitespace character in it.',
    'name',
  );

export const required = (at: At, field: string): Checked =>
  fail(at, 'fieldError', 'REQUIRED', 'The required field was not present.', field);
export const notFound = (at: At, name: string): Checked =>
  fail(at, 'mutateError', 'RESOURCE_NOT_FOUND', 'The requested resource was not found.', undefined, name);
export const removedResource = (at: At): Checked =>
  fail(
    at,
    'operationAccessDeniedError',
    'OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE',
    'The operation is not allowed for removed resources.',
  );

/** Unknown JSON fields are refused before any business check, as the REST transcoder does. */
export function checkKnown(svc: MutateService, body: Obj, at: At): void {
  for (const k of Object.keys(body)) {
    if (!svc.fields.includes(k)) {
      throw new BadRequest(
        `operations[${at.index}].${at.kind}`,
        `Invalid JSON payload received. Unknown name "${k}" at 'operations[${at.index}].${at.kind}': Cannot find field.`,
      );
    }
  }
}

/** An enum field's value, or a transcoder rejection naming the proto enum. */
export function enumValue(
  body: Obj,
  key: string,
  allowed: readonly string[],
  enumName: string,
  at: At,
): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v)) {
    const field = `operations[${at.index}].${at.kind}.${snake(key)}`;
    throw new BadRequest(
      field,
      `Invalid value at '${field}' (type.googleapis.com/google.ads.googleads.v22.enums.${enumName}), ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** int64 fields come as JSON strings (numbers are tolerated, as protobuf JSON parsing does). */
export function int64(body: Obj, key: string, at: At): bigint | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if ((typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v))) return BigInt(v);
  const field = `operations[${at.index}].${at.kind}.${snake(key)}`;
  throw new BadRequest(field, `Invalid value at '${field}' (TYPE_INT64), ${JSON.stringify(v)}`);
}

/** `updateMask` as snake_case paths; Google's JSON field masks are camelCase, comma-separated. */
export function maskPaths(mask: unknown): string[] | undefined {
  if (typeof mask !== 'string' || !mask.trim()) return undefined;
  return mask
    .split(',')
    .map((p) => snake(p.trim()))
    .filter(Boolean);
}

export const customerOf = (world: GoogleWorld, id: string): Customer | undefined =>
  world.customers.find((c) => c.id === id);

/** The next free numeric id: above every id in the world, so created ids never collide. */
export function nextId(world: GoogleWorld): string {
  let max = 0n;
  for (const list of [world.campaigns, world.adGroups, world.ads, [...world.budgets.values()]]) {
    for (const x of list) if (BigInt(x.id) > max) max = BigInt(x.id);
  }
  return String(max + 1n + BigInt(Math.floor(Math.random() * 50)));
}

/** Today in the customer's time zone, `YYYY-MM-DD` (campaign dates are customer-local days). */
export function localToday(now: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(now),
  );
}
