/**
 * WordPress (core REST API, `wp/v2`) simulator: one self-hosted site whose URL is the sandbox URL,
 * Application Passwords over HTTP Basic (space-stripping, the availability gate, WP_Error codes),
 * posts and pages with WordPress's paging headers, trash semantics and `batch/v1`, categories
 * and tags, media uploads (served back under /wp-content/uploads/), seeded
 * deterministically from seed + size. Route modules live in ./sandbox/.
 */
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, Router, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { apiRootUrl, restUrl, wpError, type WpConfig, type WpContext } from './sandbox/context.ts';
import { mediaRoutes } from './sandbox/media.ts';
import { postRoutes, trashPost } from './sandbox/posts.ts';
import { restFront } from './sandbox/rest.ts';
import { chunkPassword, generateAppPassword, toSecond, WpSite, type PostStatus, type WpPost } from './sandbox/site.ts';
import { termRoutes } from './sandbox/terms.ts';
import { createAppPassword, userRoutes } from './sandbox/users.ts';
import { mustExist } from '../../sandbox/kit/remote.ts';
import { hyphenate } from '../../sandbox/kit/text.ts';

export interface WordPressSandboxOptions extends SandboxOptions {
  /** Administrator login; the email works as the Basic username too. */
  username?: string;
  email?: string;
  displayName?: string;
  /** The administrator's application password (24 alphanumerics); derived from the seed when absent. */
  applicationPassword?: string;
  /** False behaves like plain HTTP outside a `local` environment: Basic credentials are ignored. */
  applicationPasswordsAvailable?: boolean;
  /** False behaves like EMPTY_TRASH_DAYS=0: DELETE without force is a 501. */
  trashEnabled?: boolean;
  maxBatchSize?: number;
  /** Whether the advertised API root is `/wp-json/` (true) or `?rest_route=/` (false). Both forms are always served. */
  prettyPermalinks?: boolean;
  siteName?: string;
}

export interface WpRemote extends RemoteControl {
  /** `edit(id, {title, content, excerpt, status, slug})`: an editor saves the post in wp-admin; modified_gmt moves. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Moves the post to the trash, as wp-admin's "Trash" link does. */
  delete(id: string): void;
  /** Deletes permanently (emptied trash); the id simply disappears. */
  purge(id: string): void;
  /** Publishes a new post as an editor would; returns its id. */
  create(fields: { title: string; content?: string; status?: PostStatus; type?: 'post' | 'page' }): number;
}

export interface WordPressRunningSandbox extends RunningSandbox {
  /** The site URL a connector is configured with (the sandbox URL itself). */
  siteUrl: string;
  /** `${url}/wp-json/` or `${url}/index.php?rest_route=/` depending on prettyPermalinks. */
  apiRoot: string;
  username: string;
  email: string;
  /** As WordPress shows it: groups of four separated by spaces (accepted with or without). */
  applicationPassword: string;
  remote: WpRemote;
  /** Adds an application password for the administrator (or the user with this login); returns it in the spaced form. */
  createApplicationPassword(name: string, login?: string): string;
  /** Deletes application passwords (all, or the one with this name); returns how many. */
  revokeApplicationPasswords(name?: string): number;
  /** `Basic …` header value for the administrator's seeded application password. */
  basicAuth(): string;
  /** REST URL for a route, e.g. `restUrl('/wp/v2/posts', {per_page: '5'})`, in the chosen form. */
  restUrl(route: string, params?: Record<string, string>, form?: 'pretty' | 'plain'): string;
  site(): WpSite;
}

