/**
 * How an entity's status and audit stamps change, shared by the API writes and the test remote:
 * creatives carry `intendedStatus` and `lastModifiedAt`, groups and campaigns `status` and
 * `changeAuditStamps`. A group or campaign being removed takes what sits under it along.
 */
import type { LinkedInWorld } from './world.ts';

export const GONE = new Set(['PENDING_DELETION', 'REMOVED']);

type Entity = Record<string, unknown>;

export const statusKey = (e: Entity): 'intendedStatus' | 'status' =>
  'intendedStatus' in e ? 'intendedStatus' : 'status';

export function touch(e: Entity, now: number): void {
  if ('lastModifiedAt' in e) {
    e['lastModifiedAt'] = now;
    return;
  }
  (e['changeAuditStamps'] as { lastModified: { time: number } }).lastModified = { time: now };
}

/** Whether the creative is delivering: it and its campaign both active. */
export function refreshServing(world: LinkedInWorld): void {
  const active = new Set(
    world.campaigns.filter((c) => c.status === 'ACTIVE').map((c) => `urn:li:sponsoredCampaign:${c.id}`),
  );
  for (const c of world.creatives) c.isServing = c.intendedStatus === 'ACTIVE' && active.has(c.campaign);
}

function removeOne(e: Entity, status: string, now: number): void {
  if (GONE.has(String(e[statusKey(e)]))) return;
  e[statusKey(e)] = status;
  if ('isServing' in e) e['isServing'] = false;
  touch(e, now);
}

/** Sets `status` (PENDING_DELETION or REMOVED) on a group or campaign and on everything under it. */
export function removeTree(world: LinkedInWorld, e: Entity, status: string, now: number): void {
  removeOne(e, status, now);
  const isGroup = (world.groups as unknown[]).includes(e);
  const campaigns = isGroup
    ? world.campaigns.filter((c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${String(e['id'])}`)
    : 'campaignGroup' in e
      ? [e as unknown as LinkedInWorld['campaigns'][number]]
      : [];
  for (const c of campaigns) removeOne(c as unknown as Entity, status, now);
  const urns = new Set(campaigns.map((c) => `urn:li:sponsoredCampaign:${c.id}`));
  for (const c of world.creatives) if (urns.has(c.campaign)) removeOne(c as unknown as Entity, status, now);
}
