import { AT, ID, page, type Examples } from './kit.ts';

const body_html = '<p>Our winter collection is here: boots, coats and scarves made to last.</p>';
const item = {
  id: ID.item,
  external_id: 'cms-post-1042',
  kind: 'post',
  title: 'The winter collection is here',
  body_html,
  excerpt: 'Boots, coats and scarves made to last.',
  slug: 'winter-collection',
  status: 'published',
  categories: ['News'],
  tags: ['winter', 'collection'],
  featured_media: null,
  author: 'Dana Whitfield',
  conflict_policy: null,
  version: 3,
  created_at: AT.created,
  updated_at: AT.recent,
  targets: [
    {
      connection_id: ID.wordpress,
      provider: 'wordpress',
      remote_id: '1187',
      state: 'synced',
      remote_version: '2026-12-07T07:30:13',
      remote_modified_at: '2026-12-07T07:30:13.000Z',
      last_synced_at: AT.later,
      last_error: null,
    },
  ],
};
const batch = {
  id: ID.batch,
  status: 'queued',
  dry_run: false,
  total: 2,
  done: 0,
  failed: 0,
  pending: 2,
  error: null,
  created_at: AT.recent,
  started_at: null,
  finished_at: null,
};
const conflict = {
  id: ID.conflict,
  item_id: ID.item,
  connection_id: ID.wordpress,
  status: 'open',
  fields: [
    {
      field: 'title',
      base: 'Winter collection',
      hub: 'The winter collection is here',
      remote: 'Winter collection 2026',
    },
    { field: 'tags', base: ['winter'], hub: ['winter', 'collection'], remote: ['winter', 'sale'] },
  ],
  resolution: null,
  resolved_by: null,
  created_at: AT.recent,
  resolved_at: null,
};
/** The request that created `item`: its fields without what the hub adds. */
const request = Object.fromEntries(
  (
    ['external_id', 'kind', 'title', 'body_html', 'excerpt', 'slug', 'status', 'categories', 'tags', 'author'] as const
  ).map((k) => [k, item[k]]),
);

export const CONTENT_EXAMPLES: Examples = {
  upsertContentItem: {
    summary: 'A post, created (201) or updated by its `external_id` (200)',
    request,
    responses: { '201': { ...item, version: 1, updated_at: AT.created, targets: [] }, '200': item },
  },
  listContentItems: { summary: 'Content items with their copies on each site', responses: { '200': page([item]) } },
  getContentItem: { summary: 'A post synced to a WordPress site', responses: { '200': item } },
  updateContentItem: {
    summary: 'Change the title',
    request: { title: 'The winter collection is here' },
    responses: { '200': { ...item, version: 4 } },
  },
  uploadContentMedia: {
    summary: 'An image kept by its SHA-256, to use as `featured_media`',
    request: {
      data_base64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      filename: 'boots.png',
      content_type: 'image/png',
      alt: 'Brown leather boots',
    },
    responses: { '201': { sha256: 'e3d1b3c6a1f0b5a2c7d4e9f8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7' } },
  },
  createPublishBatch: {
    summary: 'Publish two items to a site; the same request again answers 200 with the same batch',
    request: {
      item_ids: [ID.item, '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8091'],
      connection_ids: [ID.wordpress],
      dry_run: false,
    },
    responses: { '202': batch, '200': { ...batch, status: 'running', started_at: AT.recent } },
  },
  listPublishBatches: {
    summary: 'Publish batches with progress',
    responses: {
      '200': page([
        { ...batch, status: 'completed', done: 2, pending: 0, started_at: AT.recent, finished_at: AT.later },
      ]),
    },
  },
  getPublishBatch: {
    summary: 'A batch item by item',
    responses: {
      '200': {
        ...batch,
        status: 'completed_with_errors',
        done: 1,
        failed: 1,
        pending: 0,
        started_at: AT.recent,
        finished_at: AT.later,
        items: [
          {
            item_id: ID.item,
            connection_id: ID.wordpress,
            status: 'done',
            action: 'update',
            remote_id: '1187',
            plan: null,
            error: null,
          },
          {
            item_id: '5e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8091',
            connection_id: ID.wordpress,
            status: 'failed',
            action: 'create',
            remote_id: null,
            plan: null,
            error: {
              code: 'provider.rejected',
              message: 'WordPress: Sorry, you are not allowed to create posts as this user.',
            },
          },
        ],
      },
    },
  },
  rollbackPublishBatch: {
    summary: 'Rolling back what the batch changed',
    responses: { '202': { id: ID.batch, status: 'rolling_back' } },
  },
  listConflicts: { summary: 'Conflicts waiting on a person', responses: { '200': page([conflict]) } },
  getConflict: { summary: 'Base, hub and site values side by side', responses: { '200': conflict } },
  resolveConflict: {
    summary: 'Keep the hub’s title and merge the tags',
    request: { choices: { title: 'hub' }, values: { tags: ['winter', 'collection', 'sale'] } },
    responses: {
      '200': {
        ...conflict,
        status: 'resolved',
        resolution: { title: 'The winter collection is here', tags: ['winter', 'collection', 'sale'] },
        resolved_by: 'api',
        resolved_at: AT.later,
      },
    },
  },
  listContentTargets: {
    summary: 'Where a page of items stands on each site',
    responses: { '200': { data: item.targets.map((t) => ({ ...t, item_id: ID.item })) } },
  },
  getConflictBodyBlocks: {
    summary: 'The hub rewrote the first paragraph, the site added a second',
    responses: {
      '200': {
        base: ['<p>Our winter collection is here.</p>'],
        hub: [body_html],
        remote: ['<p>Our winter collection is here.</p>', '<p>Free delivery until Sunday.</p>'],
      },
    },
  },
};
