import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WPAPI from 'wpapi';
import { sandbox as wpSandbox, type WordPressRunningSandbox } from '../../../src/providers/wordpress/sandbox.ts';

// wpapi takes the site's REST root as `endpoint` (docs/platforms/wordpress.md §SDK).
let sb: WordPressRunningSandbox;
before(async () => {
  sb = await wpSandbox.start({ seed: 6, size: 20 });
});
after(async () => {
  await sb.close();
});

test('wpapi with an application password: lists, creates and updates posts on the WordPress sandbox', async () => {
  const wp = new WPAPI({ endpoint: sb.apiRoot, username: sb.username, password: sb.applicationPassword });
  const listed = (await wp.posts().perPage(5).get()) as { id: number }[];
  assert.ok(listed.length > 0);
  const created = (await wp
    .posts()
    .create({ title: 'SDK contract post', content: '<p>Hello.</p>', status: 'draft' })) as {
    id: number;
    title: { raw?: string; rendered: string };
    status: string;
  };
  assert.equal(created.status, 'draft');
  const updated = (await wp.posts().id(created.id).update({ title: 'SDK contract post, renamed' })) as {
    title: { rendered: string };
  };
  assert.equal(updated.title.rendered, 'SDK contract post, renamed');
  const read = (await wp.posts().id(created.id).context('edit').get()) as { title: { raw: string } };
  assert.equal(read.title.raw, 'SDK contract post, renamed');
});

test('wpapi: a wrong application password is refused', async () => {
  const wp = new WPAPI({ endpoint: sb.apiRoot, username: sb.username, password: 'abcd efgh ijkl mnop qrst uvwx' });
  await assert.rejects(
    wp.posts().create({ title: 'nope' }),
    (err: { data?: { status?: number } }) => err.data?.status === 401,
  );
});
