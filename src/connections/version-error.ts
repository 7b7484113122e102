import type { Clock } from '../core/clock.ts';
import type { PlexusError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';

/** What a connection shows after its platform refused the API version (`provider.version_sunset`). */
export interface ApiVersionError {
  code: 'provider.version_sunset';
  message: string;
  version: string;
  seen_at: string;
}

interface Deps {
  db: Database;
  clock: Clock;
}

export async function recordVersionError(
  deps: Deps,
  orgId: string,
  connectionId: string,
  version: string,
  err: PlexusError,
): Promise<void> {
  const value: ApiVersionError = {
    code: 'provider.version_sunset',
    message: err.message.slice(0, 500),
    version,
    seen_at: deps.clock.now().toISOString(),
  };
  await withOrgTx(deps.db.app, orgId, (c) =>
    c.query('update connections set api_version_error = $3, updated_at = now() where org_id = $1 and id = $2', [
      orgId,
      connectionId,
      JSON.stringify(value),
    ]),
  );
}

export async function clearVersionError(deps: Deps, orgId: string, connectionId: string): Promise<void> {
  await withOrgTx(deps.db.app, orgId, (c) =>
    c.query(
      'update connections set api_version_error = null, updated_at = now() where org_id = $1 and id = $2 and api_version_error is not null',
      [orgId, connectionId],
    ),
  );
}
