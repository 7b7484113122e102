/**
 * X daily metrics through asynchronous analytics jobs (ads.md §5.5): create a job per 20
 * promoted tweets and ≤90-day chunk, poll them together until SUCCESS, download the gzipped
 * JSON from `url`. Every step is one sync page whose cursor carries the jobs' ids and state, so
 * a worker that dies while a job is processing resumes polling that job instead of creating
 * another. A FAILED (or vanished, or expired) job is replaced by a new one, a few times at most.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { plexusError } from '../../core/errors.ts';
import type { AdEntityRecord, AdMetricRecord, AdsSyncContext, Page } from '../contracts/ads.ts';
import { adDay } from '../kit/ad-records.ts';
import { addDays, daysBetween, offsetMinutes } from '../kit/account-time.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { classifyHttp } from '../kit/errors.ts';

const unzip = promisify(gunzip);

// ads.md §5.5: ≤20 entity_ids per job, ≤90 days non-segmented, ≤200 job_ids per status call,
// ≤100 jobs processing per account. A wave is one page of promoted tweets: 200 ids make 10
// jobs per 90-day chunk, well under the concurrency limit for any history we pull.
const IDS_PER_JOB = 20;
const DAYS_PER_JOB = 90;
const WAVE = 200;
/** Jobs per chunk tried before the run gives up on the report. */
const MAX_TRIES = 3;
// Statuses that end a job without results; anything else that is not SUCCESS is still on its way.
const FAILED = new Set(['FAILED', 'CANCELLED', 'EXPIRED']);

interface JobState {
  ids: string[];
  from: string;
  /** Exclusive end date. */
  to: string;
  /** The platform's job id (`id_str`), once created. */
  job: string | null;
  /** The result file, once the job succeeded. */
  url: string | null;
  tries: number;
  done: boolean;
}

export interface ReportCursor {
  /** promoted_tweets cursor of this wave's id page (null: the first). */
  page: string | null;
  /** The page after it; undefined until this wave's page has been read. */
  nextPage?: string | null;
  jobs: JobState[];
  /** Status calls since a job last moved, for the wait between them. */
  polls: number;
}

type Metrics = Record<string, Array<number | null> | null | undefined>;
interface StatsFile {
  data?: Array<{ id: string; id_data?: Array<{ metrics?: Metrics }> }>;
}

const micros = (v: unknown): bigint => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : 0n);

/** The account's midnight of a date as X wants it: whole UTC hours with today's offset (ads.md §5.5). */
export function accountMidnight(date: string, tz: string, nowMs: number): string {
  const off = offsetMinutes(tz, nowMs);
  return new Date(Date.parse(`${date}T00:00:00Z`) - off * 60_000).toISOString().replace('.000Z', 'Z');
}

/** Waits between status calls: 2 s doubling to 30 s, short enough to be waited out in place. */
export function pollWaitMs(polls: number): number {
  return Math.min(30_000, 2000 * 2 ** Math.max(0, polls - 1));
}

function plan(ids: string[], since: string, until: string): JobState[] {
  const end = addDays(until, 1);
  const jobs: JobState[] = [];
  for (let from = since; from < end; from = addDays(from, DAYS_PER_JOB)) {
    const to = daysBetween(from, end) > DAYS_PER_JOB ? addDays(from, DAYS_PER_JOB) : end;
    for (let i = 0; i < ids.length; i += IDS_PER_JOB)
      jobs.push({ ids: ids.slice(i, i + IDS_PER_JOB), from, to, job: null, url: null, tries: 0, done: false });
  }
  return jobs;
}

function retry(j: JobState, why: string): void {
  if (j.tries + 1 >= MAX_TRIES) {
    // Not transient any more: the run fails and the next sync starts over with fresh jobs.
    throw plexusError('provider.invalid_request', {
      message: `X could not produce the stats report for ${j.from}..${j.to} (${MAX_TRIES} jobs ${why}).`,
      details: { job_id: j.job, entity_ids: j.ids },
    });
  }
  Object.assign(j, { job: null, url: null, tries: j.tries + 1 });
}

async function createJob(s: AdsSyncContext, account: AdEntityRecord, j: JobState): Promise<string> {
  const tz = account.timeZone ?? 'UTC';
  const now = s.ctx.clock.now().getTime();
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, `/stats/jobs/accounts/${account.platformId}`),
    form: new URLSearchParams({
      entity: 'PROMOTED_TWEET',
      entity_ids: j.ids.join(','),
      granularity: 'DAY',
      metric_groups: 'ENGAGEMENT,BILLING',
      placement: 'ALL_ON_TWITTER',
      start_time: accountMidnight(j.from, tz, now),
      end_time: accountMidnight(j.to, tz, now),
    }),
  });
  // The numeric `id` is past 2^53; only `id_str` is exact.
  const id = (res.body as { data?: { id_str?: string } }).data?.id_str;
  if (!id) throw plexusError('provider.unavailable', { message: 'X accepted a stats job without an id_str.' });
  return id;
}

