import type { Browser, Locator, Page } from 'playwright-core';
import { waitFor } from './wait.ts';
import { checkA11y, loopbackPage, screenshot } from './chromium.ts';

/** Opens a portal session for an org through the public API; the answer's `url` enters it once. */
export async function openPortalSession(
  base: string,
  apiKey: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; url: string }> {
  const res = await fetch(`${base}/v1/portal-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'manage', ...body }),
  });
  if (res.status !== 201) throw new Error(`portal session: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; url: string };
}

/**
 * A signed-in portal, the way a person gets one: the browser follows the enter link and lands
 * on the first section.
 */
export async function enterPortal(
  browser: Browser,
  base: string,
  apiKey: string,
  body: Record<string, unknown> = {},
): Promise<{ page: Page; elsewhere: string[]; consoleErrors: string[]; sessionId: string }> {
  const session = await openPortalSession(base, apiKey, body);
  const opened = await loopbackPage(browser, base);
  await opened.page.goto(session.url);
  await opened.page.locator('nav[aria-label="Sections"]').waitFor();
  return { ...opened, sessionId: session.id };
}

/** The two checks every portal page gets: axe (no serious or critical violation) and a screenshot. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await checkA11y(page, name);
  await screenshot(page, 'portal', name);
}

/** The session cookie and CSRF token of a signed-in page, for calling the API the way the page does. */
export async function portalCredentials(page: Page, base: string): Promise<{ cookie: string; csrf: string }> {
  const cookies = await page.context().cookies(base);
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const me = (await (await fetch(`${base}/v1/portal-session`, { headers: { cookie } })).json()) as {
    csrf_token: string;
  };
  return { cookie, csrf: me.csrf_token };
}

/** Waits until a table's body has exactly `n` rows (after a filter or a page change). */
export async function waitForRows(table: Locator, n: number): Promise<void> {
  await waitFor(async () => (await table.locator('tbody tr').count()) === n, `${n} rows`, 10_000);
}
