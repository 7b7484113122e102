/**
 * `POST /batch/v1` (cms.md §1.7, WordPress ≥ 5.6; posts and pages allow it): up to 25 creates
 * in one request, answered 207 with one envelope per sub-request in order. `require-all-validate`
 * makes schema failures refuse the whole batch before anything is written; a failure while
 * writing (e.g. `empty_content`) still leaves the others created, so the error lists them.
 */
import { plexusError, type PlexusError } from '../../../core/errors.ts';
import type { ConnectorContext } from '../../contracts/connector.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall } from '../../kit/api-call.ts';
import { classifyWordPress } from '../errors.ts';
import type { WpPostJson } from './mapping.ts';

/** `rest_get_max_batch_size` default. */
export const MAX_BATCH = 25;

interface Envelope {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The batch route sits beside `wp/v2`, in the same URL form as the configured base. */
function batchUrl(ctx: ConnectorContext): string {
  const root = ctx.def.api.baseUrl.replace(/\/wp\/\{version\}\/?$/, '');
  return ctx.url(`${root}/batch/v1`);
}

export interface BatchFailure {
  index: number;
  error: PlexusError;
}

export interface BatchResult {
  /** One per request, in order: the created post, or undefined where it failed. */
  posts: (WpPostJson | undefined)[];
  failures: BatchFailure[];
}

function failureOf(e: Envelope): PlexusError {
  const res = { status: e.status, headers: {}, body: e.body, text: JSON.stringify(e.body ?? null) };
  return (
    classifyWordPress(res) ??
    plexusError('provider.invalid_request', { message: `HTTP ${e.status}`, details: { status: e.status } })
  );
}

/** Creates each body at `collection` (e.g. `/posts`) in one batch of at most {@link MAX_BATCH}. */
export async function batchCreate(
  s: ContentContext,
  collection: string,
  bodies: readonly Record<string, unknown>[],
): Promise<BatchResult> {
  const path = `/wp/${s.ctx.def.api.version}${collection}`;
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: batchUrl(s.ctx),
    json: { validation: 'require-all-validate', requests: bodies.map((body) => ({ method: 'POST', path, body })) },
  });
  const answer = res.body as { failed?: string; responses?: (Envelope | null)[] };
  const responses = answer.responses ?? [];
  if (answer.failed === 'validation') {
    const failures = responses.flatMap((e, index) => (e ? [{ index, error: failureOf(e) }] : []));
    return { posts: bodies.map(() => undefined), failures };
  }
  const posts: (WpPostJson | undefined)[] = [];
  const failures: BatchFailure[] = [];
  bodies.forEach((_, index) => {
    const e = responses[index];
    if (e && e.status >= 200 && e.status < 300) posts.push(e.body as WpPostJson);
    else {
      posts.push(undefined);
      failures.push({
        index,
        error: e
          ? failureOf(e)
          : plexusError('provider.unavailable', { message: 'WordPress answered the batch without this request.' }),
      });
    }
  });
  return { posts, failures };
}
