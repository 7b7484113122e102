import type { Row } from '../../shared/api.ts';

type Connection = Row<'/v1/connections'>;

/**
 * A list row's health without a diagnostics call per row: failing when the connection cannot
 * work (needs reconnecting, error), degraded when its last refresh failed or the platform
 * refuses the API version, healthy otherwise. The connection's page shows the full diagnostics.
 */
export function listHealth(c: Connection): 'healthy' | 'degraded' | 'failing' | 'pending' {
  if (c.status === 'pending') return 'pending';
  if (c.status !== 'active') return 'failing';
  if (c.last_refresh_error || c.api_version_error) return 'degraded';
  return 'healthy';
}

export const connectionName = (c: Pick<Connection, 'display_name' | 'external_account_id' | 'provider' | 'id'>) =>
  c.display_name ?? c.external_account_id ?? `${c.provider} ${c.id.slice(0, 8)}`;
