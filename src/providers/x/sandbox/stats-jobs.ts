/**
 * X asynchronous analytics (ads.md §5.5): `POST /12/stats/jobs/accounts/:account_id` takes the
 * synchronous endpoint's params (plus `segmentation_type`; ≤90 days, ≤45 segmented) and answers
 * a job in `PROCESSING`; `GET /12/stats/jobs/accounts/:account_id?job_ids=` (≤200) reports it;
 * after a few polls it is `SUCCESS` with a `url` and `expires_at`, and the gzipped JSON file
 * (the synchronous body) is served at that url like ton.twimg.com serves it:
 * `content-type: application/gzip`, no Content-Encoding. At most 100 jobs per account process
 * at once (`x-concurrent-job-limit` headers). Tests can make the next jobs end in `FAILED`.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { adsError, paginate, type Guard } from './envelope.ts';
import type { XContext } from './context.ts';
import { checkStatsParams, statsBody } from './stats.ts';
import { xTime, type Account } from './world.ts';

export const TON_PATH = '/ton/advertiser-api-async-analytics';
const CONCURRENT_LIMIT = 100;
const RESULT_TTL_MS = 2 * 86_400_000;

export type JobStatus = 'PROCESSING' | 'SUCCESS' | 'FAILED';

export interface StatsJob {
  id: bigint;
  accountId: string;
  params: Record<string, string>;
  status: JobStatus;
  /** GETs that reported this job; it finishes when they reach the store's `pollsToFinish`. */
  polls: number;
  willFail: boolean;
  file: string | null;
  body: Buffer | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  downloads: number;
}

/** The jobs the sandbox has accepted, plus the knobs tests turn. */
export class StatsJobs {
  readonly all: StatsJob[] = [];
  #failNext = 0;
  #nextId = 1_120_829_647_711_653_888n;

  constructor(public pollsToFinish: number) {}

  /** The next `n` jobs created end in FAILED instead of SUCCESS (0 stops failing). */
  failNext(n: number): void {
    this.#failNext = n;
  }

  create(accountId: string, params: Record<string, string>, now: number): StatsJob {
    const willFail = this.#failNext > 0;
    if (willFail) this.#failNext--;
    const job: StatsJob = {
      id: this.#nextId,
      accountId,
      params,
      status: 'PROCESSING',
      polls: 0,
      willFail,
      file: null,
      body: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: null,
      downloads: 0,
    };
    // Snowflake-like: large, increasing, not consecutive.
    this.#nextId += 4_194_305n;
    this.all.push(job);
    return job;
  }

  processing(accountId: string): number {
    return this.all.filter((j) => j.accountId === accountId && j.status === 'PROCESSING').length;
  }

  clear(): void {
    this.all.length = 0;
    this.#failNext = 0;
  }
}

function list(v: string | undefined): string[] | null {
  return v === undefined || v === null ? null : v.split(',');
}

function jobJson(ctx: XContext, j: StatsJob): Record<string, unknown> {
  const p = j.params;
  return {
    start_time: p['start_time'],
    segmentation_type: p['segmentation_type'] ?? null,
    url: j.status === 'SUCCESS' && j.file ? `${ctx.baseUrl}${TON_PATH}/${j.file}` : null,
    id_str: j.id.toString(),
    entity_ids: list(p['entity_ids']),
    end_time: p['end_time'],
    country: p['country'] ?? null,
    placement: p['placement'],
    // The id is a 64-bit number on the wire; JSON numbers lose precision past 2^53, hence id_str.
    id: Number(j.id),
    expires_at: j.expiresAt === null ? null : xTime(j.expiresAt),
    account_id: j.accountId,
    status: j.status,
    granularity: p['granularity'],
    entity: p['entity'],
    created_at: xTime(j.createdAt),
    platform: p['platform'] ?? null,
    updated_at: xTime(j.updatedAt),
    metric_groups: list(p['metric_groups']),
  };
}

