/**
 * The part of Shopify's GraphQL Admin schema (2026-10) that Plexus and the official clients use:
 * shop identity, blogs, articles, pages and products (queries, connections, mutations with
 * typed userErrors), staged uploads and files, webhook subscriptions and bulk operations.
 * Names and shapes follow shopify.dev/docs/api/admin-graphql; fields nobody calls are left out.
 */
import { buildSchema } from 'graphql';

const connection = (t: string) => `
type ${t}Connection { edges: [${t}Edge!]! nodes: [${t}!]! pageInfo: PageInfo! }
type ${t}Edge { cursor: String! node: ${t}! }`;

const listArgs = (sortKeys: string) =>
  `(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean = false, sortKey: ${sortKeys} = ID)`;

const userError = (t: string, codes: string, codeEnum = `${t}UserErrorCode`) => `
type ${t}UserError { code: ${codeEnum} field: [String!] message: String! }
enum ${codeEnum} { ${codes} }`;

const CONTENT_CODES = 'BLANK INVALID NOT_FOUND TAKEN TOO_LONG AMBIGUOUS_IMAGE_INPUT UPLOAD_FAILED';

export const SDL = `
scalar DateTime
scalar HTML
scalar URL
scalar UnsignedInt64

interface Node { id: ID! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type Count { count: Int! precision: CountPrecision! }
enum CountPrecision { EXACT AT_LEAST }

enum CurrencyCode { USD EUR GBP CAD }
type Domain { id: ID! host: String! url: URL! }
type ShopPlan { partnerDevelopment: Boolean! shopifyPlus: Boolean! publicDisplayName: String! }
type Shop implements Node {
  id: ID! name: String! email: String! myshopifyDomain: String! primaryDomain: Domain!
  currencyCode: CurrencyCode! ianaTimezone: String! plan: ShopPlan! createdAt: DateTime! updatedAt: DateTime!
}

type Image { id: ID url: URL! altText: String width: Int height: Int }

enum CommentPolicy { AUTO_PUBLISHED CLOSED MODERATED }
type Blog implements Node {
  id: ID! title: String! handle: String! commentPolicy: CommentPolicy! tags: [String!]!
  createdAt: DateTime! updatedAt: DateTime templateSuffix: String
  articles${listArgs('ArticleSortKeys')}: ArticleConnection!
  articlesCount: Count
}
${connection('Blog')}
enum BlogSortKeys { ID HANDLE TITLE }

type ArticleAuthor { name: String! }
type Article implements Node {
  id: ID! title: String! body: HTML! summary: HTML handle: String! author: ArticleAuthor tags: [String!]!
  isPublished: Boolean! publishedAt: DateTime createdAt: DateTime! updatedAt: DateTime
  image: Image blog: Blog! templateSuffix: String
}
${connection('Article')}
enum ArticleSortKeys { ID TITLE UPDATED_AT PUBLISHED_AT AUTHOR BLOG_TITLE RELEVANCE }

type Page implements Node {
  id: ID! title: String! body: HTML! bodySummary: String! handle: String! isPublished: Boolean!
  publishedAt: DateTime createdAt: DateTime! updatedAt: DateTime! templateSuffix: String
}
${connection('Page')}
enum PageSortKeys { ID TITLE UPDATED_AT PUBLISHED_AT RELEVANCE }

enum ProductStatus { ACTIVE ARCHIVED DRAFT }
type Product implements Node {
  id: ID! title: String! descriptionHtml: HTML! description: String! handle: String! status: ProductStatus!
  tags: [String!]! productType: String! vendor: String! createdAt: DateTime! updatedAt: DateTime! publishedAt: DateTime
  templateSuffix: String legacyResourceId: UnsignedInt64!
}
${connection('Product')}
enum ProductSortKeys { ID TITLE UPDATED_AT CREATED_AT PRODUCT_TYPE VENDOR PUBLISHED_AT RELEVANCE }

enum FileStatus { UPLOADED PROCESSING READY FAILED }
type FileError { code: String! details: String message: String! }
interface File { id: ID! alt: String createdAt: DateTime! fileStatus: FileStatus! fileErrors: [FileError!]! }
type MediaImage implements Node & File {
  id: ID! alt: String createdAt: DateTime! fileStatus: FileStatus! fileErrors: [FileError!]! image: Image mimeType: String
}

enum WebhookSubscriptionTopic {
  APP_UNINSTALLED BULK_OPERATIONS_FINISH
  PRODUCTS_CREATE PRODUCTS_UPDATE PRODUCTS_DELETE
  ARTICLES_CREATE ARTICLES_UPDATE ARTICLES_DELETE
  PAGES_CREATE PAGES_UPDATE PAGES_DELETE
}
enum WebhookSubscriptionFormat { JSON XML }
type ApiVersion { handle: String! displayName: String! supported: Boolean! }
type WebhookSubscription implements Node {
  id: ID! topic: WebhookSubscriptionTopic! uri: String! format: WebhookSubscriptionFormat! includeFields: [String!]!
  apiVersion: ApiVersion! createdAt: DateTime! updatedAt: DateTime! legacyResourceId: UnsignedInt64!
}
${connection('WebhookSubscription')}

enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationType { MUTATION QUERY }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
type BulkOperation implements Node {
  id: ID! status: BulkOperationStatus! type: BulkOperationType! errorCode: BulkOperationErrorCode query: String!
  createdAt: DateTime! completedAt: DateTime objectCount: UnsignedInt64! rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64 url: URL partialDataUrl: URL
}
type BulkOperationUserError { code: BulkOperationUserErrorCode field: [String!] message: String! }
enum BulkOperationUserErrorCode { INVALID LIMIT_REACHED OPERATION_IN_PROGRESS }

type UserError { field: [String!] message: String! }
${userError('ArticleCreate', CONTENT_CODES)}
${userError('ArticleUpdate', CONTENT_CODES)}
${userError('ArticleDelete', 'NOT_FOUND')}
${userError('BlogCreate', CONTENT_CODES)}
${userError('PageCreate', CONTENT_CODES)}
${userError('PageUpdate', CONTENT_CODES)}
${userError('PageDelete', 'NOT_FOUND')}
${userError('Files', 'INVALID BLANK FILE_DOES_NOT_EXIST UNACCEPTABLE_ASSET INVALID_FILENAME', 'FilesErrorCode')}

type QueryRoot {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  blog(id: ID!): Blog
  blogs${listArgs('BlogSortKeys')}: BlogConnection!
  article(id: ID!): Article
  articles${listArgs('ArticleSortKeys')}: ArticleConnection!
  page(id: ID!): Page
  pages${listArgs('PageSortKeys')}: PageConnection!
  product(id: ID!): Product
  products${listArgs('ProductSortKeys')}: ProductConnection!
  webhookSubscription(id: ID!): WebhookSubscription
  webhookSubscriptions(first: Int, after: String, last: Int, before: String, topics: [WebhookSubscriptionTopic!], uri: String): WebhookSubscriptionConnection!
  bulkOperation(id: ID!): BulkOperation
}

input AuthorInput { name: String userId: ID }
input ArticleImageInput { url: String altText: String }
input ArticleCreateInput {
  blogId: ID title: String! body: HTML summary: HTML handle: String author: AuthorInput! tags: [String!]
  isPublished: Boolean publishDate: DateTime image: ArticleImageInput templateSuffix: String
}
input ArticleUpdateInput {
  blogId: ID title: String body: HTML summary: HTML handle: String author: AuthorInput tags: [String!]
  isPublished: Boolean publishDate: DateTime image: ArticleImageInput templateSuffix: String redirectNewHandle: Boolean
}
input BlogCreateInput { title: String! handle: String commentPolicy: CommentPolicy templateSuffix: String }
input PageCreateInput { title: String! body: HTML handle: String isPublished: Boolean publishDate: DateTime templateSuffix: String }
input PageUpdateInput { title: String body: HTML handle: String isPublished: Boolean publishDate: DateTime templateSuffix: String redirectNewHandle: Boolean }
input ProductCreateInput { title: String! descriptionHtml: String handle: String status: ProductStatus tags: [String!] productType: String vendor: String templateSuffix: String }
input ProductUpdateInput { id: ID! title: String descriptionHtml: String handle: String status: ProductStatus tags: [String!] productType: String vendor: String templateSuffix: String }
input ProductDeleteInput { id: ID! }

enum StagedUploadTargetGenerateUploadResource { IMAGE FILE VIDEO MODEL_3D COLLECTION_IMAGE PRODUCT_IMAGE SHOP_IMAGE }
enum StagedUploadHttpMethodType { POST PUT }
input StagedUploadInput { resource: StagedUploadTargetGenerateUploadResource! filename: String! mimeType: String! httpMethod: StagedUploadHttpMethodType = PUT fileSize: UnsignedInt64 }
type StagedUploadParameter { name: String! value: String! }
type StagedMediaUploadTarget { url: URL resourceUrl: URL parameters: [StagedUploadParameter!]! }
enum FileContentType { FILE IMAGE VIDEO EXTERNAL_VIDEO MODEL_3D }
input FileCreateInput { originalSource: String! contentType: FileContentType alt: String filename: String }

input WebhookSubscriptionInput { uri: String callbackUrl: URL format: WebhookSubscriptionFormat includeFields: [String!] }

type ArticleCreatePayload { article: Article userErrors: [ArticleCreateUserError!]! }
type ArticleUpdatePayload { article: Article userErrors: [ArticleUpdateUserError!]! }
type ArticleDeletePayload { deletedArticleId: ID userErrors: [ArticleDeleteUserError!]! }
type BlogCreatePayload { blog: Blog userErrors: [BlogCreateUserError!]! }
type PageCreatePayload { page: Page userErrors: [PageCreateUserError!]! }
type PageUpdatePayload { page: Page userErrors: [PageUpdateUserError!]! }
type PageDeletePayload { deletedPageId: ID userErrors: [PageDeleteUserError!]! }
type ProductCreatePayload { product: Product userErrors: [UserError!]! }
type ProductUpdatePayload { product: Product userErrors: [UserError!]! }
type ProductDeletePayload { deletedProductId: ID userErrors: [UserError!]! }
type StagedUploadsCreatePayload { stagedTargets: [StagedMediaUploadTarget!] userErrors: [UserError!]! }
type FileCreatePayload { files: [File!] userErrors: [FilesUserError!]! }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }
type WebhookSubscriptionUpdatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }
type WebhookSubscriptionDeletePayload { deletedWebhookSubscriptionId: ID userErrors: [UserError!]! }
type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }
type BulkOperationCancelPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }

type Mutation {
  articleCreate(article: ArticleCreateInput!): ArticleCreatePayload
  articleUpdate(id: ID!, article: ArticleUpdateInput!): ArticleUpdatePayload
  articleDelete(id: ID!): ArticleDeletePayload
  blogCreate(blog: BlogCreateInput!): BlogCreatePayload
  pageCreate(page: PageCreateInput!): PageCreatePayload
  pageUpdate(id: ID!, page: PageUpdateInput!): PageUpdatePayload
  pageDelete(id: ID!): PageDeletePayload
  productCreate(product: ProductCreateInput!): ProductCreatePayload
  productUpdate(product: ProductUpdateInput!): ProductUpdatePayload
  productDelete(input: ProductDeleteInput!): ProductDeletePayload
  stagedUploadsCreate(input: [StagedUploadInput!]!): StagedUploadsCreatePayload
  fileCreate(files: [FileCreateInput!]!): FileCreatePayload
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  webhookSubscriptionUpdate(id: ID!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionUpdatePayload
  webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
  bulkOperationRunQuery(query: String!): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
}

schema { query: QueryRoot mutation: Mutation }
`;

export const schema = buildSchema(SDL);
