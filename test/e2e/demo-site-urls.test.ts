import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/logger.ts';
import { loadProviderApps } from '../../src/providers/apps.ts';
import { connectorFor } from '../../src/providers/registry.ts';
import { connectorContext } from '../../src/providers/context.ts';
import { createProviderRuntime } from '../../src/providers/runtime.ts';
import { sandbox as wordpressSandbox } from '../../src/providers/wordpress/sandbox.ts';
import { startDemoSandboxes, type DemoSandboxes } from '../../src/cli/demo.ts';

/**
 * Demo mode runs a WordPress sandbox, but a site URL typed on the connect page is used as
 * typed: only the sandbox's own URL reaches the sandbox. Another WordPress on this machine
 * (here a second simulator with its own credentials) is connected for real.
 */
let demo: DemoSandboxes;
let other: Awaited<ReturnType<typeof wordpressSandbox.start>> & {
  siteUrl: string;
  username: string;
  applicationPassword: string;
};
let rt: ReturnType<typeof createProviderRuntime>;

before(async () => {
  const log = createLogger({ level: 'silent' });
  demo = await startDemoSandboxes(loadProviderApps({}), log);
  other = await wordpressSandbox.start({ seed: 7 });
  // As `plexus start` builds it in demo mode.
  rt = createProviderRuntime(
    systemClock,
    { PLEXUS_SSRF_ALLOW_HOSTS: [...demo.siteHosts, new URL(other.siteUrl).host].join(',') },
    demo.apps,
  );
});

test('the host pattern a name field stands for comes from its definition (a shop name → *.myshopify.com)', () => {
  assert.ok(demo.siteHosts.includes('*.myshopify.com'), demo.siteHosts.join(', '));
});
after(async () => {
  await rt?.close();
  await other?.close();
  await demo?.close();
});

const identify = (siteUrl: string, username: string, password: string) =>
  connectorFor('wordpress').identify(connectorContext(rt, 'wordpress', { siteUrl }), {
    kind: 'basic',
    username,
    password,
    extra: { siteUrl, username, applicationPassword: password },
  });

test('demo mode: a typed WordPress URL goes where it says; the sandbox URL goes to the sandbox; the banner says which', async () => {
  const wp = demo.running.get('wordpress') as unknown as typeof other;
  assert.notEqual(other.siteUrl, wp.siteUrl);
  const real = await identify(other.siteUrl, other.username, other.applicationPassword);
  assert.ok(real.displayName, 'the other site accepted its own credentials');
  await assert.rejects(
    identify(other.siteUrl, wp.username, wp.applicationPassword),
    'the other site refuses the sandbox credentials: the call went there',
  );
  const sb = await identify(wp.siteUrl, wp.username, wp.applicationPassword);
  assert.ok(sb.displayName);
  const note = demo.notes.find((n) => n.startsWith('WordPress:'));
  assert.ok(note?.includes(wp.siteUrl) && /any other site url is used as typed/i.test(note), note);
  assert.ok(demo.notes.find((n) => n.startsWith('Wix:'))?.includes('always the sandbox'), demo.notes.join('\n'));
});
