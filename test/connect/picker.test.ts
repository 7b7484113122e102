/**
 * The connect popup in a real browser: a host page of its own origin (served here on
 * loopback) loads /connect/plexus-connect.js and calls openConnect; in the popup the person
 * picks a platform, consents or types credentials, and the host page's promise settles.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../src/providers/meta/sandbox.ts';
import { sandbox as wordpressSandbox, type WordPressRunningSandbox } from '../../src/providers/wordpress/sandbox.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { jsonOf } from '../helpers/browser.ts';
import { checkPage, launchBrowser } from '../helpers/browser-console.ts';

let meta: MetaRunningSandbox;
let wp: WordPressRunningSandbox;
let ctx: TestContext;
let base: string;
let org: { id: string; key: string };
let hostServer: Server;
let hostOrigin: string;
let browser: Browser;
let context: BrowserContext;

before(async () => {
  meta = await metaSandbox.start({ seed: 21, size: 10, autoConsent: false });
  wp = await wordpressSandbox.start({ seed: 22, size: 5 });
  ctx = await createTestContext({
    env: {
      PLEXUS_META_CLIENT_ID: meta.appId,
      PLEXUS_META_CLIENT_SECRET: meta.appSecret,
      PLEXUS_META_BASE_URL: meta.url,
    },
  });
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind Marketing');
  // The host application: a page of another origin that loads the script Plexus serves.
  hostServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><html lang="en"><head><title>Host app</title><script src="${base}/connect/plexus-connect.js"></script></head><body><main><h1>Host app</h1></main></body></html>`,
    );
  });
  await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
  hostOrigin = `http://127.0.0.1:${(hostServer.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await browser.newContext();
});
after(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((r) => hostServer?.close(r));
  await ctx.close();
  await meta.close();
  await wp.close();
});

async function newSession(body: Record<string, unknown>): Promise<{ id: string; url: string }> {
  const res = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: string; url: string };
}

type Settled =
  { ok: true; value: { connectionId: string; provider: string } } | { ok: false; code: string; message: string };

/** Opens the host page, calls openConnect there, and hands back the popup and the settled promise. */
async function openFromHost(
  url: string,
  options: { timeoutMs?: number } = {},
): Promise<{ host: Page; popup: Page; settled: Promise<Settled> }> {
  const host = await context.newPage();
  await host.goto(hostOrigin);
  const popupOpened = host.waitForEvent('popup');
  const settled = host.evaluate(
    ([u, o]) =>
      (globalThis as any).PlexusConnect.openConnect(u, o).then(
        (value: { connectionId: string; provider: string }) => ({ ok: true, value }),
        (e: { code: string; message: string }) => ({ ok: false, code: e.code, message: e.message }),
      ),
    [url, options] as const,
  ) as Promise<Settled>;
  const popup = await popupOpened;
  await popup.waitForLoadState();
  return { host, popup, settled };
}

test('pick Meta in the popup, consent in the Meta sandbox: the host page gets the new connection', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'], web_origin: hostOrigin });
  const { host, popup, settled } = await openFromHost(s.url);

  await popup.getByRole('heading', { name: 'Choose a platform to connect' }).waitFor();
  assert.match((await popup.textContent('body')) ?? '', /Northwind Marketing/);
  assert.equal(await popup.locator('ul.platforms a').count(), 2);
  await checkPage(popup, 'connect', 'picker');

  await popup.getByRole('link', { name: 'Meta' }).click();
  await popup.getByRole('button', { name: 'Continue to Meta' }).waitFor();
  await checkPage(popup, 'connect', 'oauth-form');
  await popup.getByRole('button', { name: 'Continue to Meta' }).click();
  // The sandbox's consent page.
  await popup.getByRole('button', { name: 'Allow' }).click();

  const outcome = await settled;
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(outcome.value.provider, 'meta');
  const conn = await jsonOf(fetch(`${base}/v1/connections/${outcome.value.connectionId}`, { headers: auth(org.key) }));
  assert.equal(conn.status, 'active');
  assert.equal(conn.provider, 'meta');
  // openConnect closes the popup once told.
  if (!popup.isClosed()) await popup.waitForEvent('close');
  const session = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.equal(session.status, 'completed');
  assert.equal(session.provider, 'meta');
  await host.close();
});

