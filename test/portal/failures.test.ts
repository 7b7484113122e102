import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { seedConnection } from '../helpers/connections.ts';
import { checkPage, enterPortal, waitForRows } from '../helpers/portal.ts';
import { waitFor } from '../helpers/wait.ts';

// The failures section in Chromium: a dead letter replayed with a click, the operations log
// filtered, searched, opened and tailed live, and the audit trail that records the replay.
let ctx: TestContext;
let browser: Browser;
let base: string;
let org: { id: string; key: string };
let conn: string;
let deadLetter: string;

async function seedOperation(status: string, message: string, at = new Date()): Promise<string> {
  const id = randomUUID();
  await ctx.db.owner.query(
    `insert into operations (org_id, id, type, connection_id, provider, actor, status, started_at, ended_at, error_code, error_message, job_id, attempt)
     values ($1, $2, 'sync', $3, 'meta', 'job:sync_connection', $4, $5, $5, $6, $7, '77', 1)`,
    [
      org.id,
      id,
      conn,
      status,
      at,
      status === 'failed' ? 'provider.auth_revoked' : null,
      status === 'failed' ? 'The platform revoked access.' : null,
    ],
  );
  await ctx.db.owner.query(
    `insert into operation_messages (org_id, operation_id, seq, at, level, kind, message, http) values
       ($1, $2, 1, $3, 'info', 'log', $4, null),
       ($1, $2, 2, $3, 'error', 'http', 'GET /act_{id}/campaigns', $5)`,
    [
      org.id,
      id,
      at,
      message,
      {
        method: 'GET',
        path: '/act_{id}/campaigns',
        query: {},
        host: 'graph.facebook.com',
        status: 401,
        duration_ms: 41,
        attempt: 1,
        rate_limit: {},
        request_id: 'req-1',
        error_excerpt: null,
        error_code: 'provider.auth_revoked',
      },
    ],
  );
  return id;
}

before(async () => {
  ctx = await createTestContext();
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind');
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: 'tok' },
    { externalId: 'meta-main' },
  );
  deadLetter = (
    await ctx.db.owner.query(
      `insert into dead_letters (org_id, job_id, task, payload, job_key, attempts, error_code, error_message) values ($1, 9001, 'sync_connection', $2, $3, 25, 'provider.auth_revoked', 'The platform revoked access; the connection needs re-authorization.') returning id`,
      [org.id, { org_id: org.id, connection_id: conn, reason: 'schedule' }, `sync:${conn}`],
    )
  ).rows[0].id;
  for (let i = 0; i < 5; i++)
    await seedOperation('success', `synced page ${i}`, new Date(Date.now() - (10 - i) * 60_000));
  await seedOperation('failed', 'token refused by the platform', new Date(Date.now() - 60_000));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await ctx?.close();
});

test('failures: replay a dead letter, search and open an operation, tail the log, read the audit trail', async () => {
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, org.key);
  await page.getByRole('link', { name: 'Failures' }).click();
  const table = page.getByRole('table', { name: 'Dead letters' });
  await table.getByRole('cell', { name: 'sync_connection', exact: true }).waitFor();
  await table.getByText('The platform revoked access; the connection needs re-authorization.').waitFor();
  await checkPage(page, 'failures-dead-letters');

  await table.getByRole('button', { name: /^Replay/ }).click();
  await page.getByText('Replay queued.').waitFor();
  await waitFor(() => table.getByRole('button', { name: /^Replay/ }).isDisabled(), 'the replay button to be disabled');
  const row = (
    await ctx.db.owner.query('select replayed_at, replay_job_id from dead_letters where id = $1', [deadLetter])
  ).rows[0];
  assert.ok(row.replayed_at);
  const job = (
    await ctx.db.owner.query('select task_identifier from graphile_worker.jobs where id = $1', [row.replay_job_id])
  ).rows[0];
  assert.equal(job.task_identifier, 'sync_connection');

  // The operations log: only the failed one, then a search, then its messages.
  await page.getByRole('navigation', { name: 'Failure views' }).getByRole('link', { name: 'Operations' }).click();
  const ops = page.getByRole('table', { name: 'Operations' });
  await ops.locator('tbody tr').nth(5).waitFor();
  await page.getByLabel('Status').selectOption('failed');
  await waitForRows(ops, 1);
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Search messages').fill('synced page 3');
  await page.getByRole('button', { name: 'Apply' }).click();
  await waitForRows(ops, 1);
  assert.match(page.url(), /q=synced\+page\+3/);
  await checkPage(page, 'failures-operations');
  await ops.getByRole('link', { name: 'sync' }).click();
  const messages = page.getByRole('table', { name: 'Messages' });
  await messages.getByText('synced page 3').waitFor();
  await messages.getByText('GET graph.facebook.com/act_{id}/campaigns → 401').waitFor();
  await checkPage(page, 'failures-operation');

  // Live tail: an operation that starts after the page loaded shows up by itself.
  await page.getByRole('link', { name: '← Operations' }).click();
  await page.getByLabel('Search messages').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByLabel('Live tail').check();
  await page.getByText('Live tail on').waitFor();
  await seedOperation('running', 'a sync that just started');
  await ops.getByText('Running').waitFor({ timeout: 10_000 });

  // The audit trail names the portal user's replay.
  await page.getByRole('navigation', { name: 'Failure views' }).getByRole('link', { name: 'Audit trail' }).click();
  const audit = page.getByRole('table', { name: 'Audit trail' });
  await audit.getByText('dead_letter.replay').waitFor();
  assert.match(await audit.locator('tbody tr').first().innerText(), /portal_user/);
  await checkPage(page, 'failures-audit');

  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a read-only session has no replay button', async () => {
  const { page } = await enterPortal(browser, base, org.key, { mode: 'read_only' });
  await page.goto(`${base}/portal/failures`);
  await page
    .getByRole('table', { name: 'Dead letters' })
    .getByRole('cell', { name: 'sync_connection', exact: true })
    .waitFor();
  assert.equal(await page.getByRole('button', { name: /^Replay/ }).count(), 0);
  await page.context().close();
});

test('a session limited to some sections shows only those', async () => {
  const { page } = await enterPortal(browser, base, org.key, { sections: ['failures', 'webhooks'] });
  const nav = page.getByRole('navigation', { name: 'Sections' });
  assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Webhooks', 'Failures']);
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  await page.goto(`${base}/portal/connections`);
  await page.getByText('There is no such page.').waitFor();
  await page.context().close();
});
