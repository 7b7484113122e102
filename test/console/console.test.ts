/**
 * The operator console in a real browser: sign-in with a wrong then the right admin token,
 * every page over real data (orgs, a worker's heartbeat, operations with platform calls, dead
 * letters), a dead letter of another org replayed, sign-out. axe on every page, screenshots
 * under test-artifacts/console/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recordDeadLetter } from '../../src/jobs/dead-letter.ts';
import { startHeartbeat, type Heartbeat } from '../../src/jobs/heartbeat.ts';
import { observePlatformCall } from '../../src/operations/platform-call.ts';
import { recorderFor } from '../../src/operations/recorder.ts';
import { withOperation } from '../../src/operations/run.ts';
import { createTestContext, newOrg, TEST_ADMIN_TOKEN, type TestContext } from '../helpers/app.ts';
import { checkPage, launchBrowser } from '../helpers/browser-console.ts';
import { seedConnection } from '../helpers/connections.ts';
import { jsonOf } from '../helpers/browser.ts';

let ctx: TestContext;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let heartbeat: Heartbeat;
let acme: { id: string; key: string };
let deadLetterId: string;

/** Platform calls as the platform HTTP client reports them, inside a real operation. */
async function platformWork(orgId: string, provider: string, statuses: (number | null)[]) {
  const recorder = recorderFor(ctx.db.owner, ctx.log);
  await withOperation(recorder, { orgId, type: 'sync', provider }, async () => {
    for (const status of statuses) {
      observePlatformCall({
        method: 'GET',
        url: `https://graph.example/v1/${provider}/items`,
        provider,
        startedAt: performance.now(),
        status,
        headers: {},
        text: status === 200 ? '' : 'failed',
        errorCode: status === null ? 'ECONNRESET' : null,
      });
    }
  });
  await recorder.flush();
}

before(async () => {
  ctx = await createTestContext({ env: { PLEXUS_META_VERSION: 'v23.0' } });
  base = await ctx.listen();
  acme = await newOrg(ctx, 'Acme Outdoor');
  const northwind = await newOrg(ctx, 'Northwind Marketing');
  const connectionId = await seedConnection(ctx.db, ctx.keyring, northwind.id, 'meta', {
    kind: 'oauth2',
    accessToken: 'EAAsecret-never-shown',
  });
  await platformWork(northwind.id, 'meta', [200, 200, 200, 429, 500]);
  await platformWork(acme.id, 'wordpress', [200, 200, null]);
  await recordDeadLetter(ctx.db.owner, {
    jobId: 90001,
    task: 'sync_connection',
    payload: { org_id: northwind.id, connection_id: connectionId, reason: 'schedule' },
    jobKey: null,
    queueName: null,
    attempts: 8,
    errorCode: 'provider.auth_revoked',
    errorMessage: 'The platform revoked access; the connection needs re-authorization.',
  });
  deadLetterId = (await ctx.db.owner.query<{ id: string }>('select id from dead_letters where job_id = 90001')).rows[0]!
    .id;
  heartbeat = startHeartbeat({
    owner: ctx.db.owner,
    log: ctx.log,
    intervalMs: 200,
    staleAfterMs: 1500,
    workerIds: () => ['console-test-worker'],
  });
  await heartbeat.beat();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
});
after(async () => {
  await context?.close();
  await browser?.close();
  await heartbeat?.stop();
  await ctx.close();
});

async function show(nav: string, heading: string, name: string) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: nav }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Loading' }).waitFor({ state: 'detached' });
  await checkPage(page, 'console', name);
}

test('a wrong admin token is refused, and nothing opens without signing in', async () => {
  await page.goto(`${base}/console/orgs`);
  assert.equal(new URL(page.url()).pathname, '/console/sign-in');
  await checkPage(page, 'console', 'sign-in');
  await page.getByLabel('Admin token').fill('not-the-token');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/console/sign-in') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  assert.equal(answer.status(), 401);
  assert.match((await page.getByRole('alert').textContent()) ?? '', /not the admin token/);
  await checkPage(page, 'console', 'sign-in-refused');
  assert.deepEqual(
    (await context.cookies()).map((c) => c.name),
    [],
  );
  // The admin API wants a token or a session.
  assert.equal((await fetch(`${base}/v1/admin/health`)).status, 401);
});

