/**
 * Campaign, ad set and ad listings for the sync (ads.md §1.3), in full or only what changed.
 *
 * A full listing asks for every effective status but DELETED: what it does not return is gone.
 * A changed-only listing filters on `updated_time` and asks for every status, DELETED and
 * ARCHIVED included, so deletions come back as records. Meta does not move a child's
 * `updated_time` when its effective status follows a parent (an ad becomes CAMPAIGN_PAUSED when
 * its campaign is paused), so after the changed objects themselves it re-lists the children of
 * parents that changed. Cursors are JSON and resumable.
 */
import type { AdLevel, AdsSyncContext, Page } from '../contracts/ads.ts';
import { graphAll, graphPage } from './graph-read.ts';

type Level = Exclude<AdLevel, 'account'>;
type ParentField = 'campaign.id' | 'adset.id';

export const EDGE: Record<Level, { edge: string; fields: string; parent: string | null }> = {
  campaign: {
    edge: 'campaigns',
    fields: 'id,name,status,effective_status,objective,daily_budget,lifetime_budget,start_time,stop_time,updated_time',
    parent: null,
  },
  ad_group: {
    edge: 'adsets',
    fields: 'id,name,status,effective_status,campaign_id,daily_budget,lifetime_budget,start_time,end_time,updated_time',
    parent: 'campaign_id',
  },
  ad: { edge: 'ads', fields: 'id,name,status,effective_status,adset_id,campaign_id,updated_time', parent: 'adset_id' },
};

// ads.md §1.3: the effective_status values of each level.
const CAMPAIGN_STATUSES = ['ACTIVE', 'PAUSED', 'DELETED', 'ARCHIVED', 'IN_PROCESS', 'WITH_ISSUES'];
const STATUSES: Record<Level, readonly string[]> = {
  campaign: CAMPAIGN_STATUSES,
  ad_group: [...CAMPAIGN_STATUSES, 'CAMPAIGN_PAUSED'],
  ad: [
    'ACTIVE',
    'ADSET_PAUSED',
    'ARCHIVED',
    'CAMPAIGN_PAUSED',
    'DELETED',
    'DISAPPROVED',
    'IN_PROCESS',
    'PAUSED',
    'PENDING_BILLING_INFO',
    'PENDING_REVIEW',
    'PREAPPROVED',
    'WITH_ISSUES',
  ],
};

// Which parents' changes reach a level's effective status.
const PARENTS: Record<Level, readonly { field: ParentField; level: Level }[]> = {
  campaign: [],
  ad_group: [{ field: 'campaign.id', level: 'campaign' }],
  ad: [
    { field: 'campaign.id', level: 'campaign' },
    { field: 'adset.id', level: 'ad_group' },
  ],
};

const PAGE_SIZE = '100';
// Parent ids per `IN` filter: keeps each request's URL short.
const IDS_PER_FILTER = 50;

type Cursor = { own: string } | { parents: { field: ParentField; ids: string[] }[]; after: string | null };

export type GraphObject = Record<string, string | undefined> & { id: string };

/** One page of a level's objects under an ad account: all of them, or those changed since `s.changedSince`. */
export async function entityPage(
  s: AdsSyncContext,
  level: Level,
  accountId: string,
  cursor: string | null,
): Promise<Page<GraphObject>> {
  const path = `/${accountId}/${EDGE[level].edge}`;
  const base = { fields: EDGE[level].fields, limit: PAGE_SIZE };
  if (!s.changedSince) {
    return graphPage<GraphObject>(
      s,
      path,
      { ...base, effective_status: JSON.stringify(STATUSES[level].filter((x) => x !== 'DELETED')) },
      cursor,
    );
  }
  const since = Math.floor(Date.parse(s.changedSince) / 1000);
  const all = { ...base, effective_status: JSON.stringify(STATUSES[level]) };
  const c = cursor === null ? null : (JSON.parse(cursor) as Cursor);

  if (c === null || 'own' in c) {
    const page = await graphPage<GraphObject>(
      s,
      path,
      { ...all, filtering: JSON.stringify([{ field: 'updated_time', operator: 'GREATER_THAN', value: since }]) },
      c?.own ?? null,
    );
    if (page.next) return { records: page.records, next: JSON.stringify({ own: page.next } satisfies Cursor) };
    const parents = await changedParents(s, level, accountId, since);
    return {
      records: page.records,
      next: parents.length ? JSON.stringify({ parents, after: null } satisfies Cursor) : null,
    };
  }

  const [head, ...rest] = c.parents;
  if (!head) return { records: [], next: null };
  const ids = head.ids.slice(0, IDS_PER_FILTER);
  const page = await graphPage<GraphObject>(
    s,
    path,
    { ...all, filtering: JSON.stringify([{ field: head.field, operator: 'IN', value: ids }]) },
    c.after,
  );
  if (page.next)
    return { records: page.records, next: JSON.stringify({ parents: c.parents, after: page.next } satisfies Cursor) };
  const left = head.ids.slice(IDS_PER_FILTER);
  const remaining = left.length ? [{ field: head.field, ids: left }, ...rest] : rest;
  return {
    records: page.records,
    next: remaining.length ? JSON.stringify({ parents: remaining, after: null } satisfies Cursor) : null,
  };
}

/** Ids of the parents (campaigns, ad sets) changed since `since`, per filter field. */
async function changedParents(
  s: AdsSyncContext,
  level: Level,
  accountId: string,
  since: number,
): Promise<{ field: ParentField; ids: string[] }[]> {
  const out: { field: ParentField; ids: string[] }[] = [];
  for (const p of PARENTS[level]) {
    const rows = await graphAll<{ id: string }>(s, `/${accountId}/${EDGE[p.level].edge}`, {
      fields: 'id',
      limit: '500',
      effective_status: JSON.stringify(STATUSES[p.level]),
      filtering: JSON.stringify([{ field: 'updated_time', operator: 'GREATER_THAN', value: since }]),
    });
    if (rows.length) out.push({ field: p.field, ids: rows.map((r) => r.id) });
  }
  return out;
}
