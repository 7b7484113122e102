/**
 * A featured image uploaded the GraphQL way: `stagedUploadsCreate` gives an upload target, the
 * bytes go there as a multipart POST with the target's parameters, `fileCreate` makes a
 * MediaImage of the upload, and the image's CDN URL is read once Shopify has processed the file
 * (`fileStatus: READY`). The URL is what an article's `image.url` takes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plexusError } from '../../../core/errors.ts';
import type { MediaRef } from '../../contracts/content.ts';
import { classifyHttp } from '../../kit/errors.ts';
import { payload, shopifyGraphql, type Caller } from '../graphql-call.ts';
import { FILE_CREATE, FILE_POLL, STAGED_UPLOAD } from '../operations.ts';

const POLLS = 10;
const POLL_WAIT_MS = 500;

interface Target {
  url: string;
  resourceUrl: string;
  parameters: { name: string; value: string }[];
}

export async function uploadImage(c: Caller, bytes: Buffer, ref: MediaRef): Promise<string> {
  const staged = payload<{ stagedTargets: Target[] }>(
    await shopifyGraphql(c, STAGED_UPLOAD, {
      input: [
        {
          resource: 'IMAGE',
          filename: ref.filename,
          mimeType: ref.contentType,
          httpMethod: 'POST',
          fileSize: String(bytes.length),
        },
      ],
    }),
    'stagedUploadsCreate',
  );
  const target = staged.stagedTargets[0];
  if (!target) throw plexusError('provider.invalid_request', { message: 'Shopify gave no upload target.' });
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append('file', new Blob([bytes], { type: ref.contentType }), ref.filename);
  // The form's own encoding (boundary and all), as bytes the platform HTTP client sends.
  const encoded = new Response(form);
  const res = await c.ctx.http.send({
    method: 'POST',
    url: target.url,
    headers: { 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' },
    body: Buffer.from(await encoded.arrayBuffer()),
    // The upload goes to storage, not the Admin API: it costs no query points.
    budget: { units: 0 },
  });
  const failed = classifyHttp(res);
  if (failed) throw failed;

  const made = payload<{ files: { id: string }[] }>(
    await shopifyGraphql(c, FILE_CREATE, {
      files: [
        {
          originalSource: target.resourceUrl,
          contentType: 'IMAGE',
          ...(ref.alt ? { alt: ref.alt } : {}),
          filename: ref.filename,
        },
      ],
    }),
    'fileCreate',
  );
  const id = made.files[0]?.id;
  if (!id) throw plexusError('provider.invalid_request', { message: 'Shopify fileCreate answered without a file.' });
  for (let i = 0; i < POLLS; i++) {
    const { node } = await shopifyGraphql<{ node: { fileStatus?: string; image?: { url?: string } | null } | null }>(
      c,
      FILE_POLL,
      { id },
    );
    if (node?.fileStatus === 'READY' && node.image?.url) return node.image.url;
    if (node?.fileStatus === 'FAILED')
      throw plexusError('provider.invalid_request', {
        message: `Shopify could not process the image ${ref.filename}.`,
      });
    await sleep(POLL_WAIT_MS);
  }
  throw plexusError('provider.unavailable', {
    message: `Shopify did not finish processing the image ${ref.filename} in time.`,
  });
}
