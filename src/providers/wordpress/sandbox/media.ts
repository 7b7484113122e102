/**
 * `wp/v2/media` as WP_REST_Attachments_Controller serves it: upload from a raw body with
 * `Content-Type` and `Content-Disposition: attachment; filename="…"` (and the optional
 * `Content-MD5` check), `alt_text`/`title`/`caption` taken from the request params, the attachment
 * object with `source_url`, and delete that needs `force=true` (MEDIA_TRASH is off by default).
 * The files themselves are served under `/wp-content/uploads/`.
 */
import { createHash } from 'node:crypto';
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import {
  authCode,
  canEdit,
  collectionPage,
  collectionParams,
  intParam,
  invalidParams,
  ordered,
  restUrl,
  wpDate,
  wpError,
  type ParamErrors,
  type WpContext,
  type WpRequest,
} from './context.ts';
import { slugify, toSecond, type WpMedia } from './site.ts';
import { text } from '../../../sandbox/kit/text.ts';
import { IMAGE_TYPES, pngSize, splitExtension } from '../../../sandbox/kit/uploads.ts';

/** The image and document types `get_allowed_mime_types()` lets an administrator upload (a subset). */
const ALLOWED: Record<string, string> = { ...IMAGE_TYPES, pdf: 'application/pdf' };

export function mediaRoutes(api: Router, ctx: WpContext): void {
  api.add('GET', '/wp/v2/media', (r) => list(ctx, r as WpRequest));
  api.add('POST', '/wp/v2/media', (r) => upload(ctx, r as WpRequest));
  api.add('GET', '/wp/v2/media/:id', (r) => getOne(ctx, r as WpRequest));
  api.add(['POST', 'PUT', 'PATCH'], '/wp/v2/media/:id', (r) => update(ctx, r as WpRequest));
  api.add('DELETE', '/wp/v2/media/:id', (r) => remove(ctx, r as WpRequest));
}

/** `GET /wp-content/uploads/YYYY/MM/name`: the uploaded bytes, or undefined when the path is not an upload. */
export function serveUpload(ctx: WpContext, req: SandboxRequest): SandboxResponse | undefined {
  const prefix = '/wp-content/uploads/';
  if (req.method !== 'GET' || !req.path.startsWith(prefix)) return undefined;
  const file = decodeURIComponent(req.path.slice(prefix.length));
  const m = [...ctx.site.media.values()].find((x) => x.file === file);
  return m ? { status: 200, headers: { 'content-type': m.mimeType }, body: m.bytes } : undefined;
}

function sourceUrl(ctx: WpContext, m: WpMedia): string {
  return `${ctx.baseUrl}/wp-content/uploads/${m.file}`;
}

export function renderMedia(
  ctx: WpContext,
  req: WpRequest,
  m: WpMedia,
  context: 'view' | 'edit' | 'embed',
): Record<string, unknown> {
  const edit = context === 'edit';
  const guid = sourceUrl(ctx, m);
  const name = m.file.split('/').pop() ?? m.file;
  return {
    id: m.id,
    date: wpDate(m.date),
    date_gmt: wpDate(m.date),
    guid: edit ? { rendered: guid, raw: guid } : { rendered: guid },
    modified: wpDate(m.modified),
    modified_gmt: wpDate(m.modified),
    slug: m.slug,
    status: 'inherit',
    type: 'attachment',
    link: `${ctx.baseUrl}/${m.slug}/`,
    title: edit ? { raw: m.title, rendered: m.title } : { rendered: m.title },
    author: m.author,
    comment_status: 'open',
    ping_status: 'closed',
    template: '',
    meta: [],
    description: {
      ...(edit ? { raw: m.description } : {}),
      rendered: `<p class="attachment"><a href="${guid}">${name}</a></p>\n`,
    },
    caption: { ...(edit ? { raw: m.caption } : {}), rendered: m.caption ? `<p>${m.caption}</p>\n` : '' },
    alt_text: m.alt,
    media_type: m.mimeType.startsWith('image/') ? 'image' : 'file',
    mime_type: m.mimeType,
    media_details: m.mimeType.startsWith('image/')
      ? { width: m.width, height: m.height, file: m.file, filesize: m.bytes.length, sizes: {}, image_meta: {} }
      : { filesize: m.bytes.length },
    post: m.post,
    source_url: guid,
    ...(edit ? { missing_image_sizes: [] } : {}),
    _links: {
      self: [{ href: restUrl(ctx, req.form, `/wp/v2/media/${m.id}`) }],
      collection: [{ href: restUrl(ctx, req.form, '/wp/v2/media') }],
      about: [{ href: restUrl(ctx, req.form, '/wp/v2/types/attachment') }],
      author: [{ embeddable: true, href: restUrl(ctx, req.form, `/wp/v2/users/${m.author}`) }],
    },
  };
}

