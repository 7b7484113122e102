/**
 * Daily ad-level insights for one ad account over the run's window, as resumable pages
 * (ads.md §1.5). A history backfill (a window longer than the look-back) runs as an async
 * report job: its size grows with the account's history, and Meta's synchronous read times
 * out on large reads (100/1504018). The routine look-back re-pull is small and reads
 * synchronously, which saves a job's queueing and polling on every sync; a synchronous read
 * that still times out moves to a job.
 *
 * Every step is a cursor (JSON) the engine saves with the page: the job's id while polling, so
 * a worker killed while waiting resumes polling the same job, and the job's id plus the
 * results cursor while reading. A job that ends "Job Failed" or "Job Skipped", or has expired,
 * is created again.
 */
import { isPlexusError, plexusError } from '../../core/errors.ts';
import type { AdsSyncContext, Page } from '../contracts/ads.ts';
import { daysBetween } from '../kit/account-time.ts';
import { graphCall, graphPage } from './graph-read.ts';

type Cursor =
  /** Paging a synchronous read. */
  | { sync: string }
  /** Waiting for a report job: polls so far, and jobs created after failures. */
  | { report: string; polls: number; tries: number }
  /** Paging a completed job's rows. */
  | { report: string; tries: number; after: string }
  /** A job to create again, after a pause that followed repeated failures. */
  | { restart: true; tries: number };

const PAGE_SIZE = '1000';
// Polls back off from a quarter second to ten seconds: small jobs finish in a few seconds,
// big ones in minutes, and each poll is a call against the account's insights quota.
const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 10_000;
// A job still not done after this many polls (about half an hour) is taken for stuck.
const MAX_POLLS = 200;
// After this many failed jobs in a row, pause before the next (the engine hands a pause this
// long back to the job queue) rather than hammer a platform that keeps failing the report.
const MAX_TRIES = 3;
const FAILED_PAUSE_MS = 10 * 60_000;

export const INSIGHTS_FIELDS = 'ad_id,impressions,clicks,spend,actions,date_start';

/** Whether a fresh pull of this window starts as an async report job. */
export function startsAsReport(s: AdsSyncContext, lookbackDays: number): boolean {
  const days = daysBetween(s.since, s.until) + 1;
  return days > lookbackDays + 1;
}

export async function insightsPage<Row>(
  s: AdsSyncContext,
  accountId: string,
  cursor: string | null,
  lookbackDays: number,
): Promise<Page<Row>> {
  const c = decode(cursor);
  if (c === null)
    return startsAsReport(s, lookbackDays) ? createReport<Row>(s, accountId, 0) : syncPage<Row>(s, accountId, null);
  if ('sync' in c) return syncPage<Row>(s, accountId, c.sync);
  if ('restart' in c) return createReport<Row>(s, accountId, c.tries);
  if ('after' in c) return reportRows<Row>(s, accountId, c.report, c.tries, c.after);
  return poll<Row>(s, accountId, c);
}

function params(s: AdsSyncContext): Record<string, string> {
  return {
    level: 'ad',
    time_increment: '1',
    time_range: JSON.stringify({ since: s.since, until: s.until }),
    fields: INSIGHTS_FIELDS,
  };
}

async function syncPage<Row>(s: AdsSyncContext, accountId: string, after: string | null): Promise<Page<Row>> {
  try {
    const page = await graphPage<Row>(s, `/${accountId}/insights`, { ...params(s), limit: PAGE_SIZE }, after);
    return { records: page.records, next: page.next ? encode({ sync: page.next }) : null };
  } catch (err) {
    // ads.md §1.5: 100/1504018 is a synchronous read that timed out; Meta's answer is a job.
    if (graphCode(err).subcode === 1504018) return createReport<Row>(s, accountId, 0);
    throw err;
  }
}

async function createReport<Row>(s: AdsSyncContext, accountId: string, tries: number): Promise<Page<Row>> {
  const res = await graphCall(s, 'POST', `/${accountId}/insights`, params(s));
  const id = (res.body as { report_run_id?: string | number } | undefined)?.report_run_id;
  if (id === undefined)
    throw plexusError('provider.unavailable', {
      message: 'Meta answered an insights job request without a report_run_id.',
    });
  return waiting(String(id), 0, tries);
}

async function poll<Row>(
  s: AdsSyncContext,
  accountId: string,
  c: { report: string; polls: number; tries: number },
): Promise<Page<Row>> {
  let status: string | undefined;
  try {
    const res = await graphCall(s, 'GET', `/${c.report}`, { fields: 'id,async_status,async_percent_completion' });
    status = (res.body as { async_status?: string } | undefined)?.async_status;
  } catch (err) {
    // The job is gone (results expire, e.g. after a worker was down for long): make a new one.
    if (isPlexusError(err) && err.code === 'provider.not_found') return createReport<Row>(s, accountId, c.tries);
    throw err;
  }
  if (status === 'Job Completed') return reportRows<Row>(s, accountId, c.report, c.tries, null);
  if (status === 'Job Failed' || status === 'Job Skipped' || c.polls >= MAX_POLLS)
    return failed<Row>(s, accountId, c.tries + 1);
  return waiting(c.report, c.polls + 1, c.tries);
}

async function reportRows<Row>(
  s: AdsSyncContext,
  accountId: string,
  report: string,
  tries: number,
  after: string | null,
): Promise<Page<Row>> {
  try {
    const page = await graphPage<Row>(s, `/${report}/insights`, { limit: PAGE_SIZE }, after);
    return { records: page.records, next: page.next ? encode({ report, tries, after: page.next }) : null };
  } catch (err) {
    if (isPlexusError(err) && err.code === 'provider.not_found') return createReport<Row>(s, accountId, tries);
    // ads.md §1.5: -2/2490547 is "async report failed".
    if (graphCode(err).subcode === 2490547) return failed<Row>(s, accountId, tries + 1);
    throw err;
  }
}

async function failed<Row>(s: AdsSyncContext, accountId: string, tries: number): Promise<Page<Row>> {
  if (tries < MAX_TRIES) return createReport<Row>(s, accountId, tries);
  return { records: [], next: encode({ restart: true, tries }), waitMs: FAILED_PAUSE_MS };
}

function waiting<Row>(report: string, polls: number, tries: number): Page<Row> {
  return {
    records: [],
    next: encode({ report, polls, tries }),
    waitMs: Math.min(POLL_MAX_MS, POLL_FIRST_MS * 2 ** polls),
  };
}

function graphCode(err: unknown): { code?: number; subcode?: number } {
  return isPlexusError(err) && err.details && typeof err.details === 'object' ? err.details : {};
}

const encode = (c: Cursor): string => JSON.stringify(c);

/** Cursors are JSON; a bare string is a synchronous read's `after` cursor from an older run. */
function decode(cursor: string | null): Cursor | null {
  if (cursor === null) return null;
  if (!cursor.startsWith('{')) return { sync: cursor };
  return JSON.parse(cursor) as Cursor;
}
