/**
 * File uploads as JSON:API takes them for a file field (`POST /jsonapi/node/article/field_image`):
 * a raw `application/octet-stream` body named by `Content-Disposition: file; filename="…"`
 * (quoted, no `filename*`), checked against the field's allowed extensions, answered 201 with a
 * temporary `file--file` that becomes permanent once an entity references it. Files are served
 * under `/sites/default/files/`.
 */
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { Caller } from './auth.ts';
import { doc, jsonapiError, rfc3339, violations, writable } from './document.ts';
import { uuidOf, type DrupalCtx, type DrupalFile } from './site.ts';
import { pngSize, splitExtension } from '../../../sandbox/kit/uploads.ts';

export const FILE_TYPE = 'file--file';
/** The standard profile's `field_image` settings. */
const EXTENSIONS = ['png', 'gif', 'jpg', 'jpeg'];
const MIME: Record<string, string> = { png: 'image/png', gif: 'image/gif', jpg: 'image/jpeg', jpeg: 'image/jpeg' };
const FILENAME = /\bfilename(?<star>\*?)="(?<filename>.+)"/;

export function fileUrl(ctx: DrupalCtx, f: DrupalFile): string {
  return `${ctx.baseUrl}/sites/default/files/${f.uri.replace(/^public:\/\//, '')}`;
}

export function fileResource(ctx: DrupalCtx, f: DrupalFile): Record<string, unknown> {
  const self = `${ctx.baseUrl}/jsonapi/file/file/${f.uuid}`;
  const owner = ctx.auth.user(f.uid);
  return {
    type: FILE_TYPE,
    id: f.uuid,
    links: { self: { href: self } },
    attributes: {
      drupal_internal__fid: f.fid,
      langcode: 'en',
      filename: f.filename,
      uri: { value: f.uri, url: `/sites/default/files/${f.uri.replace(/^public:\/\//, '')}` },
      filemime: f.mime,
      filesize: f.bytes.length,
      status: f.status,
      created: rfc3339(f.created),
      changed: rfc3339(f.created),
    },
    relationships: {
      uid: {
        data: {
          type: 'user--user',
          id: owner?.uuid ?? uuidOf('user', f.uid),
          meta: { drupal_internal__target_id: f.uid },
        },
        links: { related: { href: `${self}/uid` }, self: { href: `${self}/relationships/uid` } },
      },
    },
  };
}

/** `file_create_filename`: `name.png`, then `name_0.png`, `name_1.png` … in the month's folder. */
function uniqueUri(ctx: DrupalCtx, folder: string, filename: string): string {
  const { stem, ext } = splitExtension(filename);
  const taken = new Set([...ctx.files.values()].map((f) => f.uri));
  let uri = `public://${folder}/${filename}`;
  for (let n = 0; taken.has(uri); n++) uri = `public://${folder}/${stem}_${n}${ext}`;
  return uri;
}

export function fileRoutes(r: Router, ctx: DrupalCtx, who: (req: SandboxRequest) => Caller): void {
  r.add('POST', '/jsonapi/node/article/field_image', (req): SandboxResponse => {
    const bad = writable(ctx, req, true, 'application/octet-stream');
    if (bad) return bad;
    const c = who(req);
    if (c.kind !== 'user')
      return jsonapiError(
        req,
        ctx.baseUrl,
        403,
        'The current user is not permitted to upload a file for this field. The following permissions are required: "create article content".',
        { source: { pointer: '/data' } },
      );
    const disposition = header(req, 'content-disposition');
    if (!disposition)
      return jsonapiError(
        req,
        ctx.baseUrl,
        400,
        '"Content-Disposition" header is required. A file name in the format "filename=FILENAME" must be provided.',
      );
    const m = FILENAME.exec(disposition);
    if (!m?.groups)
      return jsonapiError(
        req,
        ctx.baseUrl,
        400,
        'No filename found in "Content-Disposition" header. A file name in the format "filename=FILENAME" must be provided.',
      );
    if (m.groups['star'])
      return jsonapiError(
        req,
        ctx.baseUrl,
        400,
        'The extended "filename*" format is currently not supported in the "Content-Disposition" header.',
      );
    const filename = (m.groups['filename'] ?? '').split(/[\\/]/).pop() ?? '';
    const ext = (filename.split('.').pop() ?? '').toLowerCase();
    if (!filename.includes('.') || !EXTENSIONS.includes(ext)) {
      return violations([
        {
          pointer: '/data',
          detail: `Unprocessable Entity: file validation failed.\nOnly files with the following extensions are allowed: <em class="placeholder">${EXTENSIONS.join(' ')}</em>.`,
        },
      ]);
    }
    if (!req.rawBody.length)
      return violations([
        { pointer: '/data', detail: 'Unprocessable Entity: file validation failed.\nThe file is empty.' },
      ]);
    const now = Math.floor(ctx.now() / 1000);
    const d = new Date(now * 1000).toISOString();
    const f: DrupalFile = {
      uuid: uuidOf('file', ctx.nextFid, ctx.now()),
      fid: ctx.nextFid++,
      filename,
      uri: uniqueUri(ctx, `${d.slice(0, 4)}-${d.slice(5, 7)}`, filename),
      mime: MIME[ext] ?? 'application/octet-stream',
      bytes: Buffer.from(req.rawBody),
      status: false,
      created: now,
      uid: c.user.uid,
      ...(pngSize(req.rawBody) ?? { width: 0, height: 0 }),
    };
    ctx.files.set(f.uuid, f);
    return doc(201, {
      data: fileResource(ctx, f),
      links: { self: { href: `${ctx.baseUrl}/jsonapi/file/file/${f.uuid}` } },
    });
  });

  r.add('GET', '/jsonapi/file/file/:uuid', (req) => {
    const f = ctx.files.get(req.params['uuid'] ?? '');
    if (!f)
      return jsonapiError(
        req,
        ctx.baseUrl,
        404,
        'The "file" parameter was not converted for the path "/jsonapi/file/file/{entity}" (route name: "jsonapi.file--file.individual")',
      );
    return doc(200, {
      data: fileResource(ctx, f),
      links: { self: { href: `${ctx.baseUrl}/jsonapi/file/file/${f.uuid}` } },
    });
  });

  r.add('GET', '/sites/default/files/:folder/:name', (req) => {
    const uri = `public://${req.params['folder']}/${req.params['name']}`;
    const f = [...ctx.files.values()].find((x) => x.uri === uri);
    return f
      ? { status: 200, headers: { 'content-type': f.mime }, body: f.bytes }
      : {
          status: 404,
          headers: { 'content-type': 'text/html; charset=UTF-8' },
          body: '<!doctype html><title>Page not found</title>',
        };
  });
}
