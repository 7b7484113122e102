/**
 * Drupal 10/11 simulator: core JSON:API under `/jsonapi` plus the routes a connector uses to
 * authenticate — basic_auth (failed credentials fall back to anonymous), cookie login with
 * CSRF tokens, and contrib simple_oauth (`/oauth/authorize`, `/oauth/token`, RS256 JWT access
 * tokens, rotating refresh tokens). Nodes, the tags vocabulary and uploaded files live in ./sandbox/site.ts;
 * nodes are seeded from seed + size. Route modules live in ./sandbox/.
 */
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { rngFor } from '../../sandbox/kit/rng.ts';
import { header, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { authRoutes, DrupalAuth, type Caller, type DrupalUser } from './sandbox/auth.ts';
import { jsonapiError } from './sandbox/document.ts';
import { jsonapiRoutes } from './sandbox/jsonapi.ts';
import {
  applyAttrs,
  bump,
  seedSite,
  uuidOf,
  type DrupalCtx,
  type DrupalFile,
  type DrupalNode,
  type DrupalTerm,
} from './sandbox/site.ts';
import { mustExist } from '../../sandbox/kit/remote.ts';

export interface DrupalSandboxOptions extends SandboxOptions {
  username?: string;
  /** The administrator's password (basic_auth, cookie login, OAuth password grant); derived from the seed when absent. */
  password?: string;
  /** `jsonapi.settings: read_only` — true on a fresh install, so writes are 405 until turned off. */
  readOnly?: boolean;
  /** simple_oauth token lifetimes (site config; 300 s / 14 days assumed). */
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  rotateRefreshTokens?: boolean;
  siteName?: string;
}

export interface DrupalRemote extends RemoteControl {
  /** An editor saves the node (attributes by JSON:API name); `changed` and `drupal_internal__vid` move. Id = node UUID. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Hard delete (no trash in core). */
  delete(id: string): void;
}

export interface DrupalRunningSandbox extends RunningSandbox {
  /** The site URL a connector is configured with (the sandbox URL). */
  siteUrl: string;
  jsonapiUrl: string;
  username: string;
  password: string;
  /** UUID of the administrator's user entity (what `meta.links.me` points at). */
  userUuid: string;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  authorizeUrl: string;
  remote: DrupalRemote;
  basicAuth(): string;
  /** `Basic …` for the seeded `editor` account (role content_editor): a second person on the site. */
  editorAuth(): string;
  /** Flip `read_only` as the admin form does. */
  setReadOnly(readOnly: boolean): void;
  nodes(): DrupalNode[];
  terms(): DrupalTerm[];
  files(): DrupalFile[];
  /** An administrator deletes a managed file; nodes keep a dangling reference (rendered as `missing`). */
  deleteFile(uuid: string): void;
}

async function start(opts: DrupalSandboxOptions = {}): Promise<DrupalRunningSandbox> {
  // `auth` (below) needs the token store and mints its tokens; the generator only runs after both exist.
  const kit = sandboxKit(opts, { size: 60, generate: (kind) => auth.generate(kind) });
  const { now, seed, size, tokens, routes } = kit;
  const username = opts.username ?? 'admin';
  const password = opts.password ?? `pw-${rngFor(seed, 'drupal-password').alnum(16)}`;
  const siteName = opts.siteName ?? opts.appName ?? 'Sandbox Drupal';
  const users: DrupalUser[] = [
    {
      uid: 1,
      uuid: uuidOf(String(seed), 'user', 1),
      name: username,
      pass: password,
      roles: ['authenticated', 'administrator'],
    },
    {
      uid: 2,
      uuid: uuidOf(String(seed), 'user', 2),
      name: 'editor',
      pass: `pw-${rngFor(seed, 'drupal-editor').alnum(16)}`,
      roles: ['authenticated', 'content_editor'],
    },
  ];
  const auth = new DrupalAuth(
    {
      siteName,
      users,
      ...sandboxApp(opts, { clientId: uuidOf(String(seed), 'consumer'), clientSecret: 'sandbox-drupal-client-secret' }),
      accessTtlSeconds: opts.accessTtlSeconds ?? 300,
      refreshTtlSeconds: opts.refreshTtlSeconds ?? 1_209_600,
      rotateRefreshTokens: opts.rotateRefreshTokens ?? true,
    },
    tokens,
    now,
  );
  const ctx: DrupalCtx = { baseUrl: '', now, readOnly: opts.readOnly ?? true, auth, ...seedSite(seed, size, now()) };

  const who = (req: SandboxRequest): Caller => {
    const r = auth.resolve(req);
    return r.ok ? r.caller : { kind: 'anonymous', credentialsSent: true };
  };
  authRoutes(routes, auth);
  jsonapiRoutes(routes, ctx, who);

  const mustGet = (id: string): DrupalNode => mustExist(ctx.nodes.get(id), `Drupal node with uuid ${id}`);
  const remote: DrupalRemote = {
    edit(id, patch) {
      const n = mustGet(id);
      // The node form saves the whole body item: a new value keeps the text format and summary.
      const body = patch['body'] && typeof patch['body'] === 'object' ? { ...n.body, ...patch['body'] } : patch['body'];
      applyAttrs(n, { ...patch, ...(body === undefined ? {} : { body }) });
      bump(ctx, n);
    },
    delete(id) {
      mustGet(id);
      ctx.nodes.delete(id);
    },
  };
  const initialReadOnly = ctx.readOnly;

  const running = await kit.start({
    provider: 'drupal',
    remote,
    reseed: () => {
      Object.assign(ctx, seedSite(seed, size, now()));
      ctx.readOnly = initialReadOnly;
    },
    parts: [auth.sessions],
    stats: () => ({ nodes: ctx.nodes.size, terms: ctx.terms.size, files: ctx.files.size, readOnly: ctx.readOnly }),
    hooks: {
      before(req) {
        const r = auth.resolve(req);
        // simple_oauth rejects a bad Bearer token outright instead of falling back to anonymous.
        if (!r.ok)
          return jsonapiError(
            req,
            ctx.baseUrl,
            401,
            r.detail,
            {},
            { 'www-authenticate': 'Bearer realm="OAuth", error="invalid_token"' },
          );
        if (
          r.caller.kind === 'user' &&
          r.caller.via === 'cookie' &&
          !['GET', 'HEAD', 'OPTIONS'].includes(req.method) &&
          req.path.startsWith('/jsonapi')
        ) {
          const sent = header(req, 'x-csrf-token');
          if (!sent) return jsonapiError(req, ctx.baseUrl, 403, 'X-CSRF-Token request header is missing');
          if (sent !== r.caller.session?.csrf)
            return jsonapiError(req, ctx.baseUrl, 403, 'X-CSRF-Token request header is invalid');
        }
        return undefined;
      },
      faultResponse: (fault, req) => faultResponse(fault, req, ctx.baseUrl),
      notFound: (req) =>
        req.path.startsWith('/jsonapi')
          ? jsonapiError(req, ctx.baseUrl, 404, `No route found for "${req.method} ${ctx.baseUrl}${req.path}"`)
          : {
              status: 404,
              headers: { 'content-type': 'text/html; charset=UTF-8' },
              body: '<!doctype html><title>Page not found</title><h1>Page not found</h1>',
            },
    },
  });
  ctx.baseUrl = running.url;

  return {
    ...running,
    siteUrl: running.url,
    jsonapiUrl: `${running.url}/jsonapi`,
    username,
    password,
    userUuid: users[0]!.uuid,
    clientId: auth.config.clientId,
    clientSecret: auth.config.clientSecret,
    tokenUrl: `${running.url}/oauth/token`,
    authorizeUrl: `${running.url}/oauth/authorize`,
    basicAuth: () => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    setReadOnly: (v) => {
      ctx.readOnly = v;
    },
    editorAuth: () => `Basic ${Buffer.from(`${users[1]!.name}:${users[1]!.pass}`).toString('base64')}`,
    nodes: () => [...ctx.nodes.values()],
    terms: () => [...ctx.terms.values()],
    files: () => [...ctx.files.values()],
    deleteFile: (uuid) => {
      if (!ctx.files.delete(uuid)) throw new Error(`no Drupal file with uuid ${uuid}`);
    },
  };
}

/** Core has no rate limit; a 429 would come from a proxy or contrib module. */
function faultResponse(fault: ActiveFault, req: SandboxRequest, baseUrl: string): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    return jsonapiError(
      req,
      baseUrl,
      fault.status ?? 429,
      'Too Many Requests',
      {},
      { 'Retry-After': String(fault.retryAfterSeconds ?? 60) },
    );
  }
  const status = fault.status ?? 500;
  return jsonapiError(
    req,
    baseUrl,
    status,
    status === 503 ? 'Service unavailable' : 'The website encountered an unexpected error. Try again later.',
  );
}

export const sandbox: Sandbox<DrupalRunningSandbox> = { provider: 'drupal', start };
