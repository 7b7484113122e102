/**
 * Wix Data collections (`GET /wix-data/v2/collections[/{id}]`): the sandbox site's "Articles"
 * collection with a rich-text body (HTML), summary, slug, a publish flag, tags and categories
 * (string arrays, the CMS "Tags" type) and a cover image, plus the checks a write must pass:
 * required fields present and values of the field's type. Fields outside the schema are kept,
 * as Wix Data does.
 */
import { json, type Router, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { wixError } from './query.ts';

export type WixFieldType = 'TEXT' | 'RICH_TEXT' | 'BOOLEAN' | 'ARRAY_STRING' | 'IMAGE' | 'DATETIME';

export interface WixField {
  key: string;
  displayName: string;
  type: WixFieldType;
  required: boolean;
}

export interface WixCollection {
  id: string;
  displayName: string;
  fields: WixField[];
}

const field = (key: string, displayName: string, type: WixFieldType, required = false): WixField => ({
  key,
  displayName,
  type,
  required,
});

export function seedCollections(articles: string): WixCollection[] {
  return [
    {
      id: articles,
      displayName: 'Articles',
      fields: [
        field('title', 'Title', 'TEXT', true),
        field('slug', 'Slug', 'TEXT'),
        field('body', 'Body', 'RICH_TEXT'),
        field('excerpt', 'Excerpt', 'TEXT'),
        field('published', 'Published', 'BOOLEAN'),
        field('categories', 'Categories', 'ARRAY_STRING'),
        field('tags', 'Tags', 'ARRAY_STRING'),
        field('coverImage', 'Cover Image', 'IMAGE'),
        field('author', 'Author', 'TEXT'),
      ],
    },
  ];
}

const SYSTEM: WixField[] = [
  field('_id', 'ID', 'TEXT'),
  field('_createdDate', 'Created Date', 'DATETIME'),
  field('_updatedDate', 'Updated Date', 'DATETIME'),
  field('_owner', 'Owner', 'TEXT'),
];

function render(c: WixCollection): Record<string, unknown> {
  return {
    id: c.id,
    displayName: c.displayName,
    collectionType: 'NATIVE',
    displayField: 'title',
    ownerAppId: null,
    maxPageSize: 1000,
    revision: '1',
    fields: [
      ...SYSTEM.map((f) => ({ ...f, systemField: true })),
      ...c.fields.map((f) => ({ ...f, systemField: false })),
    ].map(({ required, ...f }) => ({ ...f, ...(required ? { required: true } : {}) })),
    permissions: { insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN', read: 'ANYONE' },
  };
}

export interface Violation {
  field: string;
  description: string;
  violatedRule: 'REQUIRED_FIELD' | 'INVALID_TYPE';
}

/** Violations of one item's data; `partial` (PATCH) skips required fields it does not touch. */
export function violations(c: WixCollection | undefined, data: Record<string, unknown>, partial = false): Violation[] {
  if (!c) return [];
  const out: Violation[] = [];
  for (const f of c.fields) {
    const v = data[f.key];
    if (v === undefined || v === null || v === '') {
      if (f.required && (!partial || f.key in data))
        out.push({ field: f.key, description: `${f.displayName} is required`, violatedRule: 'REQUIRED_FIELD' });
      continue;
    }
    const ok =
      f.type === 'BOOLEAN'
        ? typeof v === 'boolean'
        : f.type === 'ARRAY_STRING'
          ? Array.isArray(v) && v.every((x) => typeof x === 'string')
          : f.type === 'DATETIME'
            ? typeof v === 'object'
            : typeof v === 'string';
    if (!ok)
      out.push({
        field: f.key,
        description: `${f.displayName} must be of type ${f.type}`,
        violatedRule: 'INVALID_TYPE',
      });
  }
  return out;
}

/** cms.md §6.6: `details.validationError.fieldViolations[]`. */
export function validationError(v: Violation[]): SandboxResponse {
  return {
    status: 400,
    headers: {},
    body: {
      message: `Validation failed: ${v.map((x) => x.description).join('; ')}`,
      details: { validationError: { fieldViolations: v.map((x) => ({ ...x, ruleName: x.violatedRule, data: {} })) } },
    },
  };
}

export function collectionRoutes(r: Router, collections: () => WixCollection[]): void {
  r.add('GET', '/wix-data/v2/collections', () =>
    json(200, {
      collections: collections().map(render),
      pagingMetadata: { count: collections().length, offset: 0, total: collections().length },
    }),
  );
  r.add('GET', '/wix-data/v2/collections/:id', (req) => {
    const c = collections().find((x) => x.id === req.params['id']);
    return c
      ? json(200, { collection: render(c) })
      : wixError(404, `Collection ${req.params['id']} does not exist`, 'WDE0025');
  });
}
