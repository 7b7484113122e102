import type { Pool } from '../db/pool.ts';
import { withOrgTx } from '../db/tx.ts';
import { getPortalSettings } from './settings.ts';

/** How an org's pages look: its name, logo and accent colour. */
export interface Branding {
  name: string;
  logoUrl?: string | null;
  accent?: string | null;
}

/** The org's name, logo and accent on its connect pages: its portal settings, else its name (read in the org's RLS context). */
export async function loadBranding(app: Pool, orgId: string): Promise<Branding> {
  return withOrgTx(app, orgId, async (c) => {
    const { rows } = await c.query<{ name: string }>('select name from orgs where id = $1', [orgId]);
    const s = await getPortalSettings(c, orgId);
    return { name: s.display_name ?? rows[0]?.name ?? '', logoUrl: s.logo_url, accent: s.accent_color };
  });
}
