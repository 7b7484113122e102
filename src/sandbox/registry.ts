/**
 * Provider id → lazily imported sandbox. Demo mode, tests and `plexus sandbox <provider|all>`
 * load simulators through here; production code never imports sandbox code statically, so
 * none of it is loaded unless a sandbox is actually started. Adding a platform's simulator is
 * one line below.
 */
import type { ProviderId } from '../providers/types.ts';
import type { Sandbox } from './kit/types.ts';

type SandboxModule = { sandbox: Sandbox };

export const sandboxRegistry: Partial<Record<ProviderId, () => Promise<SandboxModule>>> = {
  meta: () => import('../providers/meta/sandbox.ts'),
  'google-ads': () => import('../providers/google-ads/sandbox.ts'),
  tiktok: () => import('../providers/tiktok/sandbox.ts'),
  linkedin: () => import('../providers/linkedin/sandbox.ts'),
  x: () => import('../providers/x/sandbox.ts'),
  snapchat: () => import('../providers/snapchat/sandbox.ts'),
  wordpress: () => import('../providers/wordpress/sandbox.ts'),
  drupal: () => import('../providers/drupal/sandbox.ts'),
  shopify: () => import('../providers/shopify/sandbox.ts'),
  joomla: () => import('../providers/joomla/sandbox.ts'),
  webflow: () => import('../providers/webflow/sandbox.ts'),
  wix: () => import('../providers/wix/sandbox.ts'),
};

export function sandboxProviders(): ProviderId[] {
  return Object.keys(sandboxRegistry) as ProviderId[];
}

export function hasSandbox(id: string): id is ProviderId {
  return Object.hasOwn(sandboxRegistry, id);
}

export async function loadSandbox(id: string): Promise<Sandbox> {
  const load = hasSandbox(id) ? sandboxRegistry[id] : undefined;
  if (!load) throw new Error(`no sandbox for provider "${id}"; known: ${sandboxProviders().join(', ')}`);
  return (await load()).sandbox;
}
