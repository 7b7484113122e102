import type { Page } from 'playwright-core';
import { portalCredentials } from './portal.ts';

export interface PortalCaller {
  /** Status and JSON body of a call made as the page makes it: its session cookie, and its CSRF token on writes. */

  (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** Calls the API with a signed-in page's session, for checks of what that session may and may not do. */
export async function portalCaller(page: Page, base: string): Promise<PortalCaller> {
  const { cookie, csrf } = await portalCredentials(page, base);
  return async (method, path, body) => {
    const headers: Record<string, string> = {
      cookie,
      ...(method === 'POST' ? { 'x-csrf-token': csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
