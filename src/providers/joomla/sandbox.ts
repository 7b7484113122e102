/**
 * Joomla 4/5 Web Services simulator: `/api/index.php/v1/…` (and the rewritten `/api/v1/…`) on the
 * sandbox URL, the token-plugin authentication (Bearer or X-Joomla-Token, HMAC of the user's seed
 * with the site secret), com_content articles seeded from seed + size, and the category and tag
 * trees.
 */
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { rngFor } from '../../sandbox/kit/rng.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { articleRoutes, seedArticles, type JoomlaArticle, type JoomlaCtx } from './sandbox/articles.ts';
import { API_CT, jerror } from './sandbox/jsonapi.ts';
import { authenticate, makeToken, newSeed, SUPER_USERS, type JoomlaUser } from './sandbox/auth.ts';
import { seedTrees, treeRoutes, type JoomlaNode } from './sandbox/taxonomy.ts';
import { mustExist } from '../../sandbox/kit/remote.ts';

export interface JoomlaSandboxOptions extends SandboxOptions {
  /** `$secret` from configuration.php; derived from the seed when absent. */
  siteSecret?: string;
  /** Groups allowed by "User – Joomla Token" (default [8], Super Users); [] allows all. */
  allowedGroups?: number[];
}

export interface JoomlaRemote extends RemoteControl {
  /** An editor saves the article (form field names: title, introtext, state, catid…); `modified` and `version` move. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Trashes the article (state −2), as the admin list's Trash button does. */
  delete(id: string): void;
  /** An editor opens the article in the admin form: it stays checked out to them until they save or close it. */
  checkout(id: string, userId?: number): void;
  /** Closes the form without saving (check-in). */
  checkin(id: string): void;
}

export interface JoomlaRunningSandbox extends RunningSandbox {
  siteUrl: string;
  /** `${url}/api/index.php/v1`. */
  apiUrl: string;
  /** The Super User's API token (base64 `sha256:<id>:<hmac>`). */
  token: string;
  /** Token of the second user, who is only in Registered (2): refused while allowedGroups is [8]. */
  registeredToken: string;
  /** Token of a second Super User, `editor`: a person editing on the site through the API. */
  editorToken: string;
  editorId: number;
  superUserId: number;
  siteSecret: string;
  remote: JoomlaRemote;
  /** "Reset" in the user's token tab: a new seed, so every earlier token stops working. Returns the new token. */
  resetToken(userId?: number): string;
  /** Disables or re-enables the user's token (the profile's Enabled switch). */
  setTokenEnabled(enabled: boolean, userId?: number): void;
  articles(): JoomlaArticle[];
  categories(): JoomlaNode[];
  tags(): JoomlaNode[];
}

