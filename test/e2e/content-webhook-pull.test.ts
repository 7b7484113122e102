import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { providers } from '../../src/providers/registry.ts';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { wordpressSite, type WordPressSite } from '../fixtures/cms/wordpress.ts';
import { waitFor } from '../helpers/wait.ts';

let site: WordPressSite;
let ctx: TestContext;
let worker: WorkerHandle;

before(async () => {
  site = await wordpressSite();
  ctx = await createTestContext({ env: site.env });
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
});
after(async () => {
  await worker.stop();
  await ctx.close();
  await site.close();
});

test('a signed webhook from the site pulls the editor’s change into the hub without waiting for the schedule', async () => {
  const org = await newOrg(ctx);
  const conn = await site.connect(ctx, org.id);
  // Scheduled syncs off: only the webhook can bring the edit in.
  await ctx.db.owner.query('update connections set sync_interval_minutes = 0 where id = $1', [conn]);
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await ctx.app.inject({ method, url, headers: auth(org.key), ...(payload ? { payload } : {}) });
    return { status: r.statusCode, body: r.json() };
  };
  const item = (
    await api('POST', '/v1/content', {
      title: 'Announced',
      body_html: '<p>One.</p><p>Two.</p>',
      status: 'published',
      slug: `announced-${Date.now()}`,
    })
  ).body;
  const batch = (await api('POST', '/v1/publish', { item_ids: [item.id], connection_ids: [conn] })).body;
  await waitFor(async () => (await api('GET', `/v1/publish/${batch.id}`)).body.status === 'completed', 'the publish');
  const remoteId = (await api('GET', `/v1/content/${item.id}`)).body.targets[0].remote_id as string;
  await site.nextSecond();
  await site.site.edit('post', remoteId, { title: 'Announced, edited on the site' });

  const secret = (await api('POST', `/v1/connections/${conn}/webhook-secret`)).body.secret as string;
  const wh = providers.wordpress.webhooks;
  assert.ok(wh.supported);
  const raw = Buffer.from(
    JSON.stringify({ id: randomUUID(), topic: 'content.updated', object: { type: 'post', id: Number(remoteId) } }),
  );
  const signed = schemeFor(wh.scheme).sign(
    { rawBody: raw, secret, nowMs: Date.now() },
    { signatureHeader: wh.signatureHeader, ...(wh.timestampHeader ? { timestampHeader: wh.timestampHeader } : {}) },
  );
  // A forged one is refused and changes nothing.
  const forged = await ctx.app.inject({
    method: 'POST',
    url: `/webhooks/wordpress/${conn}`,
    headers: { 'content-type': 'application/json', ...signed.headers },
    payload: Buffer.from(raw.toString().replace('updated', 'deleted')),
  });
  assert.equal(forged.statusCode, 401);
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/webhooks/wordpress/${conn}`,
    headers: { 'content-type': 'application/json', ...signed.headers },
    payload: signed.body,
  });
  assert.ok(res.statusCode < 300, res.body);
  await waitFor(
    async () => (await api('GET', `/v1/content/${item.id}`)).body.title === 'Announced, edited on the site',
    'the edit in the hub',
  );
  const target = (await api('GET', `/v1/content/${item.id}`)).body.targets[0];
  assert.equal(target.state, 'synced');
});
