/**
 * `adGroups:mutate` and `adGroupAds:mutate`, the status side: update (status, name) and remove.
 * Creating ad groups and ads is not simulated (a create operation is refused as unsupported).
 * Children of a removed campaign keep their own status but can no longer be changed.
 */
import {
  blankName,
  checkKnown,
  enumValue,
  fail,
  checkMask,
  notFound,
  removedResource,
  required,
  removedByUpdate,
  type At,
  type Checked,
  type MutateService,
} from './mutate-kit.ts';
import type { Ad, AdGroup, GoogleWorld } from './world.ts';

const STATUSES = ['ENABLED', 'PAUSED', 'REMOVED'];

const unsupported = (at: At): Checked =>
  fail(at, 'mutateError', 'MUTATE_NOT_ALLOWED', 'Creating this resource is not simulated by the sandbox.');

function campaignRemoved(world: GoogleWorld, campaignId: string): boolean {
  return world.campaigns.find((c) => c.id === campaignId)?.status === 'REMOVED';
}

function groupOf(world: GoogleWorld, customerId: string, name: unknown): AdGroup | undefined {
  const m = typeof name === 'string' ? /^customers\/(\d+)\/adGroups\/(\d+)$/.exec(name) : null;
  return m && m[1] === customerId
    ? world.adGroups.find((g) => g.id === m[2] && g.customerId === customerId)
    : undefined;
}

function adOf(world: GoogleWorld, customerId: string, name: unknown): Ad | undefined {
  const m = typeof name === 'string' ? /^customers\/(\d+)\/adGroupAds\/(\d+)~(\d+)$/.exec(name) : null;
  return m && m[1] === customerId
    ? world.ads.find((a) => a.adGroupId === m[2] && a.id === m[3] && a.customerId === customerId)
    : undefined;
}

/** Status (and, for ad groups, name) updates; both kinds share the same rules. */
function statusUpdate<T extends { status: 'ENABLED' | 'PAUSED' | 'REMOVED'; campaignId: string }>(
  svc: MutateService,
  target: T | undefined,
  body: Record<string, unknown>,
  mask: string[],
  at: At,
  enumName: string,
  other: readonly string[],
  parentRemoved: (t: T) => boolean,
  name: (t: T) => string,
  rename?: (t: T, n: string) => void,
): Checked {
  checkKnown(svc, body, at);
  if (!target) return notFound(at, String(body['resourceName']));
  const status = enumValue(body, 'status', STATUSES, enumName, at);
  if (target.status === 'REMOVED' || parentRemoved(target)) return removedResource(at);
  const maskError = checkMask(at, mask, rename ? ['status', 'name'] : ['status'], other);
  if (maskError) return maskError;
  if (mask.includes('status') && !status) return required(at, 'status');
  if (status === 'REMOVED') return removedByUpdate(at);
  const newName = body['name'];
  if (mask.includes('name') && (typeof newName !== 'string' || !newName.trim())) {
    return blankName(at);
  }
  return {
    ok: true,
    apply() {
      if (status) target.status = status as T['status'];
      if (rename && mask.includes('name')) rename(target, String(newName));
      return name(target);
    },
  };
}

export const adGroupService: MutateService = {
  message: 'resources.AdGroup',
  fields: ['resourceName', 'id', 'name', 'status', 'campaign', 'type', 'cpcBidMicros'],
  create: (_w, _c, _b, at) => unsupported(at),
  update(world, customerId, body, mask, at) {
    return statusUpdate(
      this,
      groupOf(world, customerId, body['resourceName']),
      body,
      mask,
      at,
      'AdGroupStatusEnum.AdGroupStatus',
      ['campaign', 'type', 'id'],
      (g) => campaignRemoved(world, g.campaignId),
      (g) => `customers/${customerId}/adGroups/${g.id}`,
      (g, n) => {
        g.name = n;
      },
    );
  },
  remove(world, customerId, name, at) {
    const g = groupOf(world, customerId, name);
    if (!g) return notFound(at, name);
    if (g.status === 'REMOVED' || campaignRemoved(world, g.campaignId)) return removedResource(at);
    return { ok: true, apply: () => ((g.status = 'REMOVED'), name) };
  },
};

export const adGroupAdService: MutateService = {
  message: 'resources.AdGroupAd',
  fields: ['resourceName', 'status', 'adGroup', 'ad', 'policySummary'],
  create: (_w, _c, _b, at) => unsupported(at),
  update(world, customerId, body, mask, at) {
    const ad = adOf(world, customerId, body['resourceName']);
    const groupRemoved = (a: Ad) => world.adGroups.find((g) => g.id === a.adGroupId)?.status === 'REMOVED';
    return statusUpdate(
      this,
      ad,
      body,
      mask,
      at,
      'AdGroupAdStatusEnum.AdGroupAdStatus',
      ['ad', 'ad_group'],
      (a) => campaignRemoved(world, a.campaignId) || groupRemoved(a),
      (a) => `customers/${customerId}/adGroupAds/${a.adGroupId}~${a.id}`,
    );
  },
  remove(world, customerId, name, at) {
    const a = adOf(world, customerId, name);
    if (!a) return notFound(at, name);
    if (a.status === 'REMOVED' || campaignRemoved(world, a.campaignId)) return removedResource(at);
    return { ok: true, apply: () => ((a.status = 'REMOVED'), name) };
  },
};
