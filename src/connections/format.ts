import type { ConnectionRow } from './repo.ts';

/** A connection as the API shows it: status, scopes, expiry and refresh state; never credentials. */
export function formatConnection(r: ConnectionRow) {
  return {
    id: r.id,
    provider: r.provider,
    status: r.status,
    display_name: r.display_name,
    external_account_id: r.external_account_id,
    end_user_ref: r.end_user_ref,
    config: r.config,
    scopes: r.scopes,
    expires_at: r.expires_at,
    refresh_expires_at: r.refresh_expires_at,
    next_refresh_at: r.next_refresh_at,
    last_refreshed_at: r.last_refreshed_at,
    last_refresh_error: r.last_refresh_error,
    sync_interval_minutes: r.sync_interval_minutes,
    conflict_policy: r.conflict_policy,
    last_sync_at: r.last_sync_at,
    api_version_error: r.api_version_error,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