async function start(opts: WordPressSandboxOptions = {}): Promise<WordPressRunningSandbox> {
  // WordPress has no OAuth tokens; the store stays empty but keeps the kit's contract (so reset clearing it changes nothing).
  const kit = sandboxKit(opts, { size: 60 });
  const { now, seed, size, control } = kit;
  const username = opts.username ?? 'admin';
  const email = opts.email ?? 'admin@example.test';
  const plain = (opts.applicationPassword ?? generateAppPassword(seed, username)).replace(/[^a-z\d]/gi, '');
  const config: WpConfig = {
    siteName: opts.siteName ?? opts.appName ?? 'Sandbox WordPress',
    appPasswordsAvailable: opts.applicationPasswordsAvailable ?? true,
    trashEnabled: opts.trashEnabled ?? true,
    maxBatch: opts.maxBatchSize ?? 25,
    prettyPermalinks: opts.prettyPermalinks ?? true,
  };
  const seedSite = (): WpSite =>
    WpSite.seeded({
      seed,
      size,
      now: now(),
      user: { login: username, email, name: opts.displayName ?? 'Sandbox Admin' },
      appPassword: plain,
    });
  const ctx: WpContext = { config, site: seedSite(), now, baseUrl: '' };

  const api = new Router();
  userRoutes(api, ctx);
  postRoutes(api, ctx);
  termRoutes(api, ctx);
  mediaRoutes(api, ctx);
  const front = restFront(ctx, api);

  const mustGet = (id: string): WpPost => mustExist(ctx.site.posts.get(Number(id)), `WordPress post with id ${id}`);
  const remote: WpRemote = {
    edit(id, patch) {
      const p = mustGet(id);
      for (const [k, v] of Object.entries(patch)) {
        if (k === 'title' || k === 'content' || k === 'excerpt' || k === 'slug') p[k] = String(v);
        else if (k === 'status') p.status = v as PostStatus;
        else if (k === 'author') p.author = Number(v);
      }
      p.modified = toSecond(now());
    },
    delete(id) {
      const p = mustGet(id);
      if (p.status !== 'trash') trashPost(p, now());
    },
    purge(id) {
      mustGet(id);
      ctx.site.posts.delete(Number(id));
    },
    create(fields) {
      const t = toSecond(now());
      const id = ctx.site.nextId++;
      const slug = hyphenate(fields.title);
      ctx.site.posts.set(id, {
        id,
        type: fields.type ?? 'post',
        status: fields.status ?? 'publish',
        date: t,
        modified: t,
        slug: `${slug}-${id}`,
        title: fields.title,
        content: fields.content ?? '',
        excerpt: '',
        author: 1,
        password: '',
        commentStatus: 'open',
        pingStatus: 'open',
        sticky: false,
        format: 'standard',
        categories: [1],
        tags: [],
        parent: 0,
        menuOrder: 0,
        template: '',
        featuredMedia: 0,
      });
      return id;
    },
  };

  const admin = () => ctx.site.users[0]!;
  control.add('POST', '/__sandbox/application-passwords', (req) => {
    const name = typeof req.body['name'] === 'string' ? req.body['name'] : `Sandbox ${admin().appPasswords.length + 1}`;
    return json(201, { username, password: chunkPassword(createAppPassword(ctx, admin(), name)) });
  });

  const running = await kit.start({
    provider: 'wordpress',
    remote,
    reseed: () => {
      ctx.site = seedSite();
    },
    stats: () => ({
      posts: [...ctx.site.posts.values()].filter((p) => p.type === 'post').length,
      pages: [...ctx.site.posts.values()].filter((p) => p.type === 'page').length,
      media: ctx.site.media.size,
      terms: ctx.site.terms.size,
    }),
    hooks: {
      // Every path goes through WordPress's own front controller (index.php / rest_route).
      before: (req) => front(req),
      decorate: (req, res) => decorate(ctx, req, res),
      faultResponse,
      notFound: () => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
    },
  });
  ctx.baseUrl = running.url;

  return {
    ...running,
    siteUrl: running.url,
    apiRoot: apiRootUrl(ctx),
    username,
    email,
    applicationPassword: chunkPassword(plain),
    createApplicationPassword(name, login) {
      const user = login === undefined ? admin() : ctx.site.userByLoginOrEmail(login);
      if (!user) throw new Error(`no WordPress user ${login}`);
      return chunkPassword(createAppPassword(ctx, user, name));
    },
    revokeApplicationPasswords(name) {
      const before = admin().appPasswords.length;
      admin().appPasswords = name === undefined ? [] : admin().appPasswords.filter((p) => p.name !== name);
      return before - admin().appPasswords.length;
    },
    basicAuth: () => `Basic ${Buffer.from(`${username}:${chunkPassword(plain)}`).toString('base64')}`,
    restUrl: (route, params = {}, form = config.prettyPermalinks ? 'pretty' : 'plain') =>
      restUrl(ctx, form, route, params),
    site: () => ctx.site,
  };
}

function decorate(ctx: WpContext, req: SandboxRequest, res: SandboxResponse): SandboxResponse {
  const isRest = req.path.includes('/wp-json') || req.url.searchParams.has('rest_route');
  if (!isRest) return res;
  const apiLink = `<${apiRootUrl(ctx)}>; rel="https://api.w.org/"`;
  const headers: Record<string, string> = {
    'X-Robots-Tag': 'noindex',
    'X-Content-Type-Options': 'nosniff',
    'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
    'Access-Control-Allow-Headers': 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type',
    ...res.headers,
  };
  headers['Link'] = res.headers?.['Link'] ? `${res.headers['Link']}, ${apiLink}` : apiLink;
  return { ...res, headers };
}

/** Core has no rate limit; a 429 comes from the host or a security plugin, as an HTML page. */
function faultResponse(fault: ActiveFault): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    return {
      status: fault.status ?? 429,
      headers: { 'content-type': 'text/html; charset=UTF-8', 'Retry-After': String(fault.retryAfterSeconds ?? 60) },
      body: '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>',
    };
  }
  const status = fault.status ?? 500;
  if (status >= 502) {
    return {
      status,
      headers: { 'content-type': 'text/html; charset=UTF-8' },
      body: `<html><body><h1>${status} Bad Gateway</h1></body></html>`,
    };
  }
  // WordPress's fatal-error handler answers REST requests with a WP_Error.
  const res = wpError(
    status,
    'internal_server_error',
    '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>',
  );
  return { ...res, body: { ...(res.body as Record<string, unknown>), additional_errors: [] } };
}

export const sandbox: Sandbox<WordPressRunningSandbox> = { provider: 'wordpress', start };
