/**
 * Drupal articles and basic pages through core JSON:API (cms.md §2): tags by name, the image
 * field uploaded once per site, polling by `changed`. Writes need `read_only` off on the site.
 *
 * Concurrency: a PATCH carries the `changed` value just read, so core's `EntityChanged`
 * constraint refuses it (422 at `/data`) when someone saved in a later second; `changed` has
 * second precision, so the node's version (which adds the revision id) is also compared right
 * before writing, which catches a save inside the same second.
 */
import { plexusError } from '../../core/errors.ts';
import type { ContentAdapter, ContentContext, ContentKind, RemoteContent } from '../contracts/content.ts';
import { remoteChanged } from '../kit/version-guard.ts';
import { errorPointers, errorStatus } from './errors.ts';
import { changedSince } from './content/changes.ts';
import { bundleOf, hasTags, isUuid, modifiedAtOf, uuidForSlug, versionOf, type NodeJson } from './content/mapping.ts';
import { jsonapi } from './content/request.ts';
import { prepareWrite, remotesOf, type NodeDocument } from './content/resolve.ts';

const include = (kind: ContentKind) => (hasTags(kind) ? '?include=field_tags' : '');

async function getNode(
  s: ContentContext,
  kind: ContentKind,
  id: string,
): Promise<{ node: NodeJson; doc: NodeDocument } | null> {
  if (!isUuid(id)) return null;
  try {
    const doc = await jsonapi<NodeDocument & { data: NodeJson }>(
      s,
      'GET',
      `/node/${bundleOf(kind)}/${id}${include(kind)}`,
    );
    return { node: doc.data, doc: { included: doc.included ?? [] } };
  } catch (err) {
    if (errorStatus(err) === 404) return null;
    throw err;
  }
}

async function remoteOf(s: ContentContext, node: NodeJson, doc: NodeDocument): Promise<RemoteContent> {
  return (await remotesOf(s, [node], doc.included ?? []))[0]!;
}

/** Writes answer without `included`, so the tag names come from one more read. */
async function reread(s: ContentContext, kind: ContentKind, id: string): Promise<RemoteContent> {
  const got = await getNode(s, kind, id);
  if (!got)
    throw plexusError('provider.not_found', {
      message: `Drupal has no ${bundleOf(kind)} ${id}.`,
      details: { remoteId: id },
    });
  return remoteOf(s, got.node, got.doc);
}

function nodeChanged(id: string, expected: string, current: NodeJson): Error {
  return remoteChanged(id, expected, versionOf(current), modifiedAtOf(current));
}

export const drupalContent: ContentAdapter = {
  kinds: ['post', 'page'],
  // Core articles have tags but no categories vocabulary.
  // Core's basic page has a body (with summary) but no tags or image field (cms.md §2.2).
  fields: (kind) =>
    kind === 'page'
      ? ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'author']
      : ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'tags', 'featuredMedia', 'author'],

  async locate(_s, kind) {
    bundleOf(kind);
    return { kind, collection: null };
  },

  async create(s, loc, fields) {
    const bundle = bundleOf(loc.kind);
    const data = await prepareWrite(s, loc.kind, fields);
    const id = fields.slug ? uuidForSlug(bundle, fields.slug) : undefined;
    const res = await jsonapi<{ data: NodeJson }>(s, 'POST', `/node/${bundle}`, {
      data: { type: `node--${bundle}`, ...(id ? { id } : {}), ...data },
    });
    return hasTags(loc.kind) && fields.tags.length ? reread(s, loc.kind, res.data.id) : remoteOf(s, res.data, {});
  },

  async read(s, loc, remoteId) {
    const got = await getNode(s, loc.kind, remoteId);
    return got ? remoteOf(s, got.node, got.doc) : null;
  },

  async update(s, loc, remoteId, changes, expectedVersion) {
    const bundle = bundleOf(loc.kind);
    const got = await getNode(s, loc.kind, remoteId);
    if (!got)
      throw plexusError('provider.not_found', {
        message: `Drupal has no ${bundle} ${remoteId}.`,
        details: { remoteId },
      });
    if (versionOf(got.node) !== expectedVersion) throw nodeChanged(remoteId, expectedVersion, got.node);
    const data = await prepareWrite(s, loc.kind, changes, got.node);
    if (!Object.keys(data.attributes).length && !Object.keys(data.relationships).length)
      return remoteOf(s, got.node, got.doc);
    try {
      await jsonapi(s, 'PATCH', `/node/${bundle}/${remoteId}`, {
        data: {
          type: `node--${bundle}`,
          id: remoteId,
          attributes: { ...data.attributes, changed: got.node.attributes.changed },
          relationships: data.relationships,
        },
      });
    } catch (err) {
      // An entity-level violation is most likely EntityChanged; the node itself tells for sure.
      if (errorStatus(err) === 422 && errorPointers(err).includes('/data')) {
        const now = await getNode(s, loc.kind, remoteId);
        if (!now || versionOf(now.node) !== expectedVersion)
          throw now ? nodeChanged(remoteId, expectedVersion, now.node) : err;
      }
      throw err;
    }
    return reread(s, loc.kind, remoteId);
  },

  async remove(s, loc, remoteId) {
    if (!isUuid(remoteId)) return;
    try {
      await jsonapi(s, 'DELETE', `/node/${bundleOf(loc.kind)}/${remoteId}`);
    } catch (err) {
      if (errorStatus(err) !== 404) throw err;
    }
  },

  async findBySlug(s, loc, slug) {
    if (!slug) return null;
    // Nodes Plexus creates carry a UUID derived from their slug (see uuidForSlug).
    const got = await getNode(s, loc.kind, uuidForSlug(bundleOf(loc.kind), slug));
    return got ? remoteOf(s, got.node, got.doc) : null;
  },

  changedSince,
};