test('WordPress: a wrong application password says what to do and lets the person retry', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'], web_origin: hostOrigin });
  const { host, popup, settled } = await openFromHost(s.url);
  await popup.getByRole('link', { name: 'WordPress' }).click();
  await popup.getByLabel('Site URL').fill(wp.siteUrl);
  await popup.getByLabel('Username or email').fill(wp.username);
  await popup.getByLabel('Application password').fill('abcd efgh ijkl mnop qrst uvwx');
  await checkPage(popup, 'connect', 'credential-form');
  await popup.getByRole('button', { name: 'Connect' }).click();

  const alert = popup.getByRole('alert');
  await alert.waitFor();
  assert.match(
    (await alert.textContent()) ?? '',
    /did not accept the application password: create one in Users → Profile → Application Passwords/,
  );
  // What was typed stays, except the secret.
  assert.equal(await popup.getByLabel('Site URL').inputValue(), wp.siteUrl);
  assert.equal(await popup.getByLabel('Application password').inputValue(), '');
  await checkPage(popup, 'connect', 'credential-error');
  assert.equal(
    (
      await ctx.db.owner.query(
        "select count(*)::int as n from connections where org_id = $1 and provider = 'wordpress'",
        [org.id],
      )
    ).rows[0].n,
    0,
  );

  await popup.getByLabel('Application password').fill(wp.applicationPassword);
  await popup.getByRole('button', { name: 'Connect' }).click();
  const outcome = await settled;
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(outcome.value.provider, 'wordpress');
  const conn = await jsonOf(fetch(`${base}/v1/connections/${outcome.value.connectionId}`, { headers: auth(org.key) }));
  assert.equal(conn.status, 'active');
  assert.equal(conn.config.siteUrl, wp.siteUrl);
  await host.close();
});

test('the connect pages wear the org portal branding: its display name and accent', async () => {
  const patched = await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: 'Northwind Studio', accent_color: '#0f766e' }),
  });
  assert.equal(patched.status, 200, await patched.clone().text());
  const s = await newSession({ providers: ['meta', 'wordpress'] });
  const page = await context.newPage();
  await page.goto(s.url);
  assert.match((await page.locator('header.brand').textContent()) ?? '', /Northwind Studio/);
  assert.equal(
    await page.evaluate(() =>
      (globalThis as any)
        .getComputedStyle((globalThis as any).document.documentElement)
        .getPropertyValue('--accent')
        .trim(),
    ),
    '#0f766e',
  );
  await page.getByRole('link', { name: 'WordPress' }).click();
  await checkPage(page, 'connect', 'branded-form');
  await page.close();
  await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: null, accent_color: null }),
  });
});

test('the picker and the form work from the keyboard, and the pages cannot be framed', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'] });
  const res = await fetch(s.url);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /script-src 'none'/);
  const page = await context.newPage();
  await page.goto(s.url);
  const focused = () =>
    page.evaluate(() =>
      new URL((globalThis as any).document.activeElement?.href ?? 'about:blank').searchParams.get('provider'),
    );
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'meta');
  await page.keyboard.press('Tab');
  assert.equal(await focused(), 'wordpress');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Connect WordPress' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.name), 'siteUrl');
  await page.close();
});

test('closing the popup rejects the promise with a clear error', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'], web_origin: hostOrigin });
  const { host, popup, settled } = await openFromHost(s.url);
  await popup.getByRole('heading', { name: 'Choose a platform to connect' }).waitFor();
  await popup.close();
  const outcome = await settled;
  assert.equal(outcome.ok, false);
  assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.message], [
    'closed',
    'The connect window was closed before the connection was finished.',
  ]);
  await host.close();
});

test('a person who never finishes: the promise rejects after the timeout and the popup closes', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'], web_origin: hostOrigin });
  const { host, popup, settled } = await openFromHost(s.url, { timeoutMs: 1500 });
  const outcome = await settled;
  assert.deepEqual(outcome.ok ? null : [outcome.code, outcome.message], [
    'timeout',
    'Connecting took too long; start again.',
  ]);
  if (!popup.isClosed()) await popup.waitForEvent('close');
  await host.close();
});

