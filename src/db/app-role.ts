import { createHmac } from 'node:crypto';
import pg from 'pg';
import type { Pool } from './pool.ts';
import { withCredentials } from './pool.ts';

export const APP_ROLE = 'plexus_app';

/**
 * The application role's password: given explicitly, or derived from the owner's credentials
 * so every process that can migrate can also connect as the app, with nothing more to share.
 */
export function appRolePassword(ownerUrl: string, explicit: string | undefined): string {
  if (explicit) return explicit;
  const u = new URL(ownerUrl);
  return createHmac('sha256', decodeURIComponent(u.password) || 'plexus')
    .update(`plexus_app:${decodeURIComponent(u.username)}`)
    .digest('base64url');
}

/**
 * Makes sure the application role can log in with its password. The password is only set
 * when a login with it fails, so the statement (which a server with statement logging would
 * record) is issued once per password, not on every start.
 */
export async function ensureAppRole(ownerPool: Pool, ownerUrl: string, password: string): Promise<string> {
  const appUrl = withCredentials(ownerUrl, APP_ROLE, password);
  if (await canConnect(appUrl)) return appUrl;
  const client = await ownerPool.connect();
  try {
    const { rows } = await client.query<{ q: string }>('select quote_literal($1) as q', [password]);
    await client.query(`alter role ${APP_ROLE} login password ${rows[0]!.q}`);
  } finally {
    client.release();
  }
  return appUrl;
}

async function canConnect(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