function list(ctx: WpContext, req: WpRequest): SandboxResponse {
  const errors: ParamErrors = {};
  const { context, page, perPage } = collectionParams(req, errors);
  if (Object.keys(errors).length) return invalidParams(errors);
  if (context === 'edit' && !canEdit(req))
    return wpError(
      authCode(req),
      'rest_forbidden_context',
      'Sorry, you are not allowed to edit posts in this post type.',
    );
  const include = req.list('include')?.map(Number);
  const rows = [...ctx.site.media.values()].filter((m) => !include || include.includes(m.id));
  const newestFirst = ordered(rows, (m) => m.date, 'desc');
  return collectionPage(ctx, req, '/wp/v2/media', newestFirst, { page, perPage, refusePastEnd: true }, (m) =>
    renderMedia(ctx, req, m, context),
  );
}

function find(ctx: WpContext, req: WpRequest): WpMedia | undefined {
  const id = intParam(req.params['id']);
  return id === undefined ? undefined : ctx.site.media.get(id);
}

const invalidId = () => wpError(404, 'rest_post_invalid_id', 'Invalid post ID.');

function getOne(ctx: WpContext, req: WpRequest): SandboxResponse {
  const m = find(ctx, req);
  if (!m) return invalidId();
  const c = req.query['context'] ?? 'view';
  if (c === 'edit' && !canEdit(req))
    return wpError(authCode(req), 'rest_forbidden_context', 'Sorry, you are not allowed to edit this post.');
  return { status: 200, body: renderMedia(ctx, req, m, c === 'edit' ? 'edit' : c === 'embed' ? 'embed' : 'view') };
}

/** `get_filename_from_disposition`: the `filename=` attribute, unquoted (no `filename*`). */
function filenameOf(disposition: string): string | undefined {
  const semi = disposition.indexOf(';');
  if (semi < 0) return undefined;
  let name: string | undefined;
  for (const part of disposition.slice(semi + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== 'filename') continue;
    name = part.slice(eq + 1).trim();
    if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  }
  return name || undefined;
}

/** `wp_unique_filename`: `name.png`, then `name-1.png`, `name-2.png` … within the month folder. */
function uniqueFile(ctx: WpContext, folder: string, filename: string): string {
  const { stem, ext } = splitExtension(filename);
  const taken = new Set([...ctx.site.media.values()].map((m) => m.file));
  let candidate = `${folder}/${filename}`;
  for (let n = 1; taken.has(candidate); n++) candidate = `${folder}/${stem}-${n}${ext}`;
  return candidate;
}

function textParam(req: WpRequest, name: string): string | undefined {
  const v = req.body[name] ?? req.query[name];
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Record<string, unknown>)['raw'] === 'string')
    return (v as Record<string, string>)['raw'];
  return undefined;
}

