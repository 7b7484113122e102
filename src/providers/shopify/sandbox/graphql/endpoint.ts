/**
 * `POST /admin/api/{version}/graphql.json`: authenticate (`X-Shopify-Access-Token`, a 401 as
 * on the platform), parse and validate with graphql-js against the schema, size the requested
 * cost, refuse it above the single-query maximum (MAX_COST_EXCEEDED) or when the bucket lacks it
 * (THROTTLED, in a 200), execute, refund the difference to the actual cost, and answer with
 * `extensions.cost` (requestedQueryCost, actualQueryCost, throttleStatus).
 */
import {
  executeSync,
  getVariableValues,
  type GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../../sandbox/kit/server.ts';
import { authenticate, shopDomain, type ShopifyContext } from '../context.ts';
import type { CostBucket } from '../cost-bucket.ts';
import type { ShopifyWebhooks } from '../webhooks.ts';
import { gid, iso, type GqlContext } from './access.ts';
import type { BulkOperations } from './bulk.ts';
import { contentRoot, one } from './content.ts';
import { MAX_QUERY_COST, operationCost } from './cost.ts';
import type { ShopMedia } from './media.ts';
import { schema } from './schema.ts';
import { webhookRoot } from './webhook-subscriptions.ts';

export interface GraphqlDeps {
  ctx: ShopifyContext;
  bucket: CostBucket;
  hooks: ShopifyWebhooks;
  media: ShopMedia;
  bulk: BulkOperations;
  /** The version a request path names (resolved to a supported one). */
  apiVersion(req: SandboxRequest): string;
  /** Told the points each executed query cost (for benchmarks counting in query cost). */
  charged?(actualCost: number): void;
}

const NODE_TYPES: Record<string, 'blog' | 'article' | 'page' | 'product'> = {
  Blog: 'blog',
  Article: 'article',
  Page: 'page',
  Product: 'product',
};

function shopNode(ctx: ShopifyContext): Record<string, unknown> {
  const c = ctx.config;
  const created = iso(Date.parse('2023-03-01T20:00:00Z'));
  return {
    __typename: 'Shop',
    id: gid('Shop', 548380009),
    name: c.shop.replace(/[-_]/g, ' ').replace(/\b\w/g, (m) => m.toUpperCase()),
    email: `owner@${c.shop}.example`,
    myshopifyDomain: shopDomain(c),
    primaryDomain: { id: gid('Domain', 1), host: shopDomain(c), url: `https://${shopDomain(c)}` },
    currencyCode: 'USD',
    ianaTimezone: 'America/New_York',
    plan: { partnerDevelopment: false, shopifyPlus: false, publicDisplayName: 'Basic' },
    createdAt: created,
    updatedAt: created,
  };
}

export function rootValue(d: GraphqlDeps): Record<string, (args: Record<string, unknown>, g: GqlContext) => unknown> {
  const content = contentRoot();
  return {
    ...content,
    ...webhookRoot(d.hooks),
    shop: () => shopNode(d.ctx),
    node: (a, g) => nodeById(d, g, a['id']),
    nodes: (a, g) => (a['ids'] as unknown[]).map((id) => nodeById(d, g, id)),
    bulkOperation: (a, g) => d.bulk.node(g, a['id']),
    bulkOperationRunQuery: (a, g) => d.bulk.runQuery(g, String(a['query'])),
    bulkOperationCancel: (a, g) => d.bulk.cancel(g, a['id']),
    stagedUploadsCreate: (a, g) => d.media.stagedUploadsCreate(g, a['input'] as never),
    fileCreate: (a, g) => d.media.fileCreate(g, a['files'] as never),
  };
}

function nodeById(d: GraphqlDeps, g: GqlContext, id: unknown): unknown {
  const type = /^gid:\/\/shopify\/(\w+)\//.exec(String(id))?.[1] ?? '';
  const kind = NODE_TYPES[type];
  if (kind) return one(g, kind, id, 'node');
  if (type === 'MediaImage') return d.media.node(d.ctx, id);
  if (type === 'BulkOperation') return d.bulk.node(g, id);
  if (type === 'WebhookSubscription') return webhookRoot(d.hooks)['webhookSubscription']!({ id }, g);
  if (type === 'Shop') return shopNode(d.ctx);
  return null;
}

/** Runs a document (an API call or a bulk operation's query) with the resolvers. */
export function runDocument(
  d: GraphqlDeps,
  doc: DocumentNode,
  g: GqlContext,
  variables?: Record<string, unknown>,
  operationName?: string,
) {
  return executeSync({
    schema,
    document: doc,
    rootValue: rootValue(d),
    contextValue: g,
    ...(variables ? { variableValues: variables } : {}),
    ...(operationName ? { operationName } : {}),
  });
}

function errorsOnly(
  errors: readonly GraphQLError[] | readonly { message: string; extensions?: unknown }[],
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return json(200, {
    errors: errors.map((e) => ('toJSON' in e && typeof e.toJSON === 'function' ? e.toJSON() : e)),
    ...extra,
  });
}

export function graphqlRoutes(r: Router, d: GraphqlDeps): void {
  r.add('POST', '/graphql', (req) => {
    const auth = authenticate(d.ctx, req);
    if (!auth.ok) return auth.res;
    const ct = String(req.headers['content-type'] ?? '');
    const body = ct.includes('application/graphql') ? { query: req.rawBody.toString('utf8') } : req.body;
    const query = body['query'];
    if (typeof query !== 'string' || query.trim() === '')
      return json(400, { errors: { query: 'Required parameter missing or invalid' } });
    const variables =
      body['variables'] && typeof body['variables'] === 'object' ? (body['variables'] as Record<string, unknown>) : {};
    const operationName = typeof body['operationName'] === 'string' ? body['operationName'] : undefined;

    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      return errorsOnly([e as GraphQLError]);
    }
    const invalid = validate(schema, doc);
    if (invalid.length) return errorsOnly(invalid);
    const ops = doc.definitions.filter((x): x is OperationDefinitionNode => x.kind === Kind.OPERATION_DEFINITION);
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
    if (!op)
      return errorsOnly([
        {
          message: operationName
            ? `No operation named "${operationName}"`
            : 'An operation name is required when the document holds several operations',
        },
      ]);
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
    if (coerced.errors) return errorsOnly(coerced.errors);
    const fragments = Object.fromEntries(
      doc.definitions
        .filter((x): x is FragmentDefinitionNode => x.kind === Kind.FRAGMENT_DEFINITION)
        .map((f) => [f.name.value, f]),
    );

    const cost = operationCost(schema, op, fragments, coerced.coerced);
    if (cost.requested > MAX_QUERY_COST) {
      return errorsOnly([
        {
          message: `Query cost is ${cost.requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}). See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the cost of a query is calculated. To query larger amounts of data with fewer limits, bulk operations should be used instead. See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.`,
          extensions: {
            code: 'MAX_COST_EXCEEDED',
            cost: cost.requested,
            maxCost: MAX_QUERY_COST,
            documentation: 'https://shopify.dev/api/usage/rate-limits',
          },
        },
      ]);
    }
    if (!d.bucket.take(cost.requested)) {
      return errorsOnly(
        [
          {
            message: 'Throttled',
            extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
          },
        ],
        {
          extensions: {
            cost: { requestedQueryCost: cost.requested, actualQueryCost: null, throttleStatus: d.bucket.status() },
          },
        },
      );
    }
    const g: GqlContext = { shop: d.ctx, token: auth.record, apiVersion: d.apiVersion(req), bulk: false };
    const result = runDocument(d, doc, g, variables, operationName);
    const actual = Math.min(cost.requested, cost.actual(result.data));
    d.bucket.refund(cost.requested - actual);
    d.charged?.(actual);
    return json(200, {
      ...(result.errors?.length ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
      data: result.data ?? null,
      extensions: {
        cost: { requestedQueryCost: cost.requested, actualQueryCost: actual, throttleStatus: d.bucket.status() },
      },
    });
  });
}