test('signed in with the right token: a session cookie, never the token, in the browser', async () => {
  await page.getByLabel('Admin token').fill(TEST_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
  const cookies = await context.cookies();
  assert.deepEqual(
    cookies.map((c) => [c.name, c.httpOnly, c.sameSite]),
    [['plexus_console', true, 'Strict']],
  );
  assert.ok(!cookies[0]!.value.includes(TEST_ADMIN_TOKEN));
  const stored = await page.evaluate(
    () =>
      JSON.stringify({ ...(globalThis as any).localStorage, ...(globalThis as any).sessionStorage }) +
      (globalThis as any).document.cookie,
  );
  assert.ok(!stored.includes(TEST_ADMIN_TOKEN), 'the token is not kept by the page');
});

test('organisations: every org with its counts, and a search', async () => {
  await show('Organisations', 'Organisations', 'orgs');
  const table = page.getByRole('table', { name: 'Every organisation, newest first' });
  const northwind = table.getByRole('row').filter({ hasText: 'Northwind Marketing' });
  // connections, active API keys, open dead letters
  assert.deepEqual((await northwind.getByRole('cell').allTextContents()).slice(3), [
    '1',
    '1',
    '1 dead letters of Northwind Marketing',
  ]);
  await page.getByRole('searchbox', { name: 'Name contains' }).fill('acme');
  await page.getByRole('button', { name: 'Search' }).click();
  const found = page.getByRole('table', { name: 'Organisations whose name contains “acme”' });
  await found.waitFor();
  // The caption follows the search at once; the rows when the answer arrives.
  await found.getByRole('row').filter({ hasText: 'Northwind Marketing' }).waitFor({ state: 'detached' });
  assert.deepEqual(await found.locator('tbody tr td:first-child').allTextContents(), ['Acme Outdoor']);
  await checkPage(page, 'console', 'orgs-search');
});

test('health: database, the worker process, the queue and dead letters', async () => {
  await show('Health', 'Health of the service', 'health');
  const text = (await page.getByRole('main').textContent()) ?? '';
  assert.match(text, /Migrations applied\d+ \/ \d+/);
  assert.match(text, /Open dead letters1/);
  const nodes = page.getByRole('table', { name: 'Worker processes' });
  assert.equal(await nodes.locator('tbody tr').count(), 1);
  assert.match((await nodes.textContent()) ?? '', /s ago/);
});

test('platform errors: calls, errors and 429s per platform across orgs', async () => {
  await show('Platform errors', 'Platform errors and rate limits', 'platforms');
  const meta = page.getByRole('row').filter({ hasText: /^meta/ });
  assert.deepEqual(await meta.getByRole('cell').allTextContents(), [
    'meta',
    '1',
    '1',
    '5',
    '2',
    '40.00 %',
    '1',
    '20.00 %',
  ]);
  const wp = page.getByRole('row').filter({ hasText: /^wordpress/ });
  assert.deepEqual(await wp.getByRole('cell').allTextContents(), [
    'wordpress',
    '1',
    '1',
    '3',
    '1',
    '33.33 %',
    '0',
    '0.00 %',
  ]);
  // A shorter window: the calls were made within the hour, so they are all still there.
  await page.getByLabel('Over the last').selectOption('1');
  await page.getByRole('table', { name: 'Platform calls of every organisation, last 1 hours' }).waitFor();
  assert.equal(new URL(page.url()).search, '?hours=1');
  assert.equal(await page.getByRole('table').locator('tbody tr').count(), 2);
});

test('API versions: a version past or near its sunset comes first with what to do', async () => {
  await show('API versions', 'API versions and sunsets', 'versions');
  const first = page.getByRole('table').locator('tbody tr').first();
  const cells = await first.getByRole('cell').allTextContents();
  assert.equal(cells[0], 'meta');
  assert.equal(cells[1], 'v23.0');
  assert.match(cells[2]!, /Sunset (soon|passed)/);
  assert.match(cells[6]!, /v23\.0/);
});

test('dead letters: one of another org replayed from the console', async () => {
  await show('Dead letters', 'Dead letters', 'dead-letters');
  const row = page.getByRole('row').filter({ hasText: 'sync_connection' });
  assert.match((await row.textContent()) ?? '', /Northwind Marketing.*provider\.auth_revoked/);
  assert.ok(!(await page.content()).includes('EAAsecret'), 'no secret on the page');
  await row.getByRole('button', { name: /Replay/ }).click();
  await page.getByRole('status').filter({ hasText: 'sync_connection queued again.' }).waitFor();
  await page.getByRole('table').getByText('Nothing to show.').waitFor();
  await checkPage(page, 'console', 'dead-letter-replayed');
  const dl = (
    await ctx.db.owner.query('select replayed_at, replay_job_id, org_id from dead_letters where id = $1', [
      deadLetterId,
    ])
  ).rows[0];
  assert.ok(dl.replayed_at);
  const job = (
    await ctx.db.owner.query(
      'select t.identifier, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.id = $1',
      [dl.replay_job_id],
    )
  ).rows[0];
  assert.equal(job.identifier, 'sync_connection');
  assert.equal(job.payload.org_id, dl.org_id);
  const audit = (
    await ctx.db.owner.query(
      "select actor_type, request_id from audit_log where org_id = $1 and action = 'dead_letter.replay'",
      [dl.org_id],
    )
  ).rows;
  assert.deepEqual(
    audit.map((a) => a.actor_type),
    ['admin'],
  );

  await page.getByLabel('Show').selectOption('true');
  await page.getByRole('row').filter({ hasText: 'sync_connection' }).waitFor();
  assert.match((await page.getByRole('row').filter({ hasText: 'sync_connection' }).textContent()) ?? '', /Replayed/);
  // The queue now holds the replayed job.
  await show('Health', 'Health of the service', 'health-after-replay');
  const health = (await page.getByRole('main').textContent()) ?? '';
  assert.match(health, /Open dead letters0/);
  assert.match(health, /Ready1Running/);
});

test('a write from the session without its CSRF token is refused', async () => {
  const cookie = (await context.cookies()).find((c) => c.name === 'plexus_console')!;
  const res = await fetch(`${base}/v1/admin/dead-letters/${deadLetterId}/replay`, {
    method: 'POST',
    headers: { cookie: `plexus_console=${cookie.value}` },
  });
  assert.equal(res.status, 403);
  assert.equal((await jsonOf(res)).error.code, 'csrf_failed');
  // Reads need no CSRF token.
  assert.equal(
    (await fetch(`${base}/v1/admin/health`, { headers: { cookie: `plexus_console=${cookie.value}` } })).status,
    200,
  );
  // A sign-in posted from another site is refused.
  const forged = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${TEST_ADMIN_TOKEN}`,
    redirect: 'manual',
  });
  assert.equal(forged.status, 403);
});

test('sign out: the cookie is gone and no longer opens anything', async () => {
  const before = (await context.cookies()).find((c) => c.name === 'plexus_console')!;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('status').filter({ hasText: 'You are signed out.' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/console/sign-in');
  await checkPage(page, 'console', 'signed-out');
  assert.deepEqual(
    (await context.cookies()).map((c) => c.name),
    [],
  );
  // The old cookie value, replayed, is refused too.
  assert.equal(
    (await fetch(`${base}/v1/admin/health`, { headers: { cookie: `plexus_console=${before.value}` } })).status,
    401,
  );
  const shell = await fetch(`${base}/console/orgs`, {
    headers: { cookie: `plexus_console=${before.value}` },
    redirect: 'manual',
  });
  assert.equal(shell.status, 303);
  assert.equal(shell.headers.get('location'), '/console/sign-in');
});