export function statsJobRoutes(r: Router, ctx: XContext, guard: Guard): void {
  const limitHeaders = (account: Account | undefined): Record<string, string> => ({
    'x-concurrent-job-limit': String(CONCURRENT_LIMIT),
    'x-concurrent-job-limit-remaining': String(Math.max(0, CONCURRENT_LIMIT - ctx.jobs.processing(account?.id ?? ''))),
  });
  const withLimits = (res: SandboxResponse, account: Account | undefined): SandboxResponse => ({
    ...res,
    headers: { ...limitHeaders(account), ...res.headers },
  });

  /** A poll moves a job along; the file is computed when it succeeds, from the data as it is then. */
  const advance = (j: StatsJob, account: Account | undefined): void => {
    if (j.status !== 'PROCESSING') return;
    j.polls++;
    if (j.polls < ctx.jobs.pollsToFinish) return;
    const now = ctx.now();
    j.updatedAt = now;
    if (j.willFail) {
      j.status = 'FAILED';
      return;
    }
    const q = checkStatsParams(ctx, account, j.params, 90, 'asynchronous analytics');
    if (!q.ok) {
      j.status = 'FAILED';
      return;
    }
    j.body = gzipSync(JSON.stringify(statsBody(ctx, account, q, { ...j.params, account_id: j.accountId })));
    j.file = `stats_job_${j.id}_${randomBytes(24).toString('base64url')}.json.gz`;
    j.expiresAt = now + RESULT_TTL_MS;
    j.status = 'SUCCESS';
  };

  r.add(
    'POST',
    '/:version/stats/jobs/accounts/:account_id',
    guard('statsJobs', 'stats_jobs', (_req: SandboxRequest, p, account) => {
      const echo = { ...p, account_id: account?.id };
      const segmented = p['segmentation_type'] !== undefined && p['segmentation_type'] !== '';
      const q = checkStatsParams(
        ctx,
        account,
        p,
        segmented ? 45 : 90,
        segmented ? 'segmented asynchronous analytics' : 'asynchronous analytics',
      );
      if (!q.ok) return withLimits(q.res, account);
      if (ctx.jobs.processing(account?.id ?? '') >= CONCURRENT_LIMIT) {
        return withLimits(
          adsError(
            429,
            'TOO_MANY_REQUESTS',
            `At most ${CONCURRENT_LIMIT} jobs may be processing at once for this account`,
            echo,
          ),
          account,
        );
      }
      const job = ctx.jobs.create(account?.id ?? '', { ...p }, ctx.now());
      return withLimits(json(200, { request: { params: echo }, data: jobJson(ctx, job) }), account);
    }),
  );

  r.add(
    'GET',
    '/:version/stats/jobs/accounts/:account_id',
    guard('accountReads', 'stats_jobs', (_req: SandboxRequest, p, account) => {
      const echo = { ...p, account_id: account?.id };
      const ids = p['job_ids']?.split(',');
      if (ids && ids.length > 200)
        return withLimits(
          adsError(400, 'INVALID_PARAMETER', 'Expected at most 200 job_ids', echo, { parameter: 'job_ids' }),
          account,
        );
      if (ids?.some((id) => !/^\d+$/.test(id)))
        return withLimits(
          adsError(400, 'INVALID_PARAMETER', `Expected long, got "${p['job_ids']}" for job_ids`, echo, {
            parameter: 'job_ids',
          }),
          account,
        );
      // Newest first; jobs are kept for the account only.
      const jobs = ctx.jobs.all
        .filter((j) => j.accountId === account?.id && (!ids || ids.includes(j.id.toString())))
        .reverse();
      for (const j of jobs) advance(j, account);
      const pg = paginate(jobs, p, echo);
      if (!pg.ok) return withLimits(pg.res, account);
      return withLimits(
        json(200, {
          request: { params: echo },
          next_cursor: pg.next,
          data: (pg.page as StatsJob[]).map((j) => jobJson(ctx, j)),
        }),
        account,
      );
    }),
  );

  // The result file: a capability URL, no OAuth, gzip bytes as the body (not a Content-Encoding).
  r.add('GET', `${TON_PATH}/:file`, (req) => {
    const j = ctx.jobs.all.find((x) => x.file === req.params['file']);
    if (!j?.body || (j.expiresAt !== null && ctx.now() >= j.expiresAt)) {
      return {
        status: 404,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><body><h1>404 Not Found</h1></body></html>',
      };
    }
    j.downloads++;
    return { status: 200, headers: { 'content-type': 'application/gzip' }, body: j.body };
  });
}
