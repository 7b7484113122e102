/** Nodes read from the site get tag names and image hashes; unified fields get tag and file ids. */
import type { ContentContext, ContentFields, ContentKind, RemoteContent } from '../../contracts/content.ts';
import { featuredValue, imageTarget } from './media.ts';
import { hasTags, toDocument, toRemote, type NodeJson, type Targets } from './mapping.ts';
import { tagIds, tagNames } from './terms.ts';

export interface NodeDocument {
  data?: NodeJson[];
  included?: { type: string; id: string; attributes?: { name?: string } }[];
}

export async function remotesOf(
  s: ContentContext,
  nodes: readonly NodeJson[],
  included: NodeDocument['included'] = [],
): Promise<RemoteContent[]> {
  const out: RemoteContent[] = [];
  for (const n of nodes) {
    out.push(
      toRemote(n, {
        tags: tagNames(n.relationships?.field_tags?.data ?? [], included),
        featuredMedia: await featuredValue(s, n.relationships?.field_image?.data?.id),
      }),
    );
  }
  return out;
}

/** The JSON:API `data` member for a write: attributes and relationships, targets resolved. */
export async function prepareWrite(
  s: ContentContext,
  kind: ContentKind,
  changes: Partial<ContentFields>,
  stored?: NodeJson,
): Promise<{ attributes: Record<string, unknown>; relationships: Record<string, unknown> }> {
  const targets: Targets = {};
  if (hasTags(kind) && changes.tags !== undefined) targets.tags = await tagIds(s, changes.tags);
  if (hasTags(kind) && changes.featuredMedia !== undefined) {
    const current = stored?.relationships?.field_image?.data;
    targets.image = await imageTarget(
      s,
      changes.featuredMedia,
      typeof current?.meta?.['alt'] === 'string' ? current.meta['alt'] : undefined,
    );
  }
  return toDocument(kind, changes, targets, stored);
}
