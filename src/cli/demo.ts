import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import type { ProviderApps } from '../providers/apps.ts';
import { loadSandbox, type ProviderId, providers, sandboxProviders } from '../providers/registry.ts';
import type { ProviderDefinition } from '../providers/types.ts';
import type { RunningSandbox, SandboxOptions } from '../sandbox/kit/types.ts';

export interface DemoSandboxes {
  apps: ProviderApps;
  /** Lines for the start-up banner: what to type on the connect page for credential platforms. */
  notes: string[];
  /**
   * `host:port` of sandboxes that stand for a user's own site (WordPress, Drupal, Joomla): they
   * are reached only by typing their URL, so they join the SSRF allow-list, exactly. Also the
   * host patterns of name fields (`{value}.example.com` → `*.example.com`) of simulated
   * platforms, whose made-up names resolve nowhere.
   */
  siteHosts: string[];
  running: Map<ProviderId, RunningSandbox>;
  close(): Promise<void>;
}

/**
 * Demo mode: every platform with no app credentials configured gets its simulator started in
 * this process, and its connector pointed at it. OAuth platforms show their (one-click)
 * consent page; credential platforms (WordPress, Drupal, Joomla, Wix) print the site URL and
 * credentials to type on the connect page.
 */
export async function startDemoSandboxes(apps: ProviderApps, log: Logger): Promise<DemoSandboxes> {
  const next: ProviderApps = { ...apps };
  const running = new Map<ProviderId, RunningSandbox>();
  const notes: string[] = [];
  const siteHosts: string[] = [];
  for (const id of sandboxProviders()) {
    if (apps[id].clientId || apps[id].baseUrl) continue;
    const clientId = `demo-${id}-${randomBytes(4).toString('hex')}`;
    const clientSecret = randomBytes(24).toString('base64url');
    const sandbox = await loadSandbox(id);

    // Sites take writes in the demo (a fresh Drupal's JSON:API is read-only until enabled), so content can be published.
    const sb = (await sandbox.start({
      seed: 1,
      clientId,
      clientSecret,
      readOnly: false,
    } as SandboxOptions)) as RunningSandbox & Record<string, unknown>;
    running.set(id, sb);
    const extra: Record<string, string> = { ...apps[id].extra };
    if (typeof sb.developerToken === 'string') extra.developerToken = sb.developerToken;
    const def = providers[id];
    // A platform whose API lives at the site the user types (its own WordPress) is not
    // redirected: only the sandbox's own URL reaches the sandbox, any other goes where it says.
    const typedSite = typedSiteUrl(id);
    next[id] = { clientId, clientSecret, baseUrl: typedSite ? undefined : sb.url, extra };
    const siteUrl = exposed(sb, 'siteUrl') ?? sb.url;
    if (typedSite) siteHosts.push(new URL(siteUrl).host);
    siteHosts.push(...templateHosts(def));
    if (def.auth.kind !== 'oauth2' && def.auth.kind !== 'oauth1a') {
      const fields = Object.fromEntries(
        [...(def.connectionConfig ?? []), ...def.auth.fields].map((f) => [
          f.name,
          exposed(sb, f.name) ?? (f.isUrl ? siteUrl : ''),
        ]),
      );
      notes.push(
        `${def.displayName}: ${Object.entries(fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            '  ',
          )}${typedSite ? `  (this URL is the sandbox; any other ${typedSite} is used as typed)` : '  (always the sandbox in demo mode)'}`,
      );
    } else if (def.connectionConfig?.some((f) => !f.optional && !f.header)) {
      const fields = (def.connectionConfig ?? [])
        .filter((f) => !f.optional && !f.header)
        .map((f) => `${f.name}=${exposed(sb, f.name) ?? ''}`);
      notes.push(`${def.displayName}: ${fields.join('  ')}`);
    }
  }
  log.info({ sandboxes: [...running.keys()] }, 'demo mode: platform sandboxes started in-process');
  return {
    apps: next,
    notes,
    siteHosts,
    running,
    async close() {
      await Promise.all([...running.values()].map((s) => s.close()));
    },
  };
}

/** A value a sandbox exposes beside its URL (a site URL, a username, a token), as the text to type. */
function exposed(sb: Record<string, unknown>, name: string): string | undefined {
  const v = sb[name];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** The label of a provider's user-typed site URL, when its API base is built from it (not a fixed host like Wix's). */
function typedSiteUrl(id: ProviderId): string | undefined {
  const def = providers[id];
  const field = def.connectionConfig?.find((f) => f.isUrl && !f.urlTemplate && def.api.baseUrl.includes(`{${f.name}}`));
  return field?.label.toLowerCase();
}

/** Host patterns that a definition's name fields stand for: `https://{value}.example.com` → `*.example.com`. */
function templateHosts(def: ProviderDefinition): string[] {
  return (def.connectionConfig ?? []).flatMap((f) => {
    const m = f.urlTemplate ? /^https?:\/\/\{value\}\.([^/:]+)/.exec(f.urlTemplate) : null;
    return m ? [`*.${m[1]}`] : [];
  });
}
