import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import type { ProviderModule } from './contracts/module.ts';
import { listProviders, providerModule } from './registry.ts';
import type { Capability } from './types.ts';

/**
 * What each capability needs in the provider's entry module. A capability is declared exactly
 * when its adapter or hook exists: a declared capability without code is a promise Plexus cannot
 * keep, and code without the capability is never offered to API users.
 */
const IMPLEMENTED_BY: Readonly<Record<Capability, (m: ProviderModule) => boolean>> = {
  'ads.accounts.read': (m) => m.ads !== undefined,
  'ads.campaigns.read': (m) => m.ads !== undefined,
  'ads.metrics.read': (m) => m.ads !== undefined,
  'ads.campaigns.write': (m) => m.ads?.write !== undefined,
  'content.read': (m) => m.content !== undefined,
  'content.write': (m) => m.content !== undefined,
  'content.bulk': (m) => m.content?.createMany !== undefined,
  'webhooks.inbound': (m) => m.webhooks !== undefined,
  'webhooks.subscribe': (m) => m.connector.subscribeWebhooks !== undefined,
  // The generic OAuth 2 refresh in providers/kit runs whenever the definition names a strategy.
  'token.refresh': (m) => m.connector.refresh !== undefined || m.definition.auth.refresh !== 'none',
  // The generic revoke calls the definition's revokeUrl; a connector hook may do it instead.
  'token.revoke': (m) =>
    m.connector.revoke !== undefined ||
    (m.definition.auth.kind === 'oauth2' && m.definition.auth.revokeUrl !== undefined),
  // These three describe how deep an adapter goes, not a separate adapter: each needs the
  // adapter it deepens, and the per-provider tests exercise the depth itself.
  'ads.reports.async': (m) => m.ads !== undefined,
  'content.taxonomy': (m) => m.content !== undefined,
  'content.media': (m) => m.content !== undefined,
};

/** Capabilities whose code may exist without the capability being declared (see IMPLEMENTED_BY). */
const DEPTH_ONLY: ReadonlySet<Capability> = new Set(['ads.reports.async', 'content.taxonomy', 'content.media']);

/** Each way a module and its declared capabilities disagree, as a sentence. */
function mismatches(m: ProviderModule): string[] {
  const declared = new Set<Capability>(m.definition.capabilities);
  const out: string[] = [];
  for (const [cap, has] of Object.entries(IMPLEMENTED_BY) as [Capability, (m: ProviderModule) => boolean][]) {
    if (declared.has(cap) && !has(m)) out.push(`declares ${cap} but nothing implements it`);
    if (!declared.has(cap) && !DEPTH_ONLY.has(cap) && has(m)) out.push(`implements ${cap} but does not declare it`);
  }
  return out;
}

for (const def of listProviders()) {
  const m = providerModule(def.id);

  test(`${def.id}: every declared capability has its adapter, and every adapter its capability`, () => {
    assert.deepEqual(mismatches(m), [], def.id);
  });
  test(`${def.id}: the entry module belongs to its family and its hooks come in pairs`, () => {
    assert.equal(m.definition, def);
    assert.equal(m.ads !== undefined, def.family === 'ads', `${def.id} ads adapter vs family ${def.family}`);
    assert.equal(m.content !== undefined, def.family === 'cms', `${def.id} content adapter vs family ${def.family}`);
    assert.equal(m.webhooks !== undefined, def.webhooks.supported, `${def.id} webhook adapter vs definition`);
    assert.equal(
      m.connector.subscribeWebhooks !== undefined,
      m.connector.unsubscribeWebhooks !== undefined,
      `${def.id} subscribes without unsubscribing`,
    );
    if (m.connector.subscribeWebhooks) {
      assert.ok(
        def.webhooks.supported && def.webhooks.subscribeApi,
        `${def.id} subscribes but its definition says the platform has no subscribe API`,
      );
    }
    if (m.content?.createMany) assert.ok((m.content.bulkSize ?? 0) > 1, `${def.id} createMany without a bulk size`);
  });

  test(`${def.id}: its facts page docs/platforms/${def.id}.md exists`, () => {
    assert.ok(
      existsSync(new URL(`../../docs/platforms/${def.id}.md`, import.meta.url)),
      `docs/platforms/${def.id}.md is missing`,
    );
  });

  test(`${def.id}: the sandbox loads lazily and simulates this provider`, async () => {
    const sandbox = await m.sandbox();
    assert.equal(sandbox.provider, def.id);
    assert.equal(typeof sandbox.start, 'function');
  });
}

test('the check reports an undeclared adapter and a capability without code', () => {
  const wp = providerModule('wordpress');
  const withoutBulk = {
    ...wp.definition,
    capabilities: wp.definition.capabilities.filter((c) => c !== 'content.bulk'),
  };
  assert.deepEqual(mismatches({ ...wp, definition: withoutBulk }), ['implements content.bulk but does not declare it']);
  const ads = providerModule('google-ads');
  const claimsContent = { ...ads.definition, capabilities: [...ads.definition.capabilities, 'content.read' as const] };
  assert.deepEqual(mismatches({ ...ads, definition: claimsContent }), [
    'declares content.read but nothing implements it',
  ]);
});
