/**
 * The two-way sync, end to end through the API and the worker, against one CMS: bulk publish
 * (idempotent, with taxonomy and a featured image), hub edits pushed, site edits pulled, edits to
 * different paragraphs merged, overlapping edits raised as conflicts and resolved by hand or by
 * each policy, dry run, rollback, and a deletion on the site noticed. Every CMS runs the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testImage, type CmsFixture } from '../helpers/cms-fixture.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { waitFor } from '../helpers/wait.ts';

export interface ScenarioOptions {
  /** The site keeps categories and tags (checked on the site's copy). */
  taxonomy?: boolean;
  media?: boolean;
}

export function contentSyncScenario(name: string, fixture: CmsFixture, opts: ScenarioOptions = {}): void {
  const hub = contentHub(fixture);
  const { api, sync, idle, nextSecond } = hub;
  const stamp = Date.now().toString(36);

  const createItem = async (n: number, over: Record<string, unknown> = {}) => {
    const r = await api('POST', '/v1/content', {
      external_id: `${stamp}-${n}`,
      kind: hub.site.kind,
      title: `Story ${n}`,
      slug: `story-${n}-${stamp}`,
      body_html: `<p>Opening of story ${n}.</p>\n<p>Middle of story ${n}.</p>\n<p>Ending of story ${n}.</p>`,
      excerpt: `About story ${n}`,
      status: 'published',
      categories: ['News'],
      tags: ['launch'],
      ...over,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; slug: string };
  };
  const publish = async (itemIds: string[], extra: Record<string, unknown> = {}) => {
    const r = await api('POST', '/v1/publish', { item_ids: itemIds, connection_ids: [hub.conn], ...extra });
    assert.ok(r.status === 202 || r.status === 200, JSON.stringify(r.body));
    const id = r.body.id as string;
    return waitFor(
      async () => {
        const b = await api('GET', `/v1/publish/${id}`);
        return ['completed', 'completed_with_errors'].includes(b.body.status) ? b.body : null;
      },
      `batch ${id}`,
      60_000,
    );
  };
  const remoteIdOf = async (itemId: string) => {
    const r = await api('GET', `/v1/content/${itemId}`);
    return r.body.targets.find((t: { connection_id: string }) => t.connection_id === hub.conn)?.remote_id as string;
  };
  const targetOf = async (itemId: string) =>
    (await api('GET', `/v1/content/${itemId}`)).body.targets.find(
      (t: { connection_id: string }) => t.connection_id === hub.conn,
    );
  test(`${name}: a batch publishes every item once, with taxonomy and image; a retried request is the same batch`, async () => {
    const img = testImage(7);
    const items = [];
    for (let n = 1; n <= 4; n++)
      items.push(
        await createItem(
          n,
          n === 1 && opts.media !== false
            ? {
                featured_media: {
                  data_base64: img.bytes.toString('base64'),
                  filename: 'cover.png',
                  content_type: 'image/png',
                  alt: 'Cover',
                },
              }
            : {},
        ),
      );
    const batch = await publish(
      items.map((i) => i.id),
      { idempotency_key: `first-${stamp}` },
    );
    assert.equal(batch.status, 'completed', JSON.stringify(batch.items));
    assert.equal(batch.done, 4);
    assert.ok(
      batch.items.every((i: { status: string; action: string }) => i.status === 'done' && i.action === 'create'),
    );
    for (const it of items)
      assert.equal(await hub.site.site.countBySlug(hub.site.kind, it.slug), 1, 'exactly one copy on the site');
    const again = await api('POST', '/v1/publish', {
      item_ids: items.map((i) => i.id),
      connection_ids: [hub.conn],
      idempotency_key: `first-${stamp}`,
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, batch.id);
    const remote = await hub.site.site.get(hub.site.kind, await remoteIdOf(items[1]!.id));
    assert.equal(remote?.title, 'Story 2');
    assert.equal(
      (
        await hub.ctx.db.owner.query(
          "select count(*)::int as n from events where org_id = $1 and type = 'publish.completed'",
          [hub.org.id],
        )
      ).rows[0].n,
      1,
    );
    // Publishing the same items again changes nothing on the hub.site.
    const re = await publish(items.map((i) => i.id));
    assert.ok(
      re.items.every((i: { action: string }) => i.action === 'noop'),
      JSON.stringify(re.items),
    );
    for (const it of items) assert.equal(await hub.site.site.countBySlug(hub.site.kind, it.slug), 1);
  });

  test(`${name}: hub edits reach the site, site edits reach the hub, edits to different paragraphs merge`, async () => {
    const [a, b, c] = [await createItem(11), await createItem(12), await createItem(13)];
    await publish([a.id, b.id, c.id]);
    await nextSecond();
    // Hub only.
    assert.equal((await api('PATCH', `/v1/content/${a.id}`, { title: 'Story 11, retitled in the hub' })).status, 200);
    await waitFor(
      async () =>
        (await hub.site.site.get(hub.site.kind, await remoteIdOf(a.id)))?.title === 'Story 11, retitled in the hub',
      'the hub edit on the site',
    );
    // Site only.
    await hub.site.site.edit(hub.site.kind, await remoteIdOf(b.id), {
      bodyHtml: '<p>Opening of story 12.</p>\n<p>Middle rewritten by an editor.</p>\n<p>Ending of story 12.</p>',
    });
    // Both, different paragraphs: hub changes the opening, the site the ending.
    await hub.site.site.edit(hub.site.kind, await remoteIdOf(c.id), {
      bodyHtml: '<p>Opening of story 13.</p>\n<p>Middle of story 13.</p>\n<p>Ending changed on the hub.site.</p>',
    });
    await idle();
    await hub.ctx.db.owner.query(
      'update content_items set body_html = $2, version = version + 1, updated_at = now() where id = $1',
      [c.id, '<p>Opening changed in the hub.</p>\n<p>Middle of story 13.</p>\n<p>Ending of story 13.</p>'],
    );
    await sync();
    const hubB = (await api('GET', `/v1/content/${b.id}`)).body;
    assert.match(hubB.body_html, /Middle rewritten by an editor/);
    assert.equal((await targetOf(b.id)).state, 'synced');
    const merged =
      '<p>Opening changed in the hub.</p>\n<p>Middle of story 13.</p>\n<p>Ending changed on the hub.site.</p>';
    assert.equal((await api('GET', `/v1/content/${c.id}`)).body.body_html, merged);
    const onSite = await hub.site.site.get(hub.site.kind, await remoteIdOf(c.id));
    assert.equal(onSite?.bodyHtml.replace(/\n/g, ''), merged.replace(/\n/g, ''));
    assert.equal(
      (await api('GET', `/v1/conflicts?item_id=${c.id}`)).body.data.length,
      0,
      'no conflict for a clean merge',
    );
  });

  test(`${name}: the same field changed on both sides is a conflict; a manual resolution lands on the site and stays as history`, async () => {
    const d = await createItem(21);
    await publish([d.id]);
    await nextSecond();
    await hub.site.site.edit(hub.site.kind, await remoteIdOf(d.id), { title: 'Title from the site' });
    await hub.ctx.db.owner.query(
      "update content_items set title = 'Title from the hub', excerpt = 'Hub excerpt', version = version + 1, updated_at = now() where id = $1",
      [d.id],
    );
    await sync();
    const open = (await api('GET', `/v1/conflicts?status=open&item_id=${d.id}`)).body.data;
    assert.equal(open.length, 1);
    assert.deepEqual(open[0].fields, [
      { field: 'title', base: 'Story 21', hub: 'Title from the hub', remote: 'Title from the site' },
    ]);
    assert.equal((await targetOf(d.id)).state, 'conflict');
    // The field that did not overlap still went through.
    assert.equal(
      (await hub.site.site.get(hub.site.kind, await remoteIdOf(d.id)))?.excerpt.replace(/<[^>]+>/g, '').trim(),
      'Hub excerpt',
    );
    // A second sync with nothing new neither doubles the conflict nor its event.
    await sync();
    assert.equal(
      (
        await hub.ctx.db.owner.query(
          "select count(*)::int as n from events where org_id = $1 and type = 'content.conflict' and payload->>'item_id' = $2",
          [hub.org.id, d.id],
        )
      ).rows[0].n,
      1,
    );
    // Missing a choice for the field is a clear 400.
    const bad = await api('POST', `/v1/conflicts/${open[0].id}/resolve`, { choices: { excerpt: 'hub' } });
    assert.equal(bad.status, 400);
    const res = await api('POST', `/v1/conflicts/${open[0].id}/resolve`, {
      values: { title: 'Title agreed by a person' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'resolved');
    await waitFor(
      async () =>
        (await hub.site.site.get(hub.site.kind, await remoteIdOf(d.id)))?.title === 'Title agreed by a person',
      'the resolution on the site',
    );
    await waitFor(async () => (await targetOf(d.id)).state === 'synced', 'the target back in sync');
    assert.equal((await api('GET', `/v1/content/${d.id}`)).body.title, 'Title agreed by a person');
    const history = (await api('GET', `/v1/conflicts?status=resolved&item_id=${d.id}`)).body.data;
    assert.equal(history.length, 1);
    assert.deepEqual(history[0].resolution, { title: 'Title agreed by a person' });
    assert.equal(
      (await api('POST', `/v1/conflicts/${open[0].id}/resolve`, { strategy: 'hub_wins' })).status,
      409,
      'a resolved conflict stays resolved',
    );
  });

  test(`${name}: hub_wins, remote_wins and latest_wins settle overlapping edits on their own, kept as history`, async () => {
    const [h, r, l] = [
      await createItem(31, { conflict_policy: 'hub_wins' }),
      await createItem(32, { conflict_policy: 'remote_wins' }),
      await createItem(33, { conflict_policy: 'latest_wins' }),
    ];
    await publish([h.id, r.id, l.id]);
    await nextSecond();
    for (const it of [h, r]) {
      await hub.site.site.edit(hub.site.kind, await remoteIdOf(it.id), { title: 'Site title' });
      await hub.ctx.db.owner.query(
        "update content_items set title = 'Hub title', version = version + 1, updated_at = now() where id = $1",
        [it.id],
      );
    }
    // latest_wins: the hub edit is older than the site's.
    await hub.ctx.db.owner.query(
      "update content_items set title = 'Older hub title', version = version + 1, updated_at = now() - interval '1 hour' where id = $1",
      [l.id],
    );
    await hub.site.site.edit(hub.site.kind, await remoteIdOf(l.id), { title: 'Newer site title' });
    await sync();
    assert.equal((await hub.site.site.get(hub.site.kind, await remoteIdOf(h.id)))?.title, 'Hub title');
    assert.equal((await api('GET', `/v1/content/${r.id}`)).body.title, 'Site title');
    assert.equal((await hub.site.site.get(hub.site.kind, await remoteIdOf(r.id)))?.title, 'Site title');
    assert.equal((await api('GET', `/v1/content/${l.id}`)).body.title, 'Newer site title');
    for (const [it, by] of [
      [h, 'policy:hub_wins'],
      [r, 'policy:remote_wins'],
      [l, 'policy:latest_wins'],
    ] as const) {
      const hist = (await api('GET', `/v1/conflicts?item_id=${it.id}`)).body.data;
      assert.equal(hist.length, 1, `${by} is kept as history`);
      assert.equal(hist[0].status, 'resolved');
      assert.equal(hist[0].resolved_by, by);
      assert.equal((await targetOf(it.id)).state, 'synced');
    }
  });

  test(`${name}: a dry run writes nothing; a rollback removes created items and restores updated ones`, async () => {
    const existing = await createItem(41);
    await publish([existing.id]);
    await nextSecond();
    const fresh = await createItem(42);
    await api('PATCH', `/v1/content/${existing.id}`, { title: 'Story 41, second edition' });
    await idle();
    await hub.ctx.db.owner.query(
      "update content_items set title = 'Story 41, third edition', version = version + 1 where id = $1",
      [existing.id],
    );
    const dry = await publish([fresh.id, existing.id], { dry_run: true });
    const byItem = new Map(dry.items.map((i: { item_id: string }) => [i.item_id, i]));
    assert.equal((byItem.get(fresh.id) as { action: string }).action, 'create');
    const upd = byItem.get(existing.id) as {
      action: string;
      plan: { changes: Record<string, { from: unknown; to: unknown }> };
    };
    assert.equal(upd.action, 'update');
    assert.deepEqual(upd.plan.changes.title, { from: 'Story 41, second edition', to: 'Story 41, third edition' });
    assert.equal(await hub.site.site.countBySlug(hub.site.kind, fresh.slug), 0, 'a dry run creates nothing');
    assert.equal(
      (await hub.site.site.get(hub.site.kind, await remoteIdOf(existing.id)))?.title,
      'Story 41, second edition',
      'and changes nothing',
    );

    const real = await publish([fresh.id, existing.id]);
    assert.equal(real.status, 'completed', JSON.stringify(real.items));
    assert.equal(
      (await hub.site.site.get(hub.site.kind, await remoteIdOf(existing.id)))?.title,
      'Story 41, third edition',
    );
    const freshRemote = await remoteIdOf(fresh.id);
    assert.equal((await api('POST', `/v1/publish/${real.id}/rollback`)).status, 202);
    await waitFor(
      async () => (await api('GET', `/v1/publish/${real.id}`)).body.status === 'rolled_back',
      'the rollback',
    );
    assert.equal(await hub.site.site.get(hub.site.kind, freshRemote), null, 'the created item is gone from the site');
    assert.equal(
      (await hub.site.site.get(hub.site.kind, await remoteIdOf(existing.id)))?.title,
      'Story 41, second edition',
      'the updated item has its previous version back',
    );
    // Rolled back stays rolled back: the next sync does not push the hub version again.
    await sync();
    assert.equal(
      (await hub.site.site.get(hub.site.kind, await remoteIdOf(existing.id)))?.title,
      'Story 41, second edition',
    );
  });

  test(`${name}: an item deleted on the site is noticed and reported`, async () => {
    const e = await createItem(51);
    await publish([e.id]);
    await hub.site.site.remove(hub.site.kind, await remoteIdOf(e.id));
    await sync();
    assert.equal((await targetOf(e.id)).state, 'remote_deleted');
    assert.equal(
      (
        await hub.ctx.db.owner.query(
          "select count(*)::int as n from events where org_id = $1 and type = 'content.remote_deleted' and payload->>'item_id' = $2",
          [hub.org.id, e.id],
        )
      ).rows[0].n,
      1,
    );
  });
}
