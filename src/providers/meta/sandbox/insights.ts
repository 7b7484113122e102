/**
 * Insights routes: synchronous `GET /{node}/insights`, and async report runs
 * (`POST /act_{id}/insights` → `report_run_id`, poll `GET /{report_run_id}` for async_status and
 * async_percent_completion, then page `GET /{report_run_id}/insights`). A run advances one
 * step per poll (Job Not Started → Job Started → Job Running → Job Completed, or Job Failed /
 * Job Skipped when injected), so tests wait on a condition instead of on time. A synchronous
 * read larger than the configured row count times out the way Meta's does (100/1504018).
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { params, type MetaContext } from './context.ts';
import { withAuth } from './graph.ts';
import { graphError, invalidParam, unsupportedRequest } from './errors.ts';
import { buckets, buildRow, parseInsightsQuery, rowEntities, today, type InsightsQuery } from './insights-query.ts';
import { pageGrid, readLimit } from './paging.ts';

export type ReportFailure = 'Job Failed' | 'Job Skipped';

export interface ReportRun {
  id: string;
  accountId: string;
  query: InsightsQuery;
  createdAt: number;
  polls: number;
  /** How the run ends once its polls are used up: completed, or the injected failure. */
  outcome: 'Job Completed' | ReportFailure;
  completedAt: number | null;
}

export class ReportRuns {
  readonly runs = new Map<string, ReportRun>();
  /** Set by `remote.failNextReport()`: the next run created ends this way. */
  failNext: ReportFailure | null = null;

  clear(): void {
    this.runs.clear();
    this.failNext = null;
  }
}

export function insightsRoutes(r: Router, ctx: MetaContext, reports: ReportRuns): void {
  r.add('GET', '/:node/insights', (req) => {
    const id = req.params['node'] ?? '';
    const run = reports.runs.get(id);
    if (run) return guarded(ctx, req, () => runInsights(ctx, req, run));
    const scope = ctx.world.get(id);
    if (!scope) return unsupportedRequest('GET', req.params['node'] ?? '');
    return guarded(ctx, req, () => {
      const q = parseInsightsQuery(ctx.world, scope, params(req), today(ctx.now()));
      if (!('scopeId' in q)) return q;
      if (rowEntities(ctx.world, q).length * buckets(q).length > ctx.config.syncInsightsMaxRows) {
        return graphError({
          message: "Please reduce the amount of data you're asking for, then retry your request",
          code: 100,
          subcode: 1504018,
          isTransient: false,
        });
      }
      return rows(ctx, req, q);
    });
  });

  r.add('POST', '/:node/insights', (req) => {
    const scope = ctx.world.get(req.params['node'] ?? '');
    if (!scope) return unsupportedRequest('POST', req.params['node'] ?? '');
    return guarded(ctx, req, () => {
      const q = parseInsightsQuery(ctx.world, scope, params(req), today(ctx.now()));
      if (!('scopeId' in q)) return q;
      const id = ctx.world.newId();
      reports.runs.set(id, {
        id,
        accountId: scope.accountId,
        query: q,
        createdAt: ctx.now(),
        polls: 0,
        outcome: reports.failNext ?? 'Job Completed',
        completedAt: null,
      });
      reports.failNext = null;
      return json(200, { report_run_id: id });
    });
  });
}

/** `GET /{report_run_id}`: each poll moves the job one step towards completion. */
export function reportNode(
  ctx: MetaContext,
  reports: ReportRuns,
  req: SandboxRequest,
  id: string,
): SandboxResponse | undefined {
  const run = reports.runs.get(id);
  if (!run) return undefined;
  if (req.method !== 'GET') return unsupportedRequest(req.method, id);
  return guarded(ctx, req, () => {
    run.polls++;
    const needed = Math.max(1, ctx.config.asyncReportPolls);
    // With a duration set, the job runs on the platform's side whether or not anyone polls (as
    // Meta's do); otherwise each poll moves it one step, for tests that walk every status.
    const ms = ctx.config.asyncReportMs;
    const elapsed = ctx.now() - run.createdAt;
    const done = ms > 0 ? elapsed >= ms : run.polls >= needed;
    if (done && run.completedAt === null) run.completedAt = ctx.now();
    const status = done
      ? run.outcome
      : run.polls === 1 && ms === 0
        ? 'Job Not Started'
        : run.polls === 2 && needed > 3 && ms === 0
          ? 'Job Started'
          : 'Job Running';
    const progress = ms > 0 ? elapsed / ms : (run.polls - 1) / needed;
    const pct = done ? (run.outcome === 'Job Completed' ? 100 : 0) : Math.floor(progress * 100);
    return json(200, {
      id: run.id,
      account_id: run.accountId,
      async_percent_completion: pct,
      async_status: status,
      date_start: run.query.since,
      date_stop: run.query.until,
      emails: [],
      friendly_name: 'Sandbox report',
      is_bookmarked: false,
      is_running: !done,
      schedule_id: '0',
      time_completed: done ? Math.floor((run.completedAt ?? ctx.now()) / 1000) : 0,
      time_ref: Math.floor(run.createdAt / 1000),
    });
  });
}

function runInsights(ctx: MetaContext, req: SandboxRequest, run: ReportRun): SandboxResponse {
  if (run.completedAt !== null && run.outcome !== 'Job Completed')
    return graphError({ message: 'Async report failed', code: -2, subcode: 2490547, isTransient: false });
  if (run.completedAt === null)
    return invalidParam(`Report ${run.id} is not ready yet; poll GET /${run.id} until async_status is "Job Completed"`);
  return rows(ctx, req, run.query);
}

function rows(ctx: MetaContext, req: SandboxRequest, q: InsightsQuery): SandboxResponse {
  const p = params(req);
  const limit = readLimit(p);
  if (typeof limit !== 'number') return limit;
  const entities = rowEntities(ctx.world, q);
  const bs = buckets(q);
  const { page, paging } = pageGrid(ctx, req, p, entities.length * bs.length, limit, (slot) => {
    const e = entities[Math.floor(slot / bs.length)];
    const b = bs[slot % bs.length];
    return e && b ? buildRow(ctx.world, q, e, b) : undefined;
  });
  return json(200, { data: page, ...(paging ? { paging } : {}) });
}

function guarded(ctx: MetaContext, req: SandboxRequest, fn: () => SandboxResponse): SandboxResponse {
  return withAuth(ctx, req, 'read', fn);
}
