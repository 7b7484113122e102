import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isSecretKey } from '../core/redact.ts';
import { secretHeaders } from './kit/secret-headers.ts';
import { getProvider, isProviderId, listProviders, loadSandbox, PROVIDER_IDS, providers } from './registry.ts';
import type { Capability, ProviderDefinition, WebhookSchemeId } from './types.ts';

const all = listProviders();

/** Every URL-valued string a definition carries, labelled for failure messages. */
function urlsOf(p: ProviderDefinition): Array<[label: string, url: string]> {
  const urls: Array<[string, string]> = [['api.baseUrl', p.api.baseUrl]];
  const a = p.auth;
  if (a.kind === 'oauth2') {
    urls.push(['auth.authorizeUrl', a.authorizeUrl], ['auth.tokenUrl', a.tokenUrl]);
    if (a.refreshUrl !== undefined) urls.push(['auth.refreshUrl', a.refreshUrl]);
    if (a.revokeUrl !== undefined) urls.push(['auth.revokeUrl', a.revokeUrl]);
  } else if (a.kind === 'oauth1a') {
    urls.push(
      ['auth.requestTokenUrl', a.requestTokenUrl],
      ['auth.authorizeUrl', a.authorizeUrl],
      ['auth.accessTokenUrl', a.accessTokenUrl],
    );
  }
  return urls;
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

/** Path and query segments, so `12` in `/12/` counts but `12` inside `/v1200/` does not. */
function segments(url: string): string[] {
  return url.split(/[/?&=#]/).filter((s) => s.length > 0);
}

const isLower = (h: string): boolean => h === h.toLowerCase();

test('every id in PROVIDER_IDS is registered under its own id, and nothing else is', () => {
  assert.deepEqual(Object.keys(providers).sort(), [...PROVIDER_IDS].sort());
  for (const id of PROVIDER_IDS) {
    assert.equal(providers[id].id, id, `providers['${id}'] holds '${providers[id].id}'`);
    assert.equal(getProvider(id), providers[id]);
    assert.ok(isProviderId(id));
  }
});

test('loadSandbox names the known providers when asked for an unknown one', async () => {
  await assert.rejects(loadSandbox('nope'), /no sandbox for provider "nope"; known: meta, /);
  await assert.rejects(loadSandbox('toString'), /no sandbox/);
});

test('lookups reject unknown ids, including inherited object keys', () => {
  for (const id of ['', 'facebook', 'Meta', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    assert.equal(isProviderId(id), false, id);
    assert.equal(getProvider(id), undefined, id);
  }
});

test('listProviders follows PROVIDER_IDS order and returns a fresh array', () => {
  assert.deepEqual(
    all.map((p) => p.id),
    [...PROVIDER_IDS],
  );
  const first = listProviders();
  first.pop();
  assert.equal(listProviders().length, PROVIDER_IDS.length);
});

test('six ads and six cms providers, with unique display names', () => {
  assert.equal(all.filter((p) => p.family === 'ads').length, 6);
  assert.equal(all.filter((p) => p.family === 'cms').length, 6);
  assert.equal(new Set(all.map((p) => p.displayName)).size, all.length);
});

test('all fixed URLs are https; user-supplied hosts come only from URL config fields', () => {
  for (const p of all) {
    assert.match(p.docsUrl, /^https:\/\//, `${p.id} docsUrl`);
    const urlFields = new Set((p.connectionConfig ?? []).filter((f) => f.isUrl === true).map((f) => f.name));
    for (const [label, url] of urlsOf(p)) {
      const host = placeholders(url).filter((name) => name !== 'version');
      for (const name of host) {
        assert.ok(urlFields.has(name), `${p.id} ${label} uses {${name}}, which is not an isUrl config field`);
      }
      // A URL that starts with a site placeholder is the user's own site; the scheme comes with it.
      if (!/^\{[^}]+\}/.test(url)) assert.match(url, /^https:\/\//, `${p.id} ${label}`);
    }
  }
});

test('the API version appears only in api.version, and the carrier matches where it is filled in', () => {
  for (const p of all) {
    const { version, versionCarrier, baseUrl, headers = {} } = p.api;
    assert.ok(version.length > 0, `${p.id} has an empty version`);
    for (const [label, url] of urlsOf(p)) {
      assert.ok(!segments(url).includes(version), `${p.id} ${label} hard-codes version ${version}: ${url}`);
    }
    for (const [name, value] of Object.entries(headers)) {
      assert.ok(!value.includes(version), `${p.id} header ${name} hard-codes version ${version}`);
    }
    const inPath = baseUrl.includes('{version}');
    const inHeader = Object.values(headers).some((v) => v.includes('{version}'));
    assert.equal(inPath, versionCarrier === 'path', `${p.id} baseUrl vs carrier ${versionCarrier}`);
    assert.equal(inHeader, versionCarrier === 'header', `${p.id} headers vs carrier ${versionCarrier}`);
    for (const [name, v] of Object.entries(p.api.pathVersions ?? {})) {
      assert.ok(v.length > 0 && !baseUrl.includes(v), `${p.id} pathVersions.${name}`);
    }
  }
});

test('OAuth endpoints that the platform versions take {version} (ads.md §1.2, §3.1)', () => {
  const meta = providers.meta.auth;
  const tiktok = providers.tiktok.auth;
  assert.ok(meta.kind === 'oauth2' && tiktok.kind === 'oauth2');
  const versioned = [meta.authorizeUrl, meta.tokenUrl, meta.refreshUrl, meta.revokeUrl];
  versioned.push(tiktok.tokenUrl, tiktok.revokeUrl);
  for (const url of versioned) {
    assert.ok(url?.includes('{version}') === true, `${url} should carry {version}`);
  }
});

test('oauth2 definitions are internally consistent', () => {
  for (const p of all) {
    const a = p.auth;
    if (a.kind !== 'oauth2') continue;
    for (const scope of a.defaultScopes) {
      assert.ok(!scope.includes(' ') && !scope.includes(','), `${p.id} scope '${scope}' holds a separator`);
    }
    if (a.rotatesRefreshToken || a.refreshTokenTtlSeconds !== undefined) {
      assert.equal(a.refresh, 'refresh_token', `${p.id} describes refresh tokens but refresh is ${a.refresh}`);
    }
    if (a.refresh === 'none') {
      assert.equal(a.refreshUrl, undefined, `${p.id} has a refreshUrl but never refreshes`);
    }
    assert.equal(
      a.exchangeGrant !== undefined,
      a.refresh === 'exchange',
      `${p.id} exchangeGrant vs refresh ${a.refresh}`,
    );
    if (a.callbackCodeParam !== undefined) assert.notEqual(a.callbackCodeParam, 'code', p.id);
    for (const ttl of [a.accessTokenTtlSeconds, a.refreshTokenTtlSeconds]) {
      if (ttl !== undefined) assert.ok(Number.isInteger(ttl) && ttl > 0, `${p.id} ttl ${ttl}`);
    }
    if (a.accessTokenTtlSeconds !== undefined && a.refreshTokenTtlSeconds !== undefined) {
      assert.ok(a.refreshTokenTtlSeconds > a.accessTokenTtlSeconds, `${p.id} refresh outlives access`);
    }
  }
});

test('credential auth has a secret, a header when needed and a relative verify path', () => {
  for (const p of all) {
    const a = p.auth;
    if (a.kind !== 'app_password' && a.kind !== 'api_token' && a.kind !== 'api_key') continue;
    assert.ok(
      a.fields.some((f) => f.secret),
      `${p.id} has no secret credential field`,
    );
    assert.equal(a.transport === 'header', a.header !== undefined, `${p.id} header vs transport`);
    assert.match(a.verifyPath, /^\//, `${p.id} verifyPath`);
    for (const name of placeholders(a.verifyPath)) {
      assert.ok(Object.hasOwn(p.api.pathVersions ?? {}, name), `${p.id} verifyPath uses unknown {${name}}`);
    }
  }
});

test('connection config fields are unique, and patterns compile', () => {
  for (const p of all) {
    const auth = p.auth;
    const credentialNames = 'fields' in auth ? auth.fields.map((f) => f.name) : [];
    const names = [...credentialNames, ...(p.connectionConfig ?? []).map((f) => f.name)];
    assert.equal(new Set(names).size, names.length, `${p.id} repeats a field name`);
    for (const f of p.connectionConfig ?? []) {
      if (f.pattern !== undefined) assert.doesNotThrow(() => new RegExp(f.pattern ?? ''), `${p.id}.${f.name}`);
      if (f.header !== undefined) assert.ok(!f.secret, `${p.id}.${f.name} sends a secret as a plain header`);
    }
  }
});

/** Schemes where the signed token is the body itself, so there is no signature header. */
const BODY_SIGNED: ReadonlySet<WebhookSchemeId> = new Set(['jwt-rs256']);
/** Schemes that sign a timestamp and so need a freshness window. */
const TIMESTAMPED: ReadonlySet<WebhookSchemeId> = new Set([
  'hmac-sha256-hex-timestamped',
  'hmac-sha256-hex-timestamp-pairs',
  'plexus-hmac',
]);

test('webhook support is complete: scheme, lower-case headers, topics; or a reason to poll', () => {
  for (const p of all) {
    const w = p.webhooks;
    if (!w.supported) {
      assert.ok(w.reason.trim().length > 20, `${p.id} needs a real reason`);
      assert.equal(w.fallback, 'poll');
      continue;
    }
    assert.equal(w.signatureHeader === '', BODY_SIGNED.has(w.scheme), `${p.id} signature header`);
    for (const h of [w.signatureHeader, w.timestampHeader, w.eventIdHeader, w.topicHeader]) {
      if (h !== undefined) assert.ok(isLower(h), `${p.id} header '${h}' is not lower case`);
    }
    assert.ok(w.topics.length > 0, `${p.id} lists no topics`);
    assert.equal(new Set(w.topics).size, w.topics.length, `${p.id} repeats a topic`);
    if (TIMESTAMPED.has(w.scheme)) {
      assert.ok((w.toleranceSeconds ?? 0) > 0, `${p.id} timestamped scheme without tolerance`);
    }
    if (w.scheme === 'hmac-sha256-hex-timestamped' || w.scheme === 'plexus-hmac') {
      assert.ok(w.timestampHeader !== undefined, `${p.id} needs a timestamp header`);
    }
    assert.equal(w.secretSource === 'public_key', w.scheme === 'jwt-rs256', `${p.id} secret source`);
  }
});

test('CMS without signed webhooks in core use the Plexus scheme with a per-connection secret', () => {
  for (const id of ['wordpress', 'drupal', 'joomla'] as const) {
    const w = providers[id].webhooks;
    assert.ok(w.supported, id);
    assert.equal(w.scheme, 'plexus-hmac');
    assert.equal(w.signatureHeader, 'x-plexus-signature');
    assert.equal(w.timestampHeader, 'x-plexus-timestamp');
    assert.equal(w.secretSource, 'per_connection');
    assert.equal(w.subscribeApi, false);
  }
  for (const p of all) {
    if (p.webhooks.supported && p.webhooks.scheme === 'plexus-hmac') {
      assert.equal(p.family, 'cms', `${p.id} uses the Plexus scheme but is not a CMS`);
    }
  }
});

test('rate-limit policies name their signals and only the detail those signals need', () => {
  for (const p of all) {
    const r = p.rateLimit;
    assert.ok(r.signals.length > 0, `${p.id} has no rate-limit signal`);
    assert.equal(new Set(r.signals).size, r.signals.length, `${p.id} repeats a signal`);
    const wantsHeaders = r.signals.includes('usage-headers') || r.signals.includes('remaining-headers');
    assert.equal((r.headers ?? []).length > 0, wantsHeaders, `${p.id} headers vs signals`);
    assert.equal((r.bodyCodes ?? []).length > 0, r.signals.includes('body-code'), `${p.id} body codes vs signals`);
    for (const h of r.headers ?? []) assert.ok(isLower(h), `${p.id} rate-limit header '${h}'`);
    if (r.signals.includes('retry-after-header') && r.headers !== undefined) {
      assert.ok(r.headers.includes('retry-after'), `${p.id} lists headers but not retry-after`);
    }
    if (r.requestsPerMinute !== undefined) assert.ok(r.requestsPerMinute > 0, p.id);
    if (r.bucket !== undefined) assert.ok(r.bucket.size > 0 && r.bucket.leakPerSecond > 0, p.id);
    if (r.slowDownAtPercent !== undefined) {
      assert.ok(r.signals.includes('usage-headers'), `${p.id} slows down on usage it never reads`);
      assert.ok(r.slowDownAtPercent > 0 && r.slowDownAtPercent < 100, p.id);
    }
  }
});

test('page sizes are positive integers and money units belong to ads only', () => {
  for (const p of all) {
    assert.ok(Number.isInteger(p.maxPageSize) && p.maxPageSize > 0, `${p.id} maxPageSize`);
    assert.equal(p.money !== undefined, p.family === 'ads', `${p.id} money vs family`);
    if (p.metricsMoney !== undefined) {
      assert.equal(p.family, 'ads', p.id);
      assert.notEqual(p.metricsMoney, p.money, `${p.id} metricsMoney repeats money`);
    }
  }
});

const FAMILY_CORE: Record<ProviderDefinition['family'], readonly Capability[]> = {
  ads: ['ads.accounts.read', 'ads.campaigns.read', 'ads.metrics.read'],
  cms: ['content.read'],
};

test('capabilities match the family and the rest of the definition', () => {
  for (const p of all) {
    const caps = new Set<Capability>(p.capabilities);
    assert.equal(caps.size, p.capabilities.length, `${p.id} repeats a capability`);
    const foreign = p.family === 'ads' ? 'content.' : 'ads.';
    const wrong = p.capabilities.filter((c) => c.startsWith(foreign));
    assert.deepEqual(wrong, [], `${p.id} (${p.family}) declares ${wrong.join(', ')}`);
    for (const c of FAMILY_CORE[p.family]) assert.ok(caps.has(c), `${p.id} lacks ${c}`);

    assert.equal(caps.has('webhooks.inbound'), p.webhooks.supported, `${p.id} webhooks.inbound`);
    // The platform may offer a subscribe API that Plexus does not call (capabilities.test.ts ties
    // the capability to the connector's hook); Plexus cannot subscribe where it offers none.
    const subscribes = p.webhooks.supported && p.webhooks.subscribeApi;
    if (caps.has('webhooks.subscribe')) assert.ok(subscribes, `${p.id} webhooks.subscribe without a subscribe API`);
    assert.equal(caps.has('token.refresh'), p.auth.refresh !== 'none', `${p.id} token.refresh`);
    const revocable = p.auth.kind === 'oauth2' && p.auth.revokeUrl !== undefined;
    assert.equal(caps.has('token.revoke'), revocable, `${p.id} token.revoke`);
  }
});

test('every header a credential travels in is scrubbed from logs once the registry is loaded', () => {
  const names = all.flatMap((p) => secretHeaders(p));
  for (const h of names) assert.ok(isSecretKey(h), `${h} is not redacted`);
  // The definitions are the only source of these names: nothing platform-specific is built in.
  assert.ok(names.includes('x-shopify-access-token') && names.includes('x-joomla-token'));
  assert.equal(isSecretKey('x-plexus-request-id'), false);
});