test('a page of another origin than the session names learns nothing from the popup', async () => {
  // The session names another origin: the completion page posts there, so this host page's
  // promise stays pending although the connection is made, until its popup closes.
  const s = await newSession({ provider: 'wordpress', web_origin: 'https://app.northwind.example' });
  const { host, popup, settled } = await openFromHost(s.url);
  await popup.getByLabel('Site URL').fill(wp.siteUrl);
  await popup.getByLabel('Username or email').fill(wp.username);
  await popup.getByLabel('Application password').fill(wp.applicationPassword);
  await popup.getByRole('button', { name: 'Connect' }).click();
  await popup.getByRole('heading', { name: 'WordPress connected' }).waitFor();
  await checkPage(popup, 'connect', 'connected');
  await popup.close();
  const outcome = await settled;
  assert.deepEqual(outcome.ok ? 'resolved' : outcome.code, 'closed');
  const session = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.equal(session.status, 'completed');
  await host.close();
});

test('a platform the session does not offer is refused with the picker, not a 500', async () => {
  const s = await newSession({ providers: ['meta', 'wordpress'] });
  const token = s.url.split('/connect/')[1]!;
  const page = await fetch(`${base}/connect/${token}?provider=drupal`);
  assert.equal(page.status, 400);
  assert.match(await page.text(), /does not offer that platform/);
  const post = await fetch(`${base}/connect/${token}/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ provider: 'drupal', siteUrl: wp.siteUrl }),
  });
  assert.equal(post.status, 400);
  const session = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.equal(session.provider, null);
  assert.deepEqual(session.providers, ['meta', 'wordpress']);
});

test('with no platform named, the session offers every platform this Plexus can connect', async () => {
  const s = await newSession({});
  const session = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  // Meta's app is configured here, the other OAuth platforms' are not; credential platforms need none.
  assert.deepEqual(session.providers, ['meta', 'wordpress', 'drupal', 'joomla', 'wix']);
  const both = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'meta', providers: ['meta'] }),
  });
  assert.equal(both.status, 400);
  const badOrigin = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'meta', web_origin: 'https://app.example.com/path' }),
  });
  assert.equal(badOrigin.status, 400);
  assert.equal((await jsonOf(badOrigin)).error.code, 'validation_failed');
});

test('a site that does not answer says so, keeps the form, and counts no wrong attempt', async () => {
  const s = await newSession({ provider: 'wordpress' });
  const token = s.url.split('/connect/')[1]!;
  // A loopback port nothing listens on.
  const res = await fetch(`${base}/connect/${token}/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      provider: 'wordpress',
      siteUrl: 'http://127.0.0.1:9',
      username: 'admin',
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    }),
  });
  const html = await res.text();
  assert.ok(res.status >= 500 && res.status < 600, String(res.status));
  assert.match(html, /Could not reach that WordPress site: check the address/);
  assert.match(html, /value="http:\/\/127\.0\.0\.1:9"/);
  assert.doesNotMatch(html, /abcd efgh/);
  const row = (
    await ctx.db.owner.query('select credential_attempts, status from connect_sessions where id = $1', [s.id])
  ).rows[0];
  assert.deepEqual([row.credential_attempts, row.status], [0, 'pending']);
});

test('a link that is not valid ends on a page that says so', async () => {
  const page = await context.newPage();
  const res = await page.goto(`${base}/connect/cs_not-a-real-token`);
  assert.equal(res?.status(), 404);
  await page.getByRole('heading', { name: 'Cannot connect' }).waitFor();
  assert.match((await page.getByRole('alert').textContent()) ?? '', /This connect link is not valid/);
  await checkPage(page, 'connect', 'invalid-link');
  await page.close();
});

test('a reconnect offers the connection’s own platform and refuses another', async () => {
  const connectionId = (
    await ctx.db.owner.query("select id from connections where org_id = $1 and provider = 'wordpress' limit 1", [
      org.id,
    ])
  ).rows[0].id as string;
  const s = await newSession({ connection_id: connectionId });
  const session = await jsonOf(fetch(`${base}/v1/connect-sessions/${s.id}`, { headers: auth(org.key) }));
  assert.deepEqual([session.provider, session.providers], ['wordpress', ['wordpress']]);
  const other = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ providers: ['meta', 'wordpress'], connection_id: connectionId }),
  });
  assert.equal(other.status, 400);
  assert.equal((await jsonOf(other)).error.code, 'validation_failed');
});
