/**
 * Webflow Data API v2 content: sites, collections (with their field schemas) and items with the
 * staged (draft) and live layers — list with offset/limit (≤100), filters and sorting, and
 * `{pagination}`; get; create one or many (all checked before any is made), staged or live;
 * PATCH staged or live (moves `lastUpdated`); DELETE; publish; live DELETE (= unpublish).
 */
import { createHash } from 'node:crypto';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { buildCollections, checkFieldData, renderField, type FieldCheckDeps, type WfCollection } from './schema.ts';
import { text } from '../../../sandbox/kit/text.ts';

export interface WfItem {
  id: string;
  collectionId: string;
  cmsLocaleId: string;
  createdOn: number;
  lastUpdated: number;
  lastPublished: number | null;
  isArchived: boolean;
  isDraft: boolean;
  fieldData: Record<string, unknown>;
  /** What the published site shows; null until published or after unpublish. */
  live: Record<string, unknown> | null;
}

export interface WfState {
  siteId: string;
  workspaceId: string;
  localeId: string;
  collections: WfCollection[];
  items: Map<string, WfItem>;
}

export function hexId(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24);
}

export function wfError(
  status: number,
  code: string,
  message: string,
  details: unknown[] = [],
  headers: Record<string, string> = {},
): SandboxResponse {
  return json(status, { message, code, externalReference: null, details }, headers);
}