/** The result file's rows, or undefined when the file is gone (expired url): the job is then redone. */
async function download(
  s: AdsSyncContext,
  account: AdEntityRecord,
  j: JobState,
): Promise<AdMetricRecord[] | undefined> {
  // A capability URL on ton.twimg.com: no OAuth, and gzip bytes as the body (not a Content-Encoding).
  const res = await s.ctx.http.send({
    method: 'GET',
    url: j.url ?? '',
    binary: true,
    headers: { accept: 'application/gzip, application/json' },
  });
  if (res.status === 403 || res.status === 404 || res.status === 410) return undefined;
  const err = classifyHttp(res);
  if (err) throw err;
  const bytes = res.bytes ?? Buffer.alloc(0);
  // Gzip magic bytes; a proxy that already decoded it hands over plain JSON.
  const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? (await unzip(bytes)).toString('utf8') : bytes.toString('utf8');
  const file = JSON.parse(text) as StatsFile;
  const records: AdMetricRecord[] = [];
  const days = daysBetween(j.from, j.to);
  for (const d of file.data ?? []) {
    const m = d.id_data?.[0]?.metrics ?? {};
    const at = (k: string, i: number) => m[k]?.[i] ?? 0;
    for (let i = 0; i < days; i++) {
      // No delivery, no row (as other platforms report it).
      if (!at('impressions', i) && !at('clicks', i) && !at('billed_charge_local_micro', i)) continue;
      records.push(
        adDay(account, d.id, addDays(j.from, i), {
          impressions: at('impressions', i),
          clicks: at('clicks', i),
          spendMicros: micros(at('billed_charge_local_micro', i)),
          // Conversions need the WEB_CONVERSION group, which this pull does not request.
          conversions: 0,
        }),
      );
    }
  }
  return records;
}

/** One step of the job flow for an account: plan, create, poll or download. */
export async function reportStep(
  s: AdsSyncContext,
  account: AdEntityRecord,
  cursor: string | null,
  listIds: (page: string | null, count: number) => Promise<Page<{ id: string }>>,
): Promise<Page<AdMetricRecord>> {
  const c: ReportCursor = cursor ? (JSON.parse(cursor) as ReportCursor) : { page: null, jobs: [], polls: 0 };
  const again = (extra: Partial<Page<AdMetricRecord>> = {}): Page<AdMetricRecord> => ({
    records: [],
    next: JSON.stringify(c),
    ...extra,
  });

  if (c.nextPage === undefined) {
    const ids = await listIds(c.page, WAVE);
    c.nextPage = ids.next;
    c.jobs = plan(
      ids.records.map((r) => r.id),
      s.since,
      s.until,
    );
    c.polls = 0;
    return again();
  }
  const open = c.jobs.filter((j) => !j.done);
  if (open.length === 0)
    return {
      records: [],
      next: c.nextPage ? JSON.stringify({ page: c.nextPage, jobs: [], polls: 0 } satisfies ReportCursor) : null,
    };

  const ready = open.find((j) => j.url);
  if (ready) {
    const records = await download(s, account, ready);
    if (records === undefined) retry(ready, 'whose results expired');
    else ready.done = true;
    return { records: records ?? [], next: JSON.stringify(c) };
  }
  const unstarted = open.find((j) => !j.job);
  if (unstarted) {
    unstarted.job = await createJob(s, account, unstarted);
    c.polls = 0;
    return again();
  }

  const url = new URL(apiUrl(s.ctx, `/stats/jobs/accounts/${account.platformId}`));
  url.searchParams.set('job_ids', open.map((j) => j.job).join(','));
  url.searchParams.set('count', '200');
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
  const seen = new Map(
    ((res.body as { data?: Array<{ id_str?: string; status?: string; url?: string | null }> }).data ?? []).map((d) => [
      d.id_str ?? '',
      d,
    ]),
  );
  let moved = false;
  for (const j of open) {
    const d = seen.get(j.job ?? '');
    if (d?.status === 'SUCCESS' && d.url) {
      j.url = d.url;
      moved = true;
    } else if (!d || FAILED.has(d.status ?? '')) {
      // FAILED (or unknown to X any more): a new job for the same ids and days.
      retry(j, d ? `ended ${d.status ?? 'without a status'}` : 'vanished');
      moved = true;
    }
  }
  if (moved) {
    c.polls = 0;
    return again();
  }
  c.polls++;
  return again({ waitMs: pollWaitMs(c.polls) });
}
