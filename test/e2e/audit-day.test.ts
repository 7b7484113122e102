/**
 * A scripted day of an org's actions through the API (and one end user on the connect page),
 * read back from GET /v1/audit: every action, its actor and target, in order, page by page;
 * then the filters, and another org seeing none of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { googleAdsSync } from '../../src/providers/google-ads/sync.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { sandbox as joomlaSandbox, type JoomlaRunningSandbox } from '../../src/providers/joomla/sandbox.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { joomlaSite } from '../fixtures/cms/joomla.ts';
import { auth, newOrg } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { waitFor } from '../helpers/wait.ts';

let google: GoogleAdsRunningSandbox;
let joomla2: JoomlaRunningSandbox;
const hub = contentHub(async () => {
  const site = await joomlaSite();
  google = await googleSandbox.start({ seed: 41, size: 200 });
  // A second Joomla site, which the end user connects on the connect page.
  joomla2 = await joomlaSandbox.start({ seed: 9, size: 3 });
  const close = () => site.close();
  return {
    ...site,
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: google.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: google.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: google.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: google.url,
    },
    close: async () => {
      await close();
      await google.close();
      await joomla2.close();
    },
  };
});
const { api } = hub;

interface Expected {
  action: string;
  actor: string;
  target?: string;
}
const expected: Expected[] = [];
const KEY = 'api_key';
const did = (action: string, target?: string, actor = KEY) =>
  expected.push({ action, actor, ...(target ? { target } : {}) });

const ok = (r: { status: number; body: unknown }, status = 200) => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body as any;
};
const del = async (url: string) => {
  const res = await hub.ctx.app.inject({ method: 'DELETE', url, headers: auth(hub.org.key) });
  return { status: res.statusCode, body: res.json() };
};
/** The end user submits the connect page's credential form. */
const submitConnectForm = async (sessionUrl: string) => {
  const token = sessionUrl.split('/connect/')[1]!;
  const res = await hub.ctx.app.inject({
    method: 'POST',
    url: `/connect/${token}/credentials`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ siteUrl: joomla2.siteUrl, token: joomla2.token }).toString(),
  });
  assert.ok(res.statusCode < 400, res.body);
};
const stamp = Date.now().toString(36);
const publish = async (itemIds: string[]) => {
  const b = ok(await api('POST', '/v1/publish', { item_ids: itemIds, connection_ids: [hub.conn] }), 202);
  await waitFor(
    async () => ['completed', 'completed_with_errors'].includes((await api('GET', `/v1/publish/${b.id}`)).body.status),
    `batch ${b.id}`,
    60_000,
  );
  return b.id as string;
};