function upload(ctx: WpContext, req: WpRequest): SandboxResponse {
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.');
  const data = req.rawBody;
  if (!data.length) return wpError(400, 'rest_upload_no_data', 'No data supplied.');
  const type = header(req, 'content-type');
  if (!type) return wpError(400, 'rest_upload_no_content_type', 'No Content-Type supplied.');
  const disposition = header(req, 'content-disposition');
  if (!disposition) return wpError(400, 'rest_upload_no_content_disposition', 'No Content-Disposition supplied.');
  const raw = filenameOf(disposition);
  if (!raw) {
    return wpError(
      400,
      'rest_upload_invalid_disposition',
      'Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename="image.png"` or similar.',
    );
  }
  const md5 = header(req, 'content-md5');
  if (md5 && md5.trim() !== createHash('md5').update(data).digest('hex'))
    return wpError(412, 'rest_upload_hash_mismatch', 'Content hash did not match expected.');
  // wp_handle_sideload: the extension decides the type; unknown ones are refused.
  const filename = raw.replace(/[^A-Za-z0-9._-]+/g, '-');
  const ext = filename.includes('.') ? (filename.split('.').pop() ?? '').toLowerCase() : '';
  const mime = ALLOWED[ext];
  if (!mime) return wpError(500, 'rest_upload_sideload_error', 'Sorry, you are not allowed to upload this file type.');

  const now = toSecond(ctx.now());
  const d = new Date(now).toISOString();
  const file = uniqueFile(ctx, `${d.slice(0, 4)}/${d.slice(5, 7)}`, filename);
  const base = (file.split('/').pop() ?? filename).replace(/\.[^.]+$/, '');
  const title = textParam(req, 'title') ?? base;
  let slug = slugify(title);
  for (let n = 2; ctx.site.slugTaken(slug, 0); n++) slug = `${slugify(title)}-${n}`;
  const post = intParam(text(req.query['post'] ?? req.body['post']));
  const m: WpMedia = {
    id: ctx.site.nextId++,
    date: now,
    modified: now,
    slug,
    title,
    author: req.user?.id ?? 1,
    file,
    mimeType: mime,
    bytes: Buffer.from(data),
    alt: (textParam(req, 'alt_text') ?? '').replace(/<[^>]*>/g, '').trim(),
    caption: textParam(req, 'caption') ?? '',
    description: textParam(req, 'description') ?? '',
    post: post && post > 0 ? post : null,
    ...(pngSize(data) ?? { width: 0, height: 0 }),
  };
  ctx.site.media.set(m.id, m);
  return {
    status: 201,
    headers: { Location: restUrl(ctx, req.form, `/wp/v2/media/${m.id}`), 'X-WP-Upload-Attachment-ID': String(m.id) },
    body: renderMedia(ctx, req, m, 'edit'),
  };
}

function update(ctx: WpContext, req: WpRequest): SandboxResponse {
  const m = find(ctx, req);
  if (!m) return invalidId();
  if (!canEdit(req)) return wpError(authCode(req), 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
  const alt = textParam(req, 'alt_text');
  if (alt !== undefined) m.alt = alt.replace(/<[^>]*>/g, '').trim();
  const title = textParam(req, 'title');
  if (title !== undefined) m.title = title;
  const caption = textParam(req, 'caption');
  if (caption !== undefined) m.caption = caption;
  const description = textParam(req, 'description');
  if (description !== undefined) m.description = description;
  m.modified = toSecond(ctx.now());
  return { status: 200, body: renderMedia(ctx, req, m, 'edit') };
}

function remove(ctx: WpContext, req: WpRequest): SandboxResponse {
  const m = find(ctx, req);
  if (!m) return invalidId();
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_delete', 'Sorry, you are not allowed to delete this post.');
  if (!['true', '1'].includes(text(req.query['force'] ?? req.body['force'], 'false'))) {
    return wpError(501, 'rest_trash_not_supported', "The post does not support trashing. Set 'force=true' to delete.");
  }
  const previous = renderMedia(ctx, req, m, 'edit');
  ctx.site.media.delete(m.id);
  // delete_post_thumbnail for every post that showed it.
  for (const p of ctx.site.posts.values()) if (p.featuredMedia === m.id) p.featuredMedia = 0;
  return { status: 200, body: { deleted: true, previous } };
}
