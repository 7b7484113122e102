import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { seedConnection } from '../helpers/connections.ts';
import { checkPage, enterPortal, waitForRows } from '../helpers/portal.ts';

// The webhooks section in Chromium, against a real worker and a receiver on loopback that
// fails its first delivery: create an endpoint, send a test, read the failed attempt's answer,
// redeliver and see it succeed, rotate the secret, and read the platform events received.
let ctx: TestContext;
let worker: WorkerHandle;
let browser: Browser;
let receiver: Server;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
let base: string;
let org: { id: string; key: string };

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (received.length === 1)
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver is down for maintenance');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  ctx = await createTestContext();
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind');
  const conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'shopify',
    { kind: 'oauth2', accessToken: 'tok' },
    { externalId: 'northwind.myshopify.com' },
  );
  await ctx.db.owner.query(
    `insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, topic, account_ref, payload, status, attempts, last_error, processed_at) values
       ($1, 'shopify', $2, 'evt-1', 'products/update', 'northwind.myshopify.com', '{}', 'processed', 1, null, now()),
       ($1, 'shopify', $2, 'evt-2', 'articles/delete', 'northwind.myshopify.com', '{}', 'failed', 5, 'The article was not found on the site.', null)`,
    [org.id, conn],
  );
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await worker?.stop();
  await ctx?.close();
  await new Promise((r) => receiver?.close(r));
});

test('webhooks: create an endpoint, send a test, see the failed attempt, redeliver, rotate the secret', async () => {
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, org.key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  const inbound = page.getByRole('table', { name: 'Platform events received' });
  await inbound.getByText('products/update').waitFor();
  await inbound.getByText('The article was not found on the site.').waitFor();
  await checkPage(page, 'webhooks');
  await page.getByLabel('Processing').selectOption('failed');
  await waitForRows(inbound, 1);

  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/plexus`;
  await page.getByLabel('URL').fill(url);
  await page.getByLabel('Description').fill('Order system');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  await page.getByRole('heading', { name: `Endpoint: ${url}` }).waitFor();
  const firstSecret = await page.locator('pre.code').innerText();
  assert.match(firstSecret, /^whsec_/);
  await checkPage(page, 'webhook-endpoint');

  await page.getByRole('button', { name: 'Send test event' }).click();
  await page.getByText('Test event sent.').waitFor();
  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  await deliveries.getByText('HTTP 500').waitFor({ timeout: 30_000 });
  assert.equal(received.length, 1);
  assert.ok(received[0]!.headers['webhook-signature'], 'Standard Webhooks signature header');

  await deliveries.getByRole('link', { name: 'webhook.test' }).click();
  const attempts = page.getByRole('table', { name: 'Attempts' });
  await attempts.getByText('receiver is down for maintenance').waitFor();
  await checkPage(page, 'webhook-delivery-failed');
  await page.getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText('Redelivery queued.').waitFor();
  await attempts.getByText('thanks').waitFor({ timeout: 30_000 });
  await page.getByText('Succeeded').first().waitFor();
  assert.equal(received.length, 2);
  assert.equal(await attempts.locator('tbody tr').count(), 2);
  await checkPage(page, 'webhook-delivery-redelivered');

  await page.getByRole('link', { name: '← Endpoints' }).click();
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByText('Secret rotated.').waitFor();
  const rotated = await page.locator('pre.code').innerText();
  assert.match(rotated, /^whsec_/);
  assert.notEqual(rotated, firstSecret);

  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});
