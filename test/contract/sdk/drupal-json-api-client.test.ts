import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonApiClient } from '@drupal-api-client/json-api-client';
import { sandbox as drupalSandbox, type DrupalRunningSandbox } from '../../../src/providers/drupal/sandbox.ts';

// The Drupal API Client takes the site's base URL (docs/platforms/drupal.md §SDK).
let sb: DrupalRunningSandbox;
before(async () => {
  // Writes need JSON:API out of read-only mode, as on a real site (docs/providers.md, Drupal).
  sb = await drupalSandbox.start({ seed: 8, size: 20 });
  sb.setReadOnly(false);
});
after(async () => {
  await sb.close();
});

type Doc<T> = { data: T };
type Node = { id: string; type: string; attributes: { title: string; body?: { value: string } | null } };

test('@drupal-api-client/json-api-client with Basic auth: lists, creates and updates articles on the Drupal sandbox', async () => {
  const client = new JsonApiClient(sb.siteUrl, {
    authentication: { type: 'Basic', credentials: { username: sb.username, password: sb.password } },
  });
  const listed = (await client.getCollection<Doc<Node[]>>('node--article')) as Doc<Node[]>;
  assert.ok(listed.data.length > 0);
  const created = (await client.createResource<Doc<Node>>('node--article', {
    data: {
      type: 'node--article',
      attributes: { title: 'SDK contract article', body: { value: '<p>Hello.</p>', format: 'basic_html' } },
    },
  })) as Doc<Node>;
  assert.equal(created.data.attributes.title, 'SDK contract article');
  const updated = (await client.updateResource<Doc<Node>>('node--article', created.data.id, {
    data: { type: 'node--article', id: created.data.id, attributes: { title: 'SDK contract article, renamed' } },
  })) as Doc<Node>;
  assert.equal(updated.data.attributes.title, 'SDK contract article, renamed');
  const read = (await client.getResource<Doc<Node>>('node--article', created.data.id)) as Doc<Node>;
  assert.equal(read.data.attributes.title, 'SDK contract article, renamed');
});
