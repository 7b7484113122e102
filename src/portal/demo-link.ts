import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';
import { PORTAL_SECTIONS } from './sections.ts';
import { createPortalSession } from './store.ts';

/** The demo's link stays usable for a day (a person reads the banner later), then signs in once for 8 hours. */
const DEMO_ENTER_TTL_SECONDS = 86_400;
const DEMO_LIFETIME_SECONDS = 8 * 3600;

/**
 * A portal link for the demo banner: a manage session of the oldest organisation (the demo
 * organisation), so `npm start` shows the portal in one click. Demo mode only.
 */
export async function demoPortalLink(db: Database, publicUrl: string): Promise<string | undefined> {
  const org = (await db.owner.query<{ id: string }>('select id from orgs order by created_at, id limit 1')).rows[0];
  if (!org) return undefined;
  const { enterToken } = await withOrgTx(db.app, org.id, (c) =>
    createPortalSession(
      c,
      org.id,
      {
        mode: 'manage',
        sections: [...PORTAL_SECTIONS],
        endUserRef: 'demo',
        lifetimeSeconds: DEMO_LIFETIME_SECONDS,
        keyId: null,
        enterTtlSeconds: DEMO_ENTER_TTL_SECONDS,
      },
      new Date(),
    ),
  );
  return `${publicUrl.replace(/\/$/, '')}/portal/enter?token=${encodeURIComponent(enterToken)}`;
}
