/**
 * A polling cursor as the opaque string the engine keeps between pages: the adapter's own state
 * as base64url JSON. Only the adapter that wrote one reads it back.
 */
export const encodeCursor = <C>(c: C): string => Buffer.from(JSON.stringify(c)).toString('base64url');

export const decodeCursor = <C>(v: string): C => JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as C;
