/**
 * What every resolver needs: the shop, the caller's token (for scopes), whether a bulk
 * operation is reading, and Shopify's global ids (`gid://shopify/<Type>/<number>`).
 */
import { GraphQLError } from 'graphql';
import type { TokenRecord } from '../../../../sandbox/kit/tokens.ts';
import { hasScope, type ShopifyContext } from '../context.ts';
import { text } from '../../../../sandbox/kit/text.ts';

export interface GqlContext {
  shop: ShopifyContext;
  token: TokenRecord;
  /** The API version of the request path. */
  apiVersion: string;
  /** Set while a bulk operation runs its query: connections return every node. */
  bulk: boolean;
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** The number in a gid of the given type, or undefined. */
export function idOf(value: unknown, type: string): number | undefined {
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(text(value));
  return m && m[1] === type ? Number(m[2]) : undefined;
}

export function requireScope(ctx: GqlContext, scope: string, field: string): void {
  if (hasScope(ctx.token, scope)) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
}

/** ISO 8601 UTC with second precision, as the GraphQL Admin API renders DateTime. */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface UserError {
  code?: string;
  field: string[] | null;
  message: string;
}
