import type { OpenAPIV3, OpenAPIV3_1 } from 'openapi-types';

/**
 * The document model the openapi code edits: @fastify/swagger types what it hands over as any
 * OpenAPI version, while the app registers it with `openapi: '3.1.0'`.
 */
export type Document = OpenAPIV3_1.Document;

/** The 3.1 document the app builds; a document of another version means the wiring changed. */
export function openApi31(doc: object): Document {
  if (!('openapi' in doc) || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.1.')) {
    throw new Error(
      `expected an OpenAPI 3.1 document, got version ${'openapi' in doc ? JSON.stringify(doc.openapi) : 'none'}`,
    );
  }
  return doc as Document;
}

/**
 * The operation under `method` of a path item. openapi-types declares a 3.1 path item's methods
 * as its own operations and 3.0's at once (an intersection nothing can be assigned to); the
 * 3.1 operation is the one the document holds.
 */
export const operationOf = (
  item: OpenAPIV3_1.PathItemObject | undefined,
  method: `${OpenAPIV3.HttpMethods}`,
): OpenAPIV3_1.OperationObject | undefined => item?.[method];

/** A `$ref` in a slot that may hold either a reference or the object itself. */
export const isRef = <T extends object>(x: T): x is Extract<T, { $ref: string }> => '$ref' in x;

/** The methods the routes declare, as the keys of a path item. */
export const OPERATION_METHODS = [
  'get',
  'put',
  'post',
  'patch',
  'delete',
] as const satisfies readonly `${OpenAPIV3.HttpMethods}`[];

const HTTP_METHODS: ReadonlySet<string> = new Set<`${OpenAPIV3.HttpMethods}`>([
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]);

/** A request method (lower-cased) as a path item key. */
export const isHttpMethod = (m: string): m is `${OpenAPIV3.HttpMethods}` => HTTP_METHODS.has(m);
