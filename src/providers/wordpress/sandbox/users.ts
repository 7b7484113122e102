/**
 * `wp/v2/users` (me and by id) and the Application Passwords routes (list, create, introspect,
 * delete — deleting one is how a connection's credential is revoked in WordPress).
 */
import { randomBytes } from 'node:crypto';
import type { Router, SandboxResponse } from '../../../sandbox/kit/server.ts';
import { authCode, restUrl, wpDate, wpError, type WpContext, type WpRequest } from './context.ts';
import { chunkPassword, hashPassword, newUuid, type AppPassword, type WpUser } from './site.ts';

export function userRoutes(api: Router, ctx: WpContext): void {
  api.add('GET', '/wp/v2/users/me', (r) => {
    const req = r as WpRequest;
    if (!req.user) return wpError(401, 'rest_not_logged_in', 'You are not currently logged in.');
    return { status: 200, body: renderUser(ctx, req, req.user, req.query['context'] === 'edit' ? 'edit' : 'view') };
  });
  api.add('GET', '/wp/v2/users/:id', (r) => {
    const req = r as WpRequest;
    const id = req.params['id'] ?? '';
    const user = /^\d+$/.test(id) ? ctx.site.user(Number(id)) : undefined;
    if (!user) return wpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
    const edit = req.query['context'] === 'edit';
    if (edit && req.user?.id !== user.id && !req.user?.roles.includes('administrator')) {
      return wpError(authCode(req), 'rest_user_cannot_view', 'Sorry, you are not allowed to list users.');
    }
    return { status: 200, body: renderUser(ctx, req, user, edit ? 'edit' : 'view') };
  });

  const base = '/wp/v2/users/:user/application-passwords';
  const owner = (req: WpRequest): WpUser | SandboxResponse => {
    if (!req.user)
      return wpError(
        401,
        'rest_cannot_manage_application_passwords',
        'Sorry, you are not allowed to manage application passwords for this user.',
      );
    const u = req.params['user'];
    const user = u === 'me' ? req.user : ctx.site.user(Number(u));
    if (!user) return wpError(404, 'rest_user_invalid_id', 'Invalid user ID.');
    if (user.id !== req.user.id && !req.user.roles.includes('administrator')) {
      return wpError(
        403,
        'rest_cannot_manage_application_passwords',
        'Sorry, you are not allowed to manage application passwords for this user.',
      );
    }
    return user;
  };
  api.add('GET', base, (r) => {
    const req = r as WpRequest;
    const user = owner(req);
    if (!('appPasswords' in user)) return user;
    return { status: 200, body: user.appPasswords.map((p) => renderAppPassword(ctx, req, user, p)) };
  });
  api.add('GET', `${base}/introspect`, (r) => {
    const req = r as WpRequest;
    const user = owner(req);
    if (!('appPasswords' in user)) return user;
    if (!req.appPassword || req.user?.id !== user.id)
      return wpError(404, 'rest_no_authenticated_app_password', 'Cannot introspect application password.');
    return { status: 200, body: renderAppPassword(ctx, req, user, req.appPassword) };
  });
  api.add('POST', base, (r) => {
    const req = r as WpRequest;
    const user = owner(req);
    if (!('appPasswords' in user)) return user;
    const name = typeof req.body['name'] === 'string' ? req.body['name'].trim() : '';
    if (!name)
      return wpError(
        400,
        'application_password_empty_name',
        'An application name is required to create an application password.',
      );
    if (user.appPasswords.some((p) => p.name === name))
      return wpError(409, 'application_password_duplicate_name', 'Each application name should be unique.');
    const plain = createAppPassword(ctx, user, name, typeof req.body['app_id'] === 'string' ? req.body['app_id'] : '');
    const item = user.appPasswords.at(-1) as AppPassword;
    return { status: 201, body: { ...renderAppPassword(ctx, req, user, item), password: chunkPassword(plain) } };
  });
  api.add('DELETE', `${base}/:uuid`, (r) => {
    const req = r as WpRequest;
    const user = owner(req);
    if (!('appPasswords' in user)) return user;
    const item = user.appPasswords.find((p) => p.uuid === req.params['uuid']);
    if (!item)
      return wpError(404, 'application_password_not_found', 'Could not find an application password with that id.');
    user.appPasswords = user.appPasswords.filter((p) => p !== item);
    return { status: 200, body: { deleted: true, previous: renderAppPassword(ctx, req, user, item) } };
  });
}

const PW_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A fresh 24-character password (`WP_Application_Passwords::PW_LENGTH`); returns the plain text. */
export function createAppPassword(ctx: WpContext, user: WpUser, name: string, appId = ''): string {
  const bytes = randomBytes(24);
  const plain = [...bytes].map((b) => PW_ALPHABET[b % PW_ALPHABET.length]).join('');
  user.appPasswords.push({
    uuid: newUuid(),
    appId,
    name,
    hash: hashPassword(plain),
    created: ctx.now(),
    lastUsed: null,
    lastIp: null,
  });
  return plain;
}

function renderAppPassword(ctx: WpContext, req: WpRequest, user: WpUser, p: AppPassword): Record<string, unknown> {
  return {
    uuid: p.uuid,
    app_id: p.appId,
    name: p.name,
    created: wpDate(p.created),
    last_used: p.lastUsed === null ? null : wpDate(p.lastUsed),
    last_ip: p.lastIp,
    _links: { self: [{ href: restUrl(ctx, req.form, `/wp/v2/users/${user.id}/application-passwords/${p.uuid}`) }] },
  };
}

function renderUser(ctx: WpContext, req: WpRequest, u: WpUser, context: 'view' | 'edit'): Record<string, unknown> {
  const slug = u.login.toLowerCase();
  const out: Record<string, unknown> = { id: u.id };
  if (context === 'edit') out['username'] = u.login;
  out['name'] = u.name;
  if (context === 'edit')
    Object.assign(out, {
      first_name: u.name.split(' ')[0] ?? '',
      last_name: u.name.split(' ').slice(1).join(' '),
      email: u.email,
    });
  Object.assign(out, { url: '', description: '', link: `${ctx.baseUrl}/author/${slug}/` });
  if (context === 'edit') Object.assign(out, { locale: 'en_US', nickname: u.login });
  out['slug'] = slug;
  if (context === 'edit') {
    const admin = u.roles.includes('administrator');
    Object.assign(out, {
      roles: u.roles,
      registered_date: `${new Date(u.registered).toISOString().slice(0, 19)}+00:00`,
      capabilities: {
        edit_posts: true,
        publish_posts: true,
        edit_others_posts: true,
        manage_options: admin,
        [u.roles[0] ?? 'subscriber']: true,
      },
      extra_capabilities: { [u.roles[0] ?? 'subscriber']: true },
    });
  }
  Object.assign(out, {
    avatar_urls: {
      24: 'https://secure.gravatar.com/avatar/?s=24&d=mm&r=g',
      48: 'https://secure.gravatar.com/avatar/?s=48&d=mm&r=g',
      96: 'https://secure.gravatar.com/avatar/?s=96&d=mm&r=g',
    },
    meta: { persisted_preferences: [] },
    _links: {
      self: [{ href: restUrl(ctx, req.form, `/wp/v2/users/${u.id}`) }],
      collection: [{ href: restUrl(ctx, req.form, '/wp/v2/users') }],
    },
  });
  return out;
}
