import type { Queryable } from '../db/pool.ts';

/** An org's portal settings: branding, and which origins may frame the portal. */
export interface PortalSettings {
  allowed_origins: string[];
  display_name: string | null;
  logo_url: string | null;
  accent_color: string | null;
}

const NONE: PortalSettings = { allowed_origins: [], display_name: null, logo_url: null, accent_color: null };

export async function getPortalSettings(c: Queryable, orgId: string): Promise<PortalSettings> {
  const { rows } = await c.query<PortalSettings>(
    'select allowed_origins, display_name, logo_url, accent_color from org_portal_settings where org_id = $1',
    [orgId],
  );
  return rows[0] ?? NONE;
}

/** Changes the given fields (a null clears one) and returns the settings after the change. */
export async function updatePortalSettings(
  c: Queryable,
  orgId: string,
  change: Partial<PortalSettings>,
): Promise<PortalSettings> {
  const next = { ...(await getPortalSettings(c, orgId)), ...change };
  const { rows } = await c.query<PortalSettings>(
    `insert into org_portal_settings (org_id, allowed_origins, display_name, logo_url, accent_color) values ($1, $2, $3, $4, $5)
     on conflict (org_id) do update set allowed_origins = excluded.allowed_origins, display_name = excluded.display_name,
       logo_url = excluded.logo_url, accent_color = excluded.accent_color, updated_at = now()
     returning allowed_origins, display_name, logo_url, accent_color`,
    [orgId, next.allowed_origins, next.display_name, next.logo_url, next.accent_color],
  );
  return rows[0]!;
}

/** The CSP `frame-ancestors` source list: the portal's own origin and the org's allowed origins. */
export function frameAncestors(settings: Pick<PortalSettings, 'allowed_origins'> | undefined): string {
  return ["'self'", ...(settings?.allowed_origins ?? [])].join(' ');
}