async function start(opts: JoomlaSandboxOptions = {}): Promise<JoomlaRunningSandbox> {
  // Joomla tokens are not OAuth tokens; the store stays empty but keeps the kit's contract (so reset clearing it changes nothing).
  const kit = sandboxKit(opts, { size: 60 });
  const { now, seed, size, routes, control } = kit;
  const siteSecret = opts.siteSecret ?? rngFor(seed, 'joomla-secret').alnum(16);
  const allowedGroups = opts.allowedGroups ?? [SUPER_USERS];
  const rng = rngFor(seed, 'joomla-users');
  const superId = rng.int(100, 999);
  const seedOf = (label: string) => Buffer.from(rngFor(seed, 'joomla-token-seed', label).alnum(32)).toString('base64');
  const freshUsers = (): JoomlaUser[] => [
    {
      id: superId,
      username: 'admin',
      name: 'Super User',
      groups: [SUPER_USERS],
      blocked: false,
      tokenSeed: seedOf('admin'),
      tokenEnabled: true,
    },
    {
      id: superId + 1,
      username: 'writer',
      name: 'Registered Writer',
      groups: [2],
      blocked: false,
      tokenSeed: seedOf('writer'),
      tokenEnabled: true,
    },
    {
      id: superId + 2,
      username: 'editor',
      name: 'Site Editor',
      groups: [SUPER_USERS],
      blocked: false,
      tokenSeed: seedOf('editor'),
      tokenEnabled: true,
    },
  ];
  const users = freshUsers();
  const ctx: JoomlaCtx = {
    baseUrl: '',
    now,
    users,
    ...seedArticles(seed, size, now(), [superId, superId + 1]),
    ...seedTrees(now()),
  };

  const userOf = (req: SandboxRequest) => authenticate(req, ctx.users, siteSecret, allowedGroups) as JoomlaUser;
  articleRoutes(routes, ctx, userOf);
  treeRoutes(routes, ctx, userOf);

  const mustGet = (id: string) => mustExist(ctx.articles.get(Number(id)), `Joomla article with id ${id}`);
  const remote: JoomlaRemote = {
    edit(id, patch) {
      const a = mustGet(id);
      for (const [k, v] of Object.entries(patch)) {
        if (k === 'title' || k === 'introtext' || k === 'fulltext' || k === 'alias' || k === 'metadesc')
          a[k] = String(v);
        else if (k === 'state' || k === 'catid' || k === 'featured') a[k] = Number(v);
      }
      a.modified = Math.floor(now() / 1000) * 1000;
      a.version += 1;
      a.checkedOut = 0;
    },
    checkout(id, userId = superId + 2) {
      mustGet(id).checkedOut = userId;
    },
    checkin(id) {
      mustGet(id).checkedOut = 0;
    },
    delete(id) {
      const a = mustGet(id);
      a.state = -2;
      a.modified = Math.floor(now() / 1000) * 1000;
      a.version += 1;
    },
  };
  const userById = (id: number) => {
    const u = ctx.users.find((x) => x.id === id);
    if (!u) throw new Error(`no Joomla user ${id}`);
    return u;
  };
  control.add('POST', '/__sandbox/token/reset', () =>
    json(200, { token: makeToken(resetSeed(userById(superId)), siteSecret) }),
  );
  const resetSeed = (u: JoomlaUser) => {
    u.tokenSeed = newSeed();
    return u;
  };

  const running = await kit.start({
    provider: 'joomla',
    remote,
    reseed: () => {
      Object.assign(ctx, seedArticles(seed, size, now(), [superId, superId + 1]), seedTrees(now()));
      ctx.users.splice(0, ctx.users.length, ...freshUsers());
    },
    stats: () => ({ articles: ctx.articles.size, categories: ctx.categories.size, tags: ctx.tags.size }),
    hooks: {
      routePath: (path) => path.replace(/^\/api(\/index\.php)?(?=\/)/, ''),
      before(req) {
        if (!/^\/api(\/index\.php)?\/v1(\/|$)/.test(req.path)) return undefined;
        // No api-authentication plugin accepted the request.
        if (!authenticate(req, ctx.users, siteSecret, allowedGroups)) return jerror(401, 'Forbidden');
        return undefined;
      },
      faultResponse,
      notFound: (req: SandboxRequest) =>
        req.path.startsWith('/api')
          ? jerror(404, 'Resource not found')
          : { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>404 Page not found</h1>' },
    },
  });
  ctx.baseUrl = running.url;

  return {
    ...running,
    siteUrl: running.url,
    apiUrl: `${running.url}/api/index.php/v1`,
    get token() {
      return makeToken(userById(superId), siteSecret);
    },
    get registeredToken() {
      return makeToken(userById(superId + 1), siteSecret);
    },
    get editorToken() {
      return makeToken(userById(superId + 2), siteSecret);
    },
    editorId: superId + 2,
    superUserId: superId,
    siteSecret,
    resetToken: (userId = superId) => makeToken(resetSeed(userById(userId)), siteSecret),
    setTokenEnabled: (enabled, userId = superId) => {
      userById(userId).tokenEnabled = enabled;
    },
    articles: () => [...ctx.articles.values()],
    categories: () => [...ctx.categories.values()],
    tags: () => [...ctx.tags.values()],
  };
}

/** Core has no rate limit; a 429 would come from the server or a third-party extension. */
function faultResponse(fault: ActiveFault): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    const res = jerror(fault.status ?? 429, 'Too Many Requests');
    return { ...res, headers: { 'content-type': API_CT, 'Retry-After': String(fault.retryAfterSeconds ?? 60) } };
  }
  return jerror(fault.status ?? 500, 'Internal Server Error');
}

export const sandbox: Sandbox<JoomlaRunningSandbox> = { provider: 'joomla', start };
