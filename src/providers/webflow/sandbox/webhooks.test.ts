import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex-timestamped.ts';
import { call, jsonPost, receiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, redirectOf } from '../../../../test/helpers/sandbox-oauth.ts';
import { verifyDelivery } from '../../../../test/helpers/webhook-verify.ts';
import { sandbox, type WebflowRunningSandbox, type WebflowSandboxOptions } from '../sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/webflow/callback';

async function start(t: TestContext) {
  const opts: WebflowSandboxOptions = { seed: 2, size: 20, autoConsent: true, webhookRetryDelaysMs: [0, 0] };
  return startSandbox(t, sandbox, opts);
}

/** An OAuth-app token, obtained the way a connector does. */
async function oauthToken(sb: WebflowRunningSandbox): Promise<string> {
  const loc = await redirectOf(
    codeRequestUrl(sb, REDIRECT, { state: 's', scope: 'sites:read sites:write cms:read cms:write' }),
  );
  const res = await call(
    sb.tokenUrl,
    jsonPost({
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
      code: loc.searchParams.get('code'),
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    }),
  );
  return res.body.access_token;
}

async function api(sb: WebflowRunningSandbox, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Registers a webhook on a site (by default the sandbox's own), as the connector does. */
function subscribe(sb: WebflowRunningSandbox, token: string, body: unknown, siteId = sb.siteId) {
  return api(sb, token, 'POST', `/sites/${siteId}/webhooks`, body);
}

function verify(r: Received, secret: string, nowMs = T0) {
  return verifyDelivery(scheme, r, {
    secret,
    nowMs,
    signatureHeader: 'x-webflow-signature',
    timestampHeader: 'x-webflow-timestamp',
    toleranceSeconds: 300,
  });
}

test('webhook API round trip: create, list, get, delete; validation and scopes', async (t) => {
  const { sb } = await start(t);
  const token = await oauthToken(sb);
  const created = await subscribe(sb, token, {
    triggerType: 'collection_item_changed',
    url: 'https://example.test/wf',
  });
  assert.equal(created.status, 200);
  assert.equal(created.body.triggerType, 'collection_item_changed');
  assert.equal(created.body.siteId, sb.siteId);
  assert.equal(created.body.lastTriggered, null);
  assert.deepEqual(
    (await api(sb, token, 'GET', `/sites/${sb.siteId}/webhooks`)).body.webhooks.map((w: any) => w.id),
    [created.body.id],
  );
  assert.equal((await api(sb, token, 'GET', `/webhooks/${created.body.id}`)).body.url, 'https://example.test/wf');
  assert.equal((await api(sb, token, 'DELETE', `/webhooks/${created.body.id}`)).status, 204);
  assert.equal((await api(sb, token, 'GET', `/webhooks/${created.body.id}`)).status, 404);
  assert.equal(
    (await subscribe(sb, token, { triggerType: 'item_changed', url: 'https://example.test' })).body.code,
    'validation_error',
  );
  assert.equal((await subscribe(sb, token, { triggerType: 'site_publish' })).body.code, 'validation_error');
  assert.equal(
    (
      await subscribe(
        sb,
        token,
        { triggerType: 'site_publish', url: 'https://example.test' },
        '000000000000000000000000',
      )
    ).status,
    404,
  );
  const readOnly = sb.createSiteToken(['sites:read']);
  assert.equal(
    (await subscribe(sb, readOnly, { triggerType: 'site_publish', url: 'https://example.test' })).body.code,
    'missing_scopes',
  );
});

test('item events from the API and from remote edits are delivered, signed with the client secret', async (t) => {
  const rx = await receiver(t, '/webflow');
  const { sb } = await start(t);
  const token = await oauthToken(sb);
  for (const triggerType of [
    'collection_item_created',
    'collection_item_changed',
    'collection_item_deleted',
    'collection_item_unpublished',
  ]) {
    assert.equal((await subscribe(sb, token, { triggerType, url: rx.url })).status, 200);
  }
  const cid = sb.collectionIds[0]!;
  const made = await api(sb, token, 'POST', `/collections/${cid}/items`, {
    fieldData: { name: 'Zürich launch', slug: 'zurich-launch' },
  });
  await api(sb, token, 'PATCH', `/collections/${cid}/items/${made.body.id}`, {
    fieldData: { name: 'Zürich launch v2' },
  });
  const live = [...sb.state().items.values()].find((i) => i.live !== null && i.collectionId === cid)!;
  sb.remote.unpublish(live.id);
  sb.remote.delete(made.body.id);
  await sb.webhooks.idle();

  const triggers = rx.got.map((g) => JSON.parse(g.body.toString()).triggerType).sort();
  assert.deepEqual(triggers, [
    'collection_item_changed',
    'collection_item_created',
    'collection_item_deleted',
    'collection_item_unpublished',
  ]);
  for (const g of rx.got) {
    assert.deepEqual(verify(g, sb.clientSecret), { ok: true });
    assert.equal(verify(g, 'other-secret').ok, false);
    assert.equal(g.headers['x-webflow-timestamp'], String(T0));
    // Independent check: hex HMAC of "<ms>:<body>".
    assert.equal(
      g.headers['x-webflow-signature'],
      createHmac('sha256', sb.clientSecret).update(`${T0}:${g.body.toString()}`).digest('hex'),
    );
  }
  const changed = rx.got
    .map((g) => JSON.parse(g.body.toString()))
    .find((b) => b.triggerType === 'collection_item_changed');
  assert.equal(changed.payload.id, made.body.id);
  assert.equal(changed.payload.collectionId, cid);
  assert.equal(changed.payload.siteId, sb.siteId);
  assert.equal(changed.payload.fieldData.name, 'Zürich launch v2');
  // An old delivery no longer passes the connector's 5-minute window.
  assert.deepEqual(verify(rx.got[0]!, sb.clientSecret, T0 + 301_000), { ok: false, reason: 'stale_timestamp' });
});

test('site-token webhooks arrive unsigned; a failing receiver gets retries', async (t) => {
  const ok = await receiver(t, '/webflow');
  const failing = await receiver(t, '/webflow', [500]);
  const { sb } = await start(t);
  const siteToken = sb.createSiteToken(['sites:read', 'sites:write', 'cms:read', 'cms:write']);
  await subscribe(sb, siteToken, { triggerType: 'collection_item_published', url: ok.url });
  sb.webhooks.subscribe({
    triggerType: 'collection_item_published',
    url: failing.url,
    siteId: sb.siteId,
    workspaceId: sb.state().workspaceId,
  });
  const item = [...sb.state().items.values()][0]!;
  sb.remote.publish(item.id);
  await sb.webhooks.idle();

  assert.equal(ok.got.length, 1);
  assert.equal(ok.got[0]!.headers['x-webflow-signature'], undefined);
  assert.deepEqual(verify(ok.got[0]!, sb.clientSecret), { ok: false, reason: 'missing_signature' });
  assert.equal(failing.got.length, 3);
  assert.ok(failing.got.every((g) => verify(g, sb.clientSecret).ok));
  const d = sb.webhooks.deliveries().find((x) => x.url === failing.url)!;
  assert.equal(d.state, 'failed');
  assert.deepEqual(
    d.attempts.map((a) => a.status),
    [500, 500, 500],
  );
  assert.notEqual(sb.webhooks.get(d.webhookId)?.lastTriggered, null);
});

test('the control endpoint emits any trigger on demand', async (t) => {
  const rx = await receiver(t, '/webflow');
  const { sb } = await start(t);
  sb.webhooks.subscribe({
    triggerType: 'site_publish',
    url: rx.url,
    siteId: sb.siteId,
    workspaceId: sb.state().workspaceId,
  });
  const res = await fetch(`${sb.url}/__sandbox/webhooks/emit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      triggerType: 'site_publish',
      payload: { siteId: sb.siteId, domains: ['sandbox.webflow.io'] },
    }),
  });
  assert.equal(res.status, 202);
  await sb.webhooks.idle();
  assert.deepEqual(JSON.parse(rx.got[0]!.body.toString()), {
    triggerType: 'site_publish',
    payload: { siteId: sb.siteId, domains: ['sandbox.webflow.io'] },
  });
});
