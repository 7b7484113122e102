/**
 * Two promises of the content engine, forced rather than left to luck, against one CMS:
 * - a connection sync holding a copy of an item polled *before* an item job merged a hub edit
 *   and a site edit (different paragraphs) must not write that stale copy over the merge;
 * - the plan a dry run records is what the publish then does: create, adopt (the slug already
 *   exists on the site), refuse (that site item belongs to another hub item), update, noop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withContentRun } from '../../src/sync/content/context.ts';
import { reconcileTarget } from '../../src/sync/content/reconcile.ts';
import type { CmsFixture } from '../helpers/cms-fixture.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { waitFor } from '../helpers/wait.ts';

export function contentRaceScenario(name: string, fixture: CmsFixture): void {
  const hub = contentHub(fixture);
  const { api, idle, nextSecond } = hub;
  const stamp = `${Date.now().toString(36)}r`;
  const deps = () => ({ ...hub.ctx.providers, db: hub.ctx.db, keyring: hub.ctx.keyring, log: hub.ctx.log });
  const body = (opening: string, ending: string) => `<p>${opening}</p>\n<p>Middle.</p>\n<p>${ending}</p>`;
  const createItem = async (n: number, over: Record<string, unknown> = {}) => {
    const r = await api('POST', '/v1/content', {
      external_id: `${stamp}-${n}`,
      kind: hub.site.kind,
      title: `Race ${n}`,
      slug: `race-${n}-${stamp}`,
      body_html: body('Opening.', 'Ending.'),
      status: 'published',
      ...over,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; slug: string };
  };
  const publish = async (itemIds: string[], dryRun = false) => {
    const r = await api('POST', '/v1/publish', { item_ids: itemIds, connection_ids: [hub.conn], dry_run: dryRun });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return waitFor(
      async () => {
        const b = (await api('GET', `/v1/publish/${r.body.id}`)).body;
        return ['completed', 'completed_with_errors', 'failed'].includes(b.status) ? b : null;
      },
      `batch ${r.body.id}`,
      90_000,
      100,
    );
  };
  const targetRow = async (itemId: string) =>
    (
      await hub.ctx.db.owner.query('select * from content_targets where item_id = $1 and connection_id = $2', [
        itemId,
        hub.conn,
      ])
    ).rows[0];

  test(`${name}: a sync holding a copy polled before an item job merged both sides' paragraphs keeps the merge (race forced)`, async () => {
    const it = await createItem(1);
    assert.equal((await publish([it.id])).status, 'completed');
    const t = await targetRow(it.id);
    await nextSecond();
    // 1. An editor changes the ending on the site.
    await hub.site.site.edit(hub.site.kind, t.remote_id, { bodyHtml: body('Opening.', 'Ending from the site.') });
    // 2. The connection sync polls: its copy has the site's ending and the old opening.
    const polled = await withContentRun(deps(), hub.org.id, hub.conn, (run) =>
      run.adapter.read(run.s, { kind: t.kind, collection: t.collection }, t.remote_id),
    );
    assert.ok(polled?.fields.bodyHtml.includes('Ending from the site.'));
    // 3. Before it reconciles, the host app changes the opening; the item's own job merges both.
    const version = (await api('GET', `/v1/content/${it.id}`)).body.version as number;
    assert.equal(
      (await api('PATCH', `/v1/content/${it.id}`, { body_html: body('Opening from the hub.', 'Ending.') })).status,
      200,
    );
    await waitFor(
      async () => {
        const now = await targetRow(it.id);
        return now.state === 'synced' && now.hub_version > version + 1 ? now : null;
      },
      'the item job to merge both edits',
      60_000,
      100,
    );
    await idle();
    const merged = body('Opening from the hub.', 'Ending from the site.');
    assert.equal((await api('GET', `/v1/content/${it.id}`)).body.body_html, merged, 'the item job merged the hub');
    // 4. Now the connection sync reconciles with its poll-time copy, as poll.ts hands it over.
    await withContentRun(deps(), hub.org.id, hub.conn, (run) => reconcileTarget(deps(), hub.org.id, run, t.id, polled));
    assert.equal((await api('GET', `/v1/content/${it.id}`)).body.body_html, merged, 'the hub keeps its own edit');
    assert.equal((await hub.site.site.get(hub.site.kind, t.remote_id))?.bodyHtml, merged, 'the site keeps the merge');
    assert.equal((await targetRow(it.id)).state, 'synced');
  });

  test(`${name}: the dry run's plan is what the publish does: adopt an existing slug, refuse another item's post, create, update, noop`, async () => {
    // A post already on the site, made outside Plexus, with the slug a new hub item will have.
    const slug = `race-existing-${stamp}`;
    const outside = await withContentRun(deps(), hub.org.id, hub.conn, async (run) => {
      const loc = await run.adapter.locate(run.s, hub.site.kind);
      return run.adapter.create(run.s, loc, {
        title: 'Written on the site',
        bodyHtml: '<p>Old words.</p>',
        excerpt: '',
        slug,
        status: 'published',
        categories: [],
        tags: [],
        featuredMedia: null,
        author: null,
      });
    });
    const adopting = await createItem(2, { slug, title: 'Written in the hub', body_html: '<p>New words.</p>' });
    const fresh = await createItem(3);
    const plans = async (ids: string[], dry: boolean) =>
      new Map<
        string,
        { action: string; status: string; remote_id: string | null; plan: { remote_id?: string } | null }
      >((await publish(ids, dry)).items.map((i: { item_id: string }) => [i.item_id, i]));

    const dry = await plans([adopting.id, fresh.id], true);
    assert.equal(dry.get(adopting.id)?.action, 'adopt');
    assert.equal(dry.get(adopting.id)?.plan?.remote_id, outside.remoteId);
    assert.equal(dry.get(fresh.id)?.action, 'create');
    const real = await plans([adopting.id, fresh.id], false);
    assert.equal(real.get(adopting.id)?.action, 'adopt', JSON.stringify([...real.values()]));
    assert.equal(
      real.get(adopting.id)?.remote_id,
      outside.remoteId,
      'the existing post was adopted, not a second one made',
    );
    assert.equal(real.get(fresh.id)?.action, 'create');
    assert.equal(await hub.site.site.countBySlug(hub.site.kind, slug), 1);
    assert.equal(await hub.site.site.countBySlug(hub.site.kind, `${slug}-2`), 0, 'no …-2 copy');
    assert.equal((await hub.site.site.get(hub.site.kind, outside.remoteId))?.title, 'Written in the hub');

    // A second hub item with the same slug: the site's post belongs to the first, so both refuse.
    const twin = await createItem(4, { slug });
    const dryTwin = await plans([twin.id], true);
    assert.equal(dryTwin.get(twin.id)?.action, 'refuse');
    const realTwin = await publish([twin.id]);
    assert.equal(realTwin.items[0].action, 'refuse');
    assert.equal(realTwin.items[0].status, 'failed');
    assert.equal(realTwin.status, 'completed_with_errors');
    assert.equal(await hub.site.site.countBySlug(hub.site.kind, slug), 1);

    // Published items: a hub edit plans and makes an update; nothing new plans and makes a noop.
    await idle();
    await hub.ctx.db.owner.query(
      "update content_items set title = 'Race 3, second edition', version = version + 1 where id = $1",
      [fresh.id],
    );
    const [dryUpd, realUpd] = [await plans([fresh.id, adopting.id], true), await plans([fresh.id, adopting.id], false)];
    assert.deepEqual([dryUpd.get(fresh.id)?.action, dryUpd.get(adopting.id)?.action], ['update', 'noop']);
    assert.deepEqual([realUpd.get(fresh.id)?.action, realUpd.get(adopting.id)?.action], ['update', 'noop']);
  });
}
