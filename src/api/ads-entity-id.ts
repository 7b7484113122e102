import { plexusError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import type { AdLevel } from '../providers/contracts/ads.ts';

const AD_LEVELS: ReadonlySet<string> = new Set<AdLevel>(['account', 'campaign', 'ad_group', 'ad']);

/** Stable ids for API clients: `(connection, level, platform id)` in one opaque string. */
export function encodeAdsEntityId(connectionId: string, level: string, platformId: string): string {
  return Buffer.from(`${connectionId}|${level}|${platformId}`).toString('base64url');
}

/** The parts of an id from `encodeAdsEntityId`; any other string names nothing (404). */
export function decodeAdsEntityId(id: string): { connectionId: string; level: AdLevel; platformId: string } {
  const [connectionId, level, platformId] = Buffer.from(id, 'base64url').toString('utf8').split('|');
  // Ids are opaque to callers: one that does not decode to (uuid, level, platform id) names nothing.
  if (
    !isUuid(connectionId) ||
    !level ||
    !AD_LEVELS.has(level) ||
    !platformId ||
    platformId.length > 200 ||
    platformId.includes('\u0000')
  ) {
    throw plexusError('not_found', {
      message: 'No such ads object.',
      details: [{ path: 'id', in: 'params', message: 'not an ads object id from this API' }],
    });
  }
  return { connectionId, level: level as AdLevel, platformId };
}