export function seedState(seed: number | string, size: number, now: number): WfState {
  const s = String(seed);
  const siteId = hexId(s, 'site');
  const collections = buildCollections(
    (key) => hexId(s, 'col', key),
    (cid, slug) => hexId(cid, slug),
    now - 400 * 86_400_000,
    now - 200 * 86_400_000,
  );
  const items = new Map<string, WfItem>();
  const words = ['webflow', 'design', 'launch', 'brand', 'story', 'growth', 'interaction', 'cms', 'guide', 'studio'];
  for (let i = 0; i < size; i++) {
    const rng = rngFor(seed, 'webflow-item', i);
    const col = collections[i % 4 === 3 ? 1 : 0]!;
    const name = Array.from({ length: rng.int(2, 5) }, () => rng.pick(words)).join(' ');
    const createdOn = now - rng.int(86_400, 300 * 86_400) * 1000;
    const lastUpdated = Math.min(now, createdOn + rng.int(0, 30 * 86_400) * 1000);
    const published = rng.chance(0.8);
    const fieldData = {
      name,
      slug: `${name.replace(/\s+/g, '-')}-${i}`,
      'post-body': `<p>${name}</p>`,
      'post-summary': name,
    };
    items.set(hexId(s, 'item', i), {
      id: hexId(s, 'item', i),
      collectionId: col.id,
      cmsLocaleId: hexId(s, 'locale'),
      createdOn,
      lastUpdated,
      lastPublished: published ? lastUpdated : null,
      isArchived: false,
      isDraft: !published,
      fieldData,
      live: published ? { ...fieldData } : null,
    });
  }
  return { siteId, workspaceId: hexId(s, 'workspace'), localeId: hexId(s, 'locale'), collections, items };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function renderItem(i: WfItem, live = false): Record<string, unknown> {
  return {
    id: i.id,
    cmsLocaleId: i.cmsLocaleId,
    lastPublished: iso(i.lastPublished),
    lastUpdated: iso(i.lastUpdated),
    createdOn: iso(i.createdOn),
    isArchived: i.isArchived,
    isDraft: live ? false : i.isDraft,
    fieldData: live ? i.live : i.fieldData,
  };
}

/** Item changes that Webflow reports as webhook triggers. */
export type ItemEvent =
  | 'collection_item_created'
  | 'collection_item_changed'
  | 'collection_item_deleted'
  | 'collection_item_published'
  | 'collection_item_unpublished';

const slugify = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A collection as the list renders it; the single-collection read adds its fields. */
function collectionSummary(c: WfCollection): Record<string, unknown> {
  return {
    id: c.id,
    displayName: c.displayName,
    singularName: c.singularName,
    slug: c.slug,
    createdOn: iso(c.createdOn),
    lastUpdated: iso(c.lastUpdated),
  };
}

export function cmsRoutes(
  r: Router,
  state: () => WfState,
  now: () => number,
  guard: (req: SandboxRequest, scope: string) => SandboxResponse | undefined,
  onItem: (event: ItemEvent, item: WfItem) => void = () => undefined,
  findAsset: FieldCheckDeps['asset'] = () => undefined,
): void {
  const g = (scope: string, fn: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) =>
    guard(req, scope) ?? fn(req);
  const site = (s: WfState) => ({
    id: s.siteId,
    workspaceId: s.workspaceId,
    createdOn: '2024-01-10T10:00:00.000Z',
    displayName: 'Sandbox Site',
    shortName: 'sandbox-site',
    lastPublished: '2025-10-01T12:00:00.000Z',
    lastUpdated: '2025-10-01T12:00:00.000Z',
    previewUrl: 'https://screenshots.webflow.com/sites/sandbox.png',
    timeZone: 'UTC',
    parentFolderId: null,
    customDomains: [],
    locales: {
      primary: {
        id: s.localeId,
        cmsLocaleId: s.localeId,
        enabled: true,
        displayName: 'English',
        redirect: false,
        subdirectory: '',
        tag: 'en',
      },
      secondary: [],
    },
  });
  const collection = (req: SandboxRequest) => state().collections.find((c) => c.id === req.params['cid']);
  const notFound = (what: 'collection' | 'item') =>
    wfError(404, 'resource_not_found', `Requested resource not found: The ${what} id provided is not valid`);
  /** A route under `/v2/collections/:cid`: the collection must exist. */
  const onCollection = (scope: string, fn: (req: SandboxRequest, c: WfCollection) => SandboxResponse) =>
    g(scope, (req) => {
      const c = collection(req);
      return c ? fn(req, c) : notFound('collection');
    });
  const invalid = (details: unknown[]) => wfError(400, 'validation_error', 'Validation Error', details);
  const deps: FieldCheckDeps = { itemIn: (cid, id) => state().items.get(id)?.collectionId === cid, asset: findAsset };
  const slugTaken = (cid: string, slug: unknown, except?: string) =>
    [...state().items.values()].some((i) => i.collectionId === cid && i.id !== except && i.fieldData['slug'] === slug);

  r.add(
    'GET',
    '/v2/sites',
    g('sites:read', () => json(200, { sites: [site(state())] })),
  );
  r.add(
    'GET',
    '/v2/sites/:site',
    g('sites:read', (req) =>
      req.params['site'] === state().siteId
        ? json(200, site(state()))
        : wfError(404, 'resource_not_found', 'Requested resource not found: The site id provided is not valid'),
    ),
  );
  r.add(
    'GET',
    '/v2/sites/:site/collections',
    g('cms:read', (req) => {
      if (req.params['site'] !== state().siteId)
        return wfError(404, 'resource_not_found', 'Requested resource not found: The site id provided is not valid');
      return json(200, {
        collections: state().collections.map(collectionSummary),
      });
    }),
  );
  r.add(
    'GET',
    '/v2/collections/:cid',
    onCollection('cms:read', (_req, c) => json(200, { ...collectionSummary(c), fields: c.fields.map(renderField) })),
  );

  const listItems =
    (live: boolean) =>
    (req: SandboxRequest, c: WfCollection): SandboxResponse => {
      const sp = req.url.searchParams;
      const limit = sp.get('limit') === null ? 100 : Number(sp.get('limit'));
      const offset = sp.get('offset') === null ? 0 : Number(sp.get('offset'));
      if (!Number.isInteger(limit) || limit < 1 || limit > 100)
        return invalid([{ param: 'limit', description: 'limit must be a number between 1 and 100' }]);
      if (!Number.isInteger(offset) || offset < 0)
        return invalid([{ param: 'offset', description: 'offset must be a non-negative integer' }]);
      let rows = [...state().items.values()].filter((i) => i.collectionId === c.id && (!live || i.live !== null));
      // Date filters: `name[gte]=` (cms.md §5.2) and the `[gt]`/`[lt]` forms of the 2024 changelog.
      const cmp = {
        gte: (a: number, b: number) => a >= b,
        gt: (a: number, b: number) => a > b,
        lte: (a: number, b: number) => a <= b,
        lt: (a: number, b: number) => a < b,
      };
      for (const name of ['lastUpdated', 'createdOn', 'lastPublished'] as const) {
        for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
          const raw = sp.get(`${name}[${op}]`) ?? sp.get(`${name}.${op}`);
          if (raw === null) continue;
          const bound = Date.parse(raw);
          if (Number.isNaN(bound))
            return invalid([{ param: `${name}[${op}]`, description: 'must be an ISO 8601 date' }]);
          rows = rows.filter((i) => i[name] !== null && cmp[op](i[name], bound));
        }
      }
      if (sp.get('slug')) rows = rows.filter((i) => i.fieldData['slug'] === sp.get('slug'));
      if (sp.get('name')) rows = rows.filter((i) => i.fieldData['name'] === sp.get('name'));
      const sortBy = sp.get('sortBy');
      const dir = sp.get('sortOrder') === 'desc' ? -1 : 1;
      if (sortBy) {
        if (!['createdOn', 'lastPublished', 'lastUpdated', 'name', 'slug'].includes(sortBy))
          return invalid([
            { param: 'sortBy', description: 'sortBy must be one of createdOn, lastPublished, lastUpdated, name, slug' },
          ]);
        const key = (i: WfItem) =>
          sortBy === 'name' || sortBy === 'slug' ? String(i.fieldData[sortBy]) : (i[sortBy as 'lastUpdated'] ?? 0);
        rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * dir);
      }
      return json(200, {
        items: rows.slice(offset, offset + limit).map((i) => renderItem(i, live)),
        pagination: { limit, offset, total: rows.length },
      });
    };
  r.add('GET', '/v2/collections/:cid/items', onCollection('cms:read', listItems(false)));
  r.add('GET', '/v2/collections/:cid/items/live', onCollection('cms:read', listItems(true)));

  const itemOf = (req: SandboxRequest) => {
    const i = state().items.get(req.params['iid'] ?? '');
    return i && i.collectionId === req.params['cid'] ? i : undefined;
  };
  r.add(
    'GET',
    '/v2/collections/:cid/items/live/:iid',
    g('cms:read', (req) => {
      const i = itemOf(req);
      return i && i.live ? json(200, renderItem(i, true)) : notFound('item');
    }),
  );
  r.add(
    'GET',
    '/v2/collections/:cid/items/:iid',
    g('cms:read', (req) => {
      const i = itemOf(req);
      return i ? json(200, renderItem(i)) : notFound('item');
    }),
  );

  /** Checks one create body; the slug defaults to the slugified name. */
  type Prepared = { fieldData: Record<string, unknown>; body: Record<string, unknown> };
  const prepare = (
    c: WfCollection,
    body: Record<string, unknown>,
    index: number | null,
    batch: Set<string>,
  ): Prepared | { details: unknown[] } | { conflict: string } => {
    const at = (d: { param: string; description: string }) =>
      index === null ? d : { ...d, param: `items[${index}].${d.param}` };
    const fd = { ...((body['fieldData'] ?? {}) as Record<string, unknown>) };
    if ((fd['slug'] === undefined || fd['slug'] === '') && typeof fd['name'] === 'string')
      fd['slug'] = slugify(fd['name']);
    const checked = checkFieldData(c, fd, deps, false);
    if ('violations' in checked) return { details: checked.violations.map(at) };
    const slug = String(checked.ok['slug']);
    if (slugTaken(c.id, slug) || batch.has(slug)) return { conflict: slug };
    batch.add(slug);
    return { fieldData: checked.ok, body };
  };
  const conflict = (slug: string) =>
    wfError(409, 'conflict', `Unique value is already in database: '${slug}'`, [
      { param: 'fieldData.slug', description: 'must be unique in the collection' },
    ]);
  const make = (c: WfCollection, p: Prepared, live: boolean): WfItem => {
    const t = now();
    const item: WfItem = {
      id: hexId('created', c.id, t, state().items.size),
      collectionId: c.id,
      cmsLocaleId: state().localeId,
      createdOn: t,
      lastUpdated: t,
      lastPublished: live ? t : null,
      isArchived: p.body['isArchived'] === true,
      isDraft: live ? false : p.body['isDraft'] !== false,
      fieldData: p.fieldData,
      live: live ? { ...p.fieldData } : null,
    };
    state().items.set(item.id, item);
    onItem('collection_item_created', item);
    if (live) onItem('collection_item_published', item);
    return item;
  };
  for (const live of [false, true]) {
    r.add(
      'POST',
      `/v2/collections/:cid/items${live ? '/live' : ''}`,
      onCollection('cms:write', (req, c) => {
        const batch = new Set<string>();
        if (Array.isArray(req.body['items'])) {
          const bodies = req.body['items'] as Record<string, unknown>[];
          if (bodies.length === 0 || bodies.length > 100)
            return invalid([{ param: 'items', description: 'items must contain between 1 and 100 entries' }]);
          // Every item is checked before any is created: a bad item fails the whole request.
          const prepared = bodies.map((b, i) => prepare(c, b ?? {}, i, batch));
          const bad = prepared.flatMap((p) => ('details' in p ? p.details : []));
          if (bad.length) return invalid(bad);
          const taken = prepared.find((p) => 'conflict' in p);
          if (taken) return conflict(taken.conflict);
          return json(202, { items: (prepared as Prepared[]).map((p) => renderItem(make(c, p, live))) });
        }
        const p = prepare(c, req.body, null, batch);
        if ('details' in p) return invalid(p.details);
        if ('conflict' in p) return conflict(p.conflict);
        return json(202, renderItem(make(c, p, live)));
      }),
    );
  }

  const patch =
    (live: boolean) =>
    (req: SandboxRequest): SandboxResponse => {
      const c = collection(req);
      const i = itemOf(req);
      if (!c || !i) return notFound('item');
      if (live && !i.live)
        return wfError(
          404,
          'resource_not_found',
          'Requested resource not found: The live item id provided is not valid; publish it first',
        );
      const fd = req.body['fieldData'];
      let checked: Record<string, unknown> = {};
      if (fd && typeof fd === 'object') {
        const res = checkFieldData(c, fd as Record<string, unknown>, deps, true);
        if ('violations' in res) return invalid(res.violations);
        if (res.ok['slug'] !== undefined && slugTaken(c.id, res.ok['slug'], i.id))
          return wfError(409, 'conflict', `Unique value is already in database: '${text(res.ok['slug'])}'`);
        checked = res.ok;
      }
      applyPatch(i, { ...req.body, fieldData: checked }, now());
      onItem('collection_item_changed', i);
      if (live) {
        // A live update changes the staged item and publishes it at once.
        i.live = { ...i.fieldData };
        i.isDraft = false;
        i.lastPublished = now();
        onItem('collection_item_published', i);
      }
      return json(200, renderItem(i));
    };
  r.add('PATCH', '/v2/collections/:cid/items/live/:iid', g('cms:write', patch(true)));
  r.add('PATCH', '/v2/collections/:cid/items/:iid', g('cms:write', patch(false)));
  // DELETE on the live item unpublishes it (the staged item stays); on the item itself removes it.
  const remove = (live: boolean) => (req: SandboxRequest) => {
    const i = itemOf(req);
    if (!i || (live && !i.live)) return notFound('item');
    if (live) Object.assign(i, { live: null, isDraft: true });
    else state().items.delete(i.id);
    onItem(live ? 'collection_item_unpublished' : 'collection_item_deleted', i);
    return { status: 204 };
  };
  r.add('DELETE', '/v2/collections/:cid/items/live/:iid', g('cms:write', remove(true)));
  r.add('DELETE', '/v2/collections/:cid/items/:iid', g('cms:write', remove(false)));
  r.add(
    'POST',
    '/v2/collections/:cid/items/publish',
    onCollection('cms:write', (req, c) => {
      const ids = Array.isArray(req.body['itemIds'])
        ? req.body['itemIds'].map(String)
        : Array.isArray(req.body['items'])
          ? (req.body['items'] as { id: string }[]).map((x) => String(x.id))
          : [];
      if (ids.length > 100) return invalid([{ param: 'itemIds', description: 'at most 100 items' }]);
      const published: string[] = [];
      const errors: string[] = [];
      for (const id of ids) {
        const i = state().items.get(id);
        if (!i || i.collectionId !== c.id) {
          errors.push(`Item ${id} not found`);
          continue;
        }
        i.live = { ...i.fieldData };
        i.isDraft = false;
        i.lastPublished = now();
        published.push(id);
        onItem('collection_item_published', i);
      }
      return json(202, { publishedItemIds: published, errors });
    }),
  );
}

export function applyPatch(i: WfItem, body: Record<string, unknown>, t: number): void {
  const fd = body['fieldData'];
  if (fd && typeof fd === 'object') Object.assign(i.fieldData, fd);
  if (typeof body['isDraft'] === 'boolean') i.isDraft = body['isDraft'];
  if (typeof body['isArchived'] === 'boolean') i.isArchived = body['isArchived'];
  i.lastUpdated = t;
}
