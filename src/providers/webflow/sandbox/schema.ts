/**
 * Collection schemas of the sandbox site and the checks Webflow applies to `fieldData` on
 * writes: required `name`/`slug`, no fields outside the schema, references that name an item
 * of the referenced collection, images that name an uploaded asset (or a URL).
 */

export type WfFieldType = 'PlainText' | 'RichText' | 'Image' | 'Reference' | 'MultiReference';

export interface WfField {
  id: string;
  slug: string;
  displayName: string;
  type: WfFieldType;
  isRequired: boolean;
  /** Reference fields: the collection their items come from. */
  validations?: { collectionId: string };
}

export interface WfCollection {
  id: string;
  displayName: string;
  singularName: string;
  slug: string;
  createdOn: number;
  lastUpdated: number;
  fields: WfField[];
}

type FieldSpec = [slug: string, displayName: string, type: WfFieldType, refersTo?: string];

const BASE: FieldSpec[] = [
  ['name', 'Name', 'PlainText'],
  ['slug', 'Slug', 'PlainText'],
];

/** The site: a blog with category/tag references and a main image, case studies, and the two term collections. */
export const COLLECTIONS: {
  key: string;
  displayName: string;
  singularName: string;
  slug: string;
  fields: FieldSpec[];
}[] = [
  {
    key: 'posts',
    displayName: 'Blog Posts',
    singularName: 'Blog Post',
    slug: 'blog-posts',
    fields: [
      ...BASE,
      ['post-body', 'Post Body', 'RichText'],
      ['post-summary', 'Post Summary', 'PlainText'],
      ['main-image', 'Main Image', 'Image'],
      ['category', 'Category', 'Reference', 'categories'],
      ['tags', 'Tags', 'MultiReference', 'tags'],
    ],
  },
  {
    key: 'cases',
    displayName: 'Case Studies',
    singularName: 'Case Study',
    slug: 'case-studies',
    fields: [...BASE, ['post-body', 'Post Body', 'RichText'], ['post-summary', 'Post Summary', 'PlainText']],
  },
  { key: 'categories', displayName: 'Categories', singularName: 'Category', slug: 'categories', fields: BASE },
  { key: 'tags', displayName: 'Tags', singularName: 'Tag', slug: 'tags', fields: BASE },
];

export function buildCollections(
  idOf: (key: string) => string,
  fieldId: (cid: string, slug: string) => string,
  createdOn: number,
  lastUpdated: number,
): WfCollection[] {
  return COLLECTIONS.map((c) => {
    const id = idOf(c.key);
    return {
      id,
      displayName: c.displayName,
      singularName: c.singularName,
      slug: c.slug,
      createdOn,
      lastUpdated,
      fields: c.fields.map(([slug, displayName, type, refersTo]) => ({
        id: fieldId(id, slug),
        slug,
        displayName,
        type,
        isRequired: slug === 'name' || slug === 'slug',
        ...(refersTo ? { validations: { collectionId: idOf(refersTo) } } : {}),
      })),
    };
  });
}

export function renderField(f: WfField): Record<string, unknown> {
  return {
    id: f.id,
    isEditable: true,
    isRequired: f.isRequired,
    type: f.type,
    slug: f.slug,
    displayName: f.displayName,
    helpText: null,
    ...(f.validations ? { validations: f.validations } : {}),
  };
}

export interface FieldCheckDeps {
  /** Whether `id` is an item of collection `cid`. */
  itemIn(cid: string, id: string): boolean;
  /** The asset behind an image value, or undefined when it names none. */
  asset(v: { fileId?: unknown; url?: unknown }): { id: string; hostedUrl: string } | undefined;
}

export interface Violation {
  param: string;
  description: string;
}

/**
 * Checks and normalises `fieldData` against the schema; image values become `{fileId, url, alt}`.
 * `partial` skips the required-field check (a PATCH sends only what changes).
 */
export function checkFieldData(
  c: WfCollection,
  fd: Record<string, unknown>,
  deps: FieldCheckDeps,
  partial: boolean,
): { ok: Record<string, unknown> } | { violations: Violation[] } {
  const violations: Violation[] = [];
  const out: Record<string, unknown> = {};
  for (const [slug, value] of Object.entries(fd)) {
    const f = c.fields.find((x) => x.slug === slug);
    if (!f) {
      violations.push({ param: `fieldData.${slug}`, description: 'Field not described in schema' });
      continue;
    }
    if (value === null || value === undefined) {
      if (f.isRequired) violations.push({ param: `fieldData.${slug}`, description: 'Field is required' });
      else out[slug] = null;
      continue;
    }
    if (f.type === 'PlainText' || f.type === 'RichText') {
      if (typeof value !== 'string') violations.push({ param: `fieldData.${slug}`, description: 'Must be a string' });
      else out[slug] = value;
    } else if (f.type === 'Reference' || f.type === 'MultiReference') {
      const ids = f.type === 'Reference' ? [value] : Array.isArray(value) ? value : [value];
      const bad = ids.filter((id) => typeof id !== 'string' || !deps.itemIn(f.validations!.collectionId, id));
      if (bad.length || (f.type === 'MultiReference' && !Array.isArray(value)))
        violations.push({
          param: `fieldData.${slug}`,
          description: `Referenced item not found: ${bad.map(String).join(', ') || 'expected an array of item ids'}`,
        });
      else out[slug] = value;
    } else {
      const v = value as { fileId?: unknown; url?: unknown; alt?: unknown };
      if (
        typeof value !== 'object' ||
        Array.isArray(value) ||
        (typeof v.fileId !== 'string' && typeof v.url !== 'string')
      ) {
        violations.push({ param: `fieldData.${slug}`, description: 'Image needs a fileId or a url' });
        continue;
      }
      const asset = deps.asset(v);
      if (typeof v.fileId === 'string' && !asset)
        violations.push({ param: `fieldData.${slug}`, description: `Asset not found: ${v.fileId}` });
      else
        out[slug] = {
          fileId: asset?.id ?? null,
          url: asset?.hostedUrl ?? v.url,
          alt: typeof v.alt === 'string' ? v.alt : null,
        };
    }
  }
  if (!partial) {
    for (const f of c.fields)
      if (f.isRequired && (typeof out[f.slug] !== 'string' || out[f.slug] === ''))
        violations.push({ param: `fieldData.${f.slug}`, description: 'Field is required' });
  }
  return violations.length ? { violations } : { ok: out };
}
