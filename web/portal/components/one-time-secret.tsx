import type { PortalContext } from '../context.ts';

/**
 * A signing secret the API shows once (on create and rotate): kept in memory only until the
 * endpoint's page has shown it, then forgotten, never written to storage or the address.
 */
const pending = new Map<string, string>();

export function rememberSecret(endpointId: string, secret: string): void {
  pending.set(endpointId, secret);
}

export function takeSecret(endpointId: string): string | undefined {
  const s = pending.get(endpointId);
  pending.delete(endpointId);
  return s;
}

export function SecretPanel({ ctx, secret }: { ctx: PortalContext; secret: string }) {
  return (
    <div class="panel" role="status">
      <strong>{ctx.strings.webhooks.secret}</strong>
      <pre class="code" tabIndex={0}>
        {secret}
      </pre>
    </div>
  );
}
