import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { createTestContext, type TestContext } from '../helpers/app.ts';

let ctx: TestContext;
let base: string;
let browser: Browser;

before(async () => {
  ctx = await createTestContext();
  base = await ctx.listen();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
  await ctx?.close();
});

test('/docs renders the API reference from /openapi.json with every asset served by Plexus itself', async () => {
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  // Nothing may leave the machine: any request to another origin is recorded and refused.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const res = await page.goto(`${base}/docs/`, { waitUntil: 'load', timeout: 60_000 });
  assert.equal(res?.status(), 200);
  // The renderer fetched the document and drew its operations.
  await page.getByText('The organisation of the API key').first().waitFor({ timeout: 60_000 });
  // Examples drawn from the document: a request sample and the declared answers.
  await page.getByText('Any other error, in the one error shape.').first().waitFor({ timeout: 60_000 });
  // The document's own examples: getOrg's answer example is drawn in its response panel.
  await page.getByText('Northwind Marketing').first().waitFor({ timeout: 60_000 });
  const text = await page.innerText('body');
  assert.match(text, /Plexus API/);
  assert.match(text, /"name": "Northwind Marketing"/);
  assert.match(text, /\/v1\/ads\/campaigns/);
  assert.deepEqual(elsewhere, []);
  await page.close();
});

test('/docs/js/scalar.js is served locally', async () => {
  const res = await fetch(`${base}/docs/js/scalar.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /javascript/);
  assert.ok((await res.text()).length > 100_000);
});
