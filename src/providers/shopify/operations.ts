/**
 * Every GraphQL document Plexus sends to Shopify, with its requested query cost (Shopify's rules:
 * an object 1, a connection 2 + page size × node cost, a mutation 10; the sandbox test checks
 * each figure against what the sandbox computes). Field names follow the 2026-10 Admin schema.
 */
import type { Operation } from './graphql-call.ts';
import type { ShopResource } from './content/mapping.ts';

const op = (name: string, cost: number, query: string): Operation => ({
  name,
  cost,
  query: query.replace(/\s+/g, ' ').trim(),
});

/** Page size of an incremental poll; a full read is a bulk operation. */
export const POLL_PAGE = { article: 100, page: 250, product: 250 } as const;
export const FIND_PAGE = 5;

const FIELDS: Record<ShopResource, { type: string; select: string; nodeCost: number }> = {
  // The article object, its author and its image: 3 points.
  article: {
    type: 'Article',
    select: 'id title body summary handle tags isPublished publishedAt updatedAt author { name } image { url altText }',
    nodeCost: 3,
  },
  page: { type: 'Page', select: 'id title body handle isPublished publishedAt updatedAt', nodeCost: 1 },
  product: {
    type: 'Product',
    select: 'id title descriptionHtml handle status tags productType updatedAt',
    nodeCost: 1,
  },
};

export interface ResourceOps {
  type: string;
  select: string;
  get: Operation;
  find: Operation;
  poll: Operation;
  create: Operation;
  update: Operation;
  remove: Operation;
  /** `n` creates in one request, aliased `c0`…: Shopify runs a document's mutations in order, 10 points each. */
  createMany(n: number): Operation;
  /** Payload keys of the mutations. */
  keys: { create: string; update: string; remove: string; deletedId: string };
  /** The query a bulk operation runs to read every item (filtered by `query`). */
  bulkQuery(search: string): string;
}

function resourceOps(r: ShopResource): ResourceOps {
  const { type, select, nodeCost } = FIELDS[r];
  const plural = `${r}s`;
  const page = POLL_PAGE[r];
  const input = type === 'Product' ? null : `${type}UpdateInput`;
  return {
    type,
    select,
    get: op(`${type}Get`, nodeCost, `query ${type}Get($id: ID!) { ${r}(id: $id) { ${select} } }`),
    find: op(
      `${type}FindByHandle`,
      2 + FIND_PAGE * nodeCost,
      `query ${type}FindByHandle($query: String!) { ${plural}(first: ${FIND_PAGE}, query: $query) { nodes { ${select} } } }`,
    ),
    poll: op(
      `${type}ChangedSince`,
      2 + page * nodeCost,
      `query ${type}ChangedSince($query: String!, $after: String) { ${plural}(first: ${page}, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { ${select} } pageInfo { hasNextPage endCursor } } }`,
    ),
    create:
      type === 'Product'
        ? op(
            'ProductCreate',
            10,
            `mutation ProductCreate($input: ProductCreateInput!) { productCreate(product: $input) { product { ${select} } userErrors { field message } } }`,
          )
        : op(
            `${type}Create`,
            10,
            `mutation ${type}Create($input: ${type}CreateInput!) { ${r}Create(${r}: $input) { ${r} { ${select} } userErrors { code field message } } }`,
          ),
    update:
      type === 'Product'
        ? op(
            'ProductUpdate',
            10,
            `mutation ProductUpdate($input: ProductUpdateInput!) { productUpdate(product: $input) { product { ${select} } userErrors { field message } } }`,
          )
        : op(
            `${type}Update`,
            10,
            `mutation ${type}Update($id: ID!, $input: ${input}!) { ${r}Update(id: $id, ${r}: $input) { ${r} { ${select} } userErrors { code field message } } }`,
          ),
    remove:
      type === 'Product'
        ? op(
            'ProductDelete',
            10,
            `mutation ProductDelete($id: ID!) { productDelete(input: { id: $id }) { deletedProductId userErrors { field message } } }`,
          )
        : op(
            `${type}Delete`,
            10,
            `mutation ${type}Delete($id: ID!) { ${r}Delete(id: $id) { deleted${type}Id userErrors { code field message } } }`,
          ),
    createMany: (n) => {
      const arg = type === 'Product' ? 'product' : r;
      const vars = Array.from({ length: n }, (_, k) => `$i${k}: ${type}CreateInput!`).join(', ');
      const fields = Array.from(
        { length: n },
        (_, k) =>
          `c${k}: ${r}Create(${arg}: $i${k}) { ${r} { ${select} } userErrors { ${type === 'Product' ? '' : 'code '}field message } }`,
      ).join(' ');
      return op(`${type}CreateMany`, 10 * n, `mutation ${type}CreateMany(${vars}) { ${fields} }`);
    },
    keys: { create: `${r}Create`, update: `${r}Update`, remove: `${r}Delete`, deletedId: `deleted${type}Id` },
    bulkQuery: (search) => `{ ${plural}(query: ${JSON.stringify(search)}) { edges { node { ${select} } } } }`,
  };
}

export const RESOURCE_OPS: Record<ShopResource, ResourceOps> = {
  article: resourceOps('article'),
  page: resourceOps('page'),
  product: resourceOps('product'),
};

export const SHOP = op('ShopIdentity', 1, 'query ShopIdentity { shop { id name myshopifyDomain } }');
export const FIRST_BLOG = op('FirstBlog', 3, 'query FirstBlog { blogs(first: 1) { nodes { id } } }');
export const BLOG_CREATE = op(
  'BlogCreate',
  10,
  'mutation BlogCreate($blog: BlogCreateInput!) { blogCreate(blog: $blog) { blog { id } userErrors { code field message } } }',
);

export const BULK_RUN = op(
  'BulkRun',
  10,
  'mutation BulkRun($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { code field message } } }',
);
export const BULK_POLL = op(
  'BulkPoll',
  1,
  'query BulkPoll($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode url objectCount } } }',
);

export const STAGED_UPLOAD = op(
  'StagedUpload',
  10,
  'mutation StagedUpload($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }',
);
export const FILE_CREATE = op(
  'FileCreate',
  10,
  'mutation FileCreate($files: [FileCreateInput!]!) { fileCreate(files: $files) { files { id fileStatus } userErrors { code field message } } }',
);
// MediaImage: the node and its image, the largest branch of the Node interface here.
export const FILE_POLL = op(
  'FilePoll',
  2,
  'query FilePoll($id: ID!) { node(id: $id) { ... on MediaImage { id fileStatus image { url } } } }',
);

export const WEBHOOK_CREATE = op(
  'WebhookCreate',
  10,
  'mutation WebhookCreate($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id } userErrors { field message } } }',
);
export const WEBHOOK_DELETE = op(
  'WebhookDelete',
  10,
  'mutation WebhookDelete($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }',
);