test(
  'a day of actions reads back complete from the audit trail, with actors and targets, in order',
  { timeout: 240_000 },
  async () => {
    // Set-up outside the day: an ads connection with its first sync (the accounts writes go to).
    const t = google.mintToken({ offline: true, ttlSeconds: 3600 });
    const ads = await seedConnection(
      hub.ctx.db,
      hub.ctx.keyring,
      hub.org.id,
      'google-ads',
      { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
      { expiresAt: new Date(Date.now() + 3600_000), externalId: google.accounts().managerId },
    );
    await runAdsSync(
      { ...hub.ctx.providers, db: hub.ctx.db, keyring: hub.ctx.keyring, log: hub.ctx.log },
      hub.org.id,
      ads,
      googleAdsSync,
      'test',
      { historyDays: 2 },
    );
    const customer = google.world().customers.find((c) => c.managerId !== null)!;

    // 1. Keys and org settings.
    const key = ok(await api('POST', '/v1/api-keys', { name: 'ci' }), 201);
    did('api_key.create', key.id);
    ok(await api('PATCH', '/v1/org', { name: 'Renamed org' }));
    did('org.update', hub.org.id);
    ok(await api('PATCH', '/v1/org/retention', { operations: 7, audit: 730 }));
    did('org.retention.update', hub.org.id);

    // 2. An end user connects a site on the connect page, then reconnects it.
    const s1 = ok(
      await api('POST', '/v1/connect-sessions', { provider: 'joomla', end_user_ref: `user-${stamp}` }),
      201,
    );
    did('connect_session.create', s1.id);
    await submitConnectForm(s1.url);
    const site2 = ok(await api('GET', `/v1/connect-sessions/${s1.id}`)).connection_id as string;
    assert.ok(site2, 'the connect session produced a connection');
    did('connection.connect', site2, 'end_user');
    const s2 = ok(
      await api('POST', '/v1/connect-sessions', {
        provider: 'joomla',
        end_user_ref: `user-${stamp}`,
        connection_id: site2,
      }),
      201,
    );
    did('connect_session.create', s2.id);
    await submitConnectForm(s2.url);
    did('connection.reauth', site2, 'end_user');

    // 3. Connection settings, credentials and secrets.
    ok(await api('PATCH', `/v1/connections/${site2}`, { sync_interval_minutes: 60, conflict_policy: 'hub_wins' }));
    did('connection.update', site2);
    ok(await api('POST', `/v1/connections/${site2}/webhook-secret`), 201);
    did('connection.webhook_secret.rotate', site2);
    ok(await api('POST', `/v1/connections/${ads}/refresh`));
    did('connection.credentials.refresh', ads);

    // 4. Webhook endpoints of the host app.
    const ep = ok(
      await api('POST', '/v1/webhook-endpoints', {
        url: 'http://127.0.0.1:9/hooks',
        event_types: ['connection.created'],
      }),
      201,
    );
    did('webhook_endpoint.create', ep.id);
    ok(await api('PATCH', `/v1/webhook-endpoints/${ep.id}`, { description: 'ops' }));
    did('webhook_endpoint.update', ep.id);
    ok(await api('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`));
    did('webhook_endpoint.secret.rotate', ep.id);

    // 5. Content: publish, a conflict resolved by a person, a rollback.
    const item = ok(
      await api('POST', '/v1/content', {
        external_id: `day-${stamp}`,
        kind: 'post',
        title: 'Day story',
        slug: `day-story-${stamp}`,
        body_html: '<p>Hello.</p>',
        status: 'published',
      }),
      201,
    );
    const batch1 = await publish([item.id]);
    did('publish.create', batch1);
    await hub.nextSecond();
    const remoteId = (await api('GET', `/v1/content/${item.id}`)).body.targets[0].remote_id as string;
    await hub.site.site.edit('post', remoteId, { title: 'Title from the site' });
    await hub.ctx.db.owner.query(
      "update content_items set title = 'Title from the hub', version = version + 1, updated_at = now() where id = $1",
      [item.id],
    );
    await hub.sync();
    const conflict = ok(await api('GET', `/v1/conflicts?status=open&item_id=${item.id}`)).data[0];
    ok(await api('POST', `/v1/conflicts/${conflict.id}/resolve`, { values: { title: 'Agreed title' } }));
    did('conflict.resolve', conflict.id);
    await hub.idle();
    ok(await api('PATCH', `/v1/content/${item.id}`, { title: 'Second edition' }));
    await hub.idle();
    const batch2 = await publish([item.id]);
    did('publish.create', batch2);
    ok(await api('POST', `/v1/publish/${batch2}/rollback`), 202);
    did('publish.rollback', batch2);

    // 6. Campaign writes on the ad platform.
    const camp = ok(
      await api('POST', '/v1/ads/campaigns', {
        connection_id: ads,
        account_id: customer.id,
        name: 'Day campaign',
        daily_budget_micros: '10000000',
      }),
      201,
    );
    did('ads.campaign.create', camp.id);
    ok(await api('PATCH', `/v1/ads/campaigns/${camp.id}`, { name: 'Day campaign v2' }));
    did('ads.campaign.update', camp.id);
    ok(await api('POST', `/v1/ads/campaigns/${camp.id}/resume`));
    did('ads.entity.resume', camp.id);
    ok(await api('POST', `/v1/ads/campaigns/${camp.id}/pause`));
    did('ads.entity.pause', camp.id);
    ok(await del(`/v1/ads/campaigns/${camp.id}`));
    did('ads.campaign.delete', camp.id);

    // 7. A failed job replayed (the dead letter as the runtime leaves one).
    const { rows } = await hub.ctx.db.owner.query(
      "insert into dead_letters (org_id, job_id, task, payload, attempts, error_code, error_message) values ($1, 999999, 'prune_dead_letters', $2, 12, 'internal_error', 'boom') returning id",
      [hub.org.id, { org_id: hub.org.id }],
    );
    ok(await api('POST', `/v1/dead-letters/${rows[0].id}/replay`), 202);
    did('dead_letter.replay', rows[0].id);

    // 8. The end of the day: an endpoint, a key and a connection go.
    ok(await del(`/v1/webhook-endpoints/${ep.id}`));
    did('webhook_endpoint.delete', ep.id);
    ok(await del(`/v1/api-keys/${key.id}`));
    did('api_key.revoke', key.id);
    ok(await del(`/v1/connections/${site2}`));
    did('connection.disconnect', site2);

    // Read back, five at a time, newest first.
    const got: any[] = [];
    let cursor: string | null = null;
    do {
      const page = ok(await api('GET', `/v1/audit?limit=5${cursor ? `&cursor=${cursor}` : ''}`));
      got.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    const seen = got
      .reverse()
      .map((e) => ({ action: e.action, actor: e.actor.type, ...(e.target?.id ? { target: e.target.id } : {}) }));
    assert.deepEqual(
      seen.map((e) => e.action),
      expected.map((e) => e.action),
    );
    assert.deepEqual(seen, expected);

    // Keys are named by id and visible prefix; the end user by the host app's reference.
    const mine = got.find((e) => e.action === 'api_key.create');
    const { rows: keys } = await hub.ctx.db.owner.query(
      "select id, prefix from api_keys where org_id = $1 and name = 'default'",
      [hub.org.id],
    );
    assert.deepEqual(mine.actor, { type: 'api_key', id: keys[0].id, label: keys[0].prefix });
    assert.ok(mine.request_id, 'the request id ties the entry to the logs');
    assert.deepEqual(got.find((e) => e.action === 'connection.connect').actor, {
      type: 'end_user',
      id: `user-${stamp}`,
      label: null,
    });
    assert.equal(got.find((e) => e.action === 'connection.disconnect').details.provider, 'joomla');
    assert.ok(!JSON.stringify(got).includes(joomla2.token), 'no secret in the trail');
  },
);

test('the audit trail filters by actor, action family, target and time, and stays inside its org', async () => {
  const all = ok(await api('GET', '/v1/audit?limit=200')).data as any[];
  const endUser = ok(await api('GET', '/v1/audit?actor_type=end_user')).data;
  assert.deepEqual(
    endUser.map((e: any) => e.action),
    ['connection.reauth', 'connection.connect'],
  );
  const byUser = ok(await api('GET', `/v1/audit?actor_id=user-${stamp}`)).data;
  assert.equal(byUser.length, 2);
  const conn = ok(await api('GET', '/v1/audit?action=connection.&limit=200')).data;
  assert.deepEqual(conn.map((e: any) => e.action).sort(), [
    'connection.connect',
    'connection.credentials.refresh',
    'connection.disconnect',
    'connection.reauth',
    'connection.update',
    'connection.webhook_secret.rotate',
  ]);
  assert.deepEqual(ok(await api('GET', '/v1/audit?action=publish.create')).data.length, 2);
  const target = all.find((e) => e.action === 'connection.disconnect').target.id;
  const forTarget = ok(await api('GET', `/v1/audit?target_type=connection&target_id=${target}`)).data;
  assert.deepEqual(forTarget.map((e: any) => e.action).reverse(), [
    'connection.connect',
    'connection.reauth',
    'connection.update',
    'connection.webhook_secret.rotate',
    'connection.disconnect',
  ]);
  const mid = all[Math.floor(all.length / 2)];
  const since = ok(
    await api('GET', `/v1/audit?limit=200&since=${encodeURIComponent(new Date(mid.at).toISOString())}`),
  ).data;
  const until = ok(
    await api('GET', `/v1/audit?limit=200&until=${encodeURIComponent(new Date(mid.at).toISOString())}`),
  ).data;
  assert.equal(
    since.length + until.length,
    all.length,
    'since is inclusive, until exclusive: together every entry once',
  );
  assert.ok(
    since.every((e: any) => e.at >= mid.at) && until.every((e: any) => e.at < mid.at),
    JSON.stringify([mid.at, since.map((e: any) => e.at), until.map((e: any) => e.at)]),
  );

  assert.equal((await api('GET', '/v1/audit?cursor=not-a-cursor')).status, 400);
  assert.equal((await api('GET', '/v1/audit?actor_type=robot')).status, 400);
  assert.equal((await api('GET', '/v1/audit?since=yesterday-ish')).status, 400);

  const other = await newOrg(hub.ctx, 'Other');
  const res = await hub.ctx.app.inject({ method: 'GET', url: '/v1/audit', headers: auth(other.key) });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json().data, [], 'another org sees none of it');
});
