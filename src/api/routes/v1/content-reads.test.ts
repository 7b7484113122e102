/**
 * The reads the portal's content and conflict pages make, against a WordPress sandbox with a
 * worker: a dry run's per-field plan for a create, item states for a page of items, and a
 * conflicting body as merge blocks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordpressFixture } from '../../../../test/fixtures/cms/wordpress.ts';
import { auth, newOrg } from '../../../../test/helpers/app.ts';
import { contentHub } from '../../../../test/helpers/content-hub.ts';
import { waitFor } from '../../../../test/helpers/wait.ts';

const hub = contentHub(wordpressFixture);
const stamp = Date.now().toString(36);

const item = async (n: number, body = `<p>Story ${n}, first paragraph.</p>\n<p>Second paragraph.</p>`) =>
  (
    await hub.api('POST', '/v1/content', {
      external_id: `reads-${stamp}-${n}`,
      title: `Story ${n}`,
      slug: `reads-${stamp}-${n}`,
      body_html: body,
      status: 'published',
      tags: ['news'],
    })
  ).body;

const finished = (id: string) =>
  waitFor(
    async () => {
      const b = (await hub.api('GET', `/v1/publish/${id}`)).body;
      return ['completed', 'completed_with_errors', 'failed'].includes(b.status) ? b : null;
    },
    'the batch',
    60_000,
  );

test("a dry run's plan for a new item lists each field it would set, from nothing", async () => {
  const a = await item(1);
  const dry = await hub.api('POST', '/v1/publish', { item_ids: [a.id], connection_ids: [hub.conn], dry_run: true });
  assert.equal(dry.status, 202);
  const b = await finished(dry.body.id);
  const planned = b.items[0];
  assert.equal(planned.action, 'create');
  assert.deepEqual(planned.plan.changes.title, { from: null, to: 'Story 1' });
  assert.deepEqual(planned.plan.changes.tags, { from: null, to: ['news'] });
  assert.equal(planned.plan.changes.featuredMedia, undefined, 'a field without a value is left out');
  const states = await hub.api('GET', `/v1/content/targets?item_ids=${a.id}`);
  assert.deepEqual(
    states.body.data.filter((t: { state: string }) => t.state === 'synced'),
    [],
    'a dry run published nothing',
  );
});

test('item states: one entry per item and site for the ids asked, none for unknown or foreign ids; bad ids are 400', async () => {
  const a = await item(2);
  const b = await item(3);
  const batch = await hub.api('POST', '/v1/publish', { item_ids: [a.id], connection_ids: [hub.conn] });
  assert.equal((await finished(batch.body.id)).status, 'completed');
  const r = await hub.api('GET', `/v1/content/targets?item_ids=${a.id},${b.id},${a.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.data.length, 1);
  assert.equal(r.body.data[0].item_id, a.id);
  assert.equal(r.body.data[0].state, 'synced');
  assert.equal(r.body.data[0].provider, 'wordpress');
  assert.ok(r.body.data[0].remote_id);
  const other = await newOrg(hub.ctx, 'Other');
  const foreign = await hub.ctx.app.inject({
    method: 'GET',
    url: `/v1/content/targets?item_ids=${a.id}`,
    headers: auth(other.key),
  });
  assert.deepEqual(foreign.json().data, []);
  for (const q of ['item_ids=nope', 'item_ids=', '']) {
    const bad = await hub.api('GET', `/v1/content/targets?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.body.error.code, 'validation_failed');
  }
});

test('a conflicting body comes back as the blocks the merge sees; another org gets 404', async () => {
  const a = await item(4);
  const batch = await hub.api('POST', '/v1/publish', { item_ids: [a.id], connection_ids: [hub.conn] });
  assert.equal((await finished(batch.body.id)).status, 'completed');
  const remoteId = (await hub.api('GET', `/v1/content/${a.id}`)).body.targets[0].remote_id;
  await hub.nextSecond();
  await hub.site.site.edit(hub.site.kind, remoteId, {
    bodyHtml: '<p>Story 4, as the site has it.</p>\n<p>Second paragraph.</p>',
  });
  await hub.api('PATCH', `/v1/content/${a.id}`, {
    body_html: '<p>Story 4, as the hub has it.</p>\n<p>Second paragraph.</p>',
  });
  await hub.idle();
  await hub.sync();
  const open = (await hub.api('GET', `/v1/conflicts?status=open&item_id=${a.id}`)).body.data;
  assert.equal(open.length, 1);
  const blocks = await hub.api('GET', `/v1/conflicts/${open[0].id}/body-blocks`);
  assert.equal(blocks.status, 200);
  assert.deepEqual(blocks.body.base, ['<p>Story 4, first paragraph.</p>', '<p>Second paragraph.</p>']);
  assert.deepEqual(blocks.body.hub, ['<p>Story 4, as the hub has it.</p>', '<p>Second paragraph.</p>']);
  assert.equal(blocks.body.remote[0], '<p>Story 4, as the site has it.</p>');
  const other = await newOrg(hub.ctx, 'Other 2');
  const foreign = await hub.ctx.app.inject({
    method: 'GET',
    url: `/v1/conflicts/${open[0].id}/body-blocks`,
    headers: auth(other.key),
  });
  assert.equal(foreign.statusCode, 404);
  assert.equal(foreign.json().error.code, 'not_found');
});
