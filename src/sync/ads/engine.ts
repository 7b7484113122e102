import { withConnection } from '../../connections/access.ts';
import { recordEvent } from '../../connections/events.ts';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { isPlexusError, plexusError } from '../../core/errors.ts';
import type { PoolClient } from '../../db/pool.ts';
import { withOrgTx } from '../../db/tx.ts';
import { upsertEntities, upsertMetrics } from './store.ts';
import { takeBudget } from './budget.ts';
import type { AdEntityRecord, AdLevel, AdsSyncAdapter, AdsSyncContext, Page } from '../../providers/contracts/ads.ts';

export interface SyncOptions {
  /** Days of metrics pulled by a connection's first sync. */
  historyDays?: number;
  /** A platform's own wait up to this long is waited out in place; longer, the job retries later. */
  maxInlineWaitMs?: number;
  /** How waiting is done (tests observe pauses without spending them). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * With an adapter that lists changed entities only, a full listing still runs when the last
   * one is older than this (default 24 h): it catches what a change filter cannot see, such as
   * objects removed outright or access lost.
   */
  fullListingEveryMs?: number;
  /** The job running the sync (the id its first attempt had), recorded on a new run. */
  jobId?: string;
}

export interface SyncResult {
  runId: string;
  pages: number;
  records: number;
  revisions: number;
  /** Whether this run listed every entity or only those changed since the last run. */
  listing: 'full' | 'changed';
}

interface RunRow {
  id: string;
  checkpoint: Record<string, unknown>;
}

const DONE = 'done';
const day = (d: Date) => d.toISOString().slice(0, 10);
// Changes are asked for from a little before the last run started: the platform's clock and
// ours may disagree by a few minutes, and an overlap only re-reads a few entities.
const CHANGED_SINCE_MARGIN_MS = 5 * 60_000;

/**
 * Syncs a connection's ads: accounts, then per account campaigns, ad groups, ads and daily
 * metrics. Each page is written (multi-row upsert) together with the run's checkpoint, in one
 * transaction, so a worker killed mid-sync resumes at the first page not committed: nothing is
 * missing and nothing is written twice. Metrics are re-pulled over the platform's look-back
 * window, because platforms restate recent days. A page that says the platform is still
 * preparing its data (an async report) saves its cursor and is asked for again after a wait.
 *
 * Deletions: after a full listing, entities the run did not see are marked deleted. Adapters
 * that can list only what changed since a time do so on most runs (the time is kept in the
 * run's checkpoint); those runs learn of deletions from the records themselves, and a full
 * listing still runs at least every `fullListingEveryMs`.
 */
export async function runAdsSync(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  adapter: AdsSyncAdapter,
  reason: string,
  opts: SyncOptions = {},
): Promise<SyncResult> {
  const run = await takeRun(
    deps,
    orgId,
    connectionId,
    reason,
    adapter,
    opts.historyDays ?? 30,
    opts.fullListingEveryMs ?? 86_400_000,
    opts.jobId,
  );
  const window = run.checkpoint._window as { since: string; until: string };
  const changedSince = (run.checkpoint._changedSince as string | null | undefined) ?? null;
  const maxInlineWaitMs = opts.maxInlineWaitMs ?? 30_000;
  const result: SyncResult = {
    runId: run.id,
    pages: 0,
    records: 0,
    revisions: 0,
    listing: changedSince ? 'changed' : 'full',
  };
  const checkpoint = run.checkpoint;
  let pauseMs = 0;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // A rate-limit wait: counted on the run, then slept through.
  const waitCounted = async (ms: number) => {
    await withOrgTx(deps.db.app, orgId, (c) =>
      c.query('update sync_runs set rate_limit_waits = rate_limit_waits + 1 where org_id = $1 and id = $2', [
        orgId,
        run.id,
      ]),
    );
    await sleep(ms);
  };

  const step = async <T>(
    key: string,
    accountId: string | null,
    fetch: (s: AdsSyncContext, cursor: string | null) => Promise<Page<T>>,
    write: (c: PoolClient, rows: T[]) => Promise<number>,
    opts: { untilWaiting?: boolean } = {},
  ) => {
    const start = (checkpoint[key] as string | null | undefined) ?? null;
    if (start === DONE) return;
    const load = async (cursor: string | null): Promise<Page<T>> => {
      if (pauseMs > 0) {
        // The platform's usage signals asked for a pause: honour it and count it on the run.
        await waitCounted(pauseMs);
        pauseMs = 0;
      }
      return withPlatformWaits(maxInlineWaitMs, waitCounted, () =>
        withConnection(deps, orgId, connectionId, async (a) => {
          // The platform's stated rate, shared by every worker process, before each call.
          const wait = await takeBudget(deps.db.owner, a.ctx.def, accountId);
          if (wait > 0) await waitCounted(wait);
          const s: AdsSyncContext = {
            connector: a.connector,
            ctx: a.ctx,
            creds: a.creds,
            since: window.since,
            until: window.until,
            ...(changedSince ? { changedSince } : {}),
          };
          const p = await fetch(s, cursor);
          pauseMs = s.pendingPauseMs ?? 0;
          return p;
        }),
      );
    };
    let page = await load(start);
    for (;;) {
      const next = page.next ?? DONE;
      // Not ready yet (no records): only the cursor is saved, then the wait, then the same ask.
      const waiting = page.waitMs !== undefined && page.next !== null;
      // The next page is fetched while this one is written: the network and the database
      // overlap, and the checkpoint still only moves when a page is committed.
      const ahead = next === DONE || waiting ? undefined : load(next);
      ahead?.catch(() => undefined);
      const records = page.records;
      await withOrgTx(deps.db.app, orgId, async (c) => {
        result.revisions += await write(c, records);
        await c.query(
          `update sync_runs set checkpoint = checkpoint || jsonb_build_object($3::text, $4::text), pages = pages + $6, records = records + $5
           where org_id = $1 and id = $2`,
          [orgId, run.id, key, next, records.length, waiting ? 0 : 1],
        );
      });
      checkpoint[key] = next;
      if (!waiting) result.pages++;
      result.records += records.length;
      if (waiting) {
        // Asked for and saved: the platform prepares it while the sync does other work.
        if (opts.untilWaiting) return;
        const wait = page.waitMs ?? 0;
        // A long wait goes back to the queue: the job comes back later and resumes this cursor.
        if (wait > maxInlineWaitMs)
          throw plexusError('provider.unavailable', {
            message: 'The platform is still preparing data; the sync resumes later.',
            retryAfterMs: wait,
          });
        if (wait > 0) await sleep(wait);
        page = await load(next);
        continue;
      }
      if (!ahead) return;
      page = await ahead;
    }
  };
  const entities = (rows: AdEntityRecord[]) => (c: PoolClient) =>
    upsertEntities(c, orgId, connectionId, run.id, rows).then(() => 0);

  try {
    await step(
      'accounts',
      null,
      (s, cur) => adapter.accounts(s, cur),
      (c, rows) => entities(rows)(c),
    );
    const accounts = await withOrgTx(
      deps.db.app,
      orgId,
      async (c) =>
        (
          await c.query<{ platform_id: string; currency: string | null; time_zone: string | null; raw: unknown }>(
            "select platform_id, currency, time_zone, raw from ad_entities where org_id = $1 and connection_id = $2 and level = 'account' and seen_run_id = $3 and status <> 'deleted' order by platform_id",
            [orgId, connectionId, run.id],
          )
        ).rows,
    );
    const accountOf = (a: (typeof accounts)[number]): AdEntityRecord => ({
      level: 'account',
      platformId: a.platform_id,
      accountPlatformId: a.platform_id,
      parentPlatformId: null,
      name: null,
      status: 'active',
      platformStatus: null,
      currency: a.currency,
      timeZone: a.time_zone,
      raw: a.raw,
    });
    const metrics = (a: (typeof accounts)[number], opts: { untilWaiting?: boolean } = {}) =>
      step(
        `metrics:${a.platform_id}`,
        a.platform_id,
        (s, cur) => adapter.metrics(s, accountOf(a), cur),
        (c, rows) => upsertMetrics(c, orgId, connectionId, rows),
        opts,
      );
    // Report jobs (where the platform makes them) are asked for first, for every account, so the
    // platform prepares them while entities are listed instead of the sync waiting on each in turn.
    for (const a of accounts) await metrics(a, { untilWaiting: true });
    for (const a of accounts) {
      const account = accountOf(a);
      for (const level of ['campaign', 'ad_group', 'ad'] as const) {
        await step(
          `${level}:${a.platform_id}`,
          a.platform_id,
          (s, cur) => adapter.entities(s, level, account, cur),
          (c, rows) => entities(rows)(c),
        );
      }
      await metrics(a);
    }
    await withOrgTx(deps.db.app, orgId, async (c) => {
      if (!changedSince) {
        // Everything was listed in this run: what it did not see is gone at the platform.
        await c.query(
          `update ad_entities set status = 'deleted', deleted_at = now(), updated_at = now()
           where org_id = $1 and connection_id = $2 and seen_run_id is distinct from $3 and deleted_at is null`,
          [orgId, connectionId, run.id],
        );
      } else {
        // Only changes were listed, but accounts always are: an account no longer listed is gone
        // (or out of reach), and so is everything under it.
        await c.query(
          `update ad_entities set status = 'deleted', deleted_at = now(), updated_at = now()
           where org_id = $1 and connection_id = $2 and deleted_at is null and account_platform_id not in (
             select platform_id from ad_entities where org_id = $1 and connection_id = $2 and level = 'account' and seen_run_id = $3)`,
          [orgId, connectionId, run.id],
        );
      }
      await c.query("update sync_runs set status = 'completed', finished_at = now() where org_id = $1 and id = $2", [
        orgId,
        run.id,
      ]);
      await recordEvent(c, orgId, 'sync.completed', {
        connection_id: connectionId,
        run_id: run.id,
        reason,
        pages: result.pages,
        records: result.records,
        metric_revisions: result.revisions,
      });
    });
    return result;
  } catch (err) {
    // A retryable failure keeps the run and its checkpoint for the job's next attempt.
    if (!isPlexusError(err) || err.retry === 'permanent') {
      await withOrgTx(deps.db.app, orgId, async (c) => {
        await c.query(
          "update sync_runs set status = 'failed', error = $3, finished_at = now() where org_id = $1 and id = $2",
          [orgId, run.id, err instanceof Error ? err.message.slice(0, 500) : String(err)],
        );
        await recordEvent(c, orgId, 'sync.failed', {
          connection_id: connectionId,
          run_id: run.id,
          reason,
          error: isPlexusError(err) ? err.code : 'internal_error',
        });
      });
    }
    throw err;
  }
}

/**
 * The connection's running run, or a new one. A new run's metrics window is the history on a
 * first sync and the look-back after; `_changedSince` (null: list everything) is the start of
 * the last completed run, when the adapter can list changes and a full listing is recent enough.
 */
async function takeRun(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  reason: string,
  adapter: AdsSyncAdapter,
  historyDays: number,
  fullListingEveryMs: number,
  jobId?: string,
): Promise<RunRow> {
  return withOrgTx(deps.db.app, orgId, async (c) => {
    const { rows } = await c.query<RunRow>(
      "select id, checkpoint from sync_runs where org_id = $1 and connection_id = $2 and status = 'running' for update",
      [orgId, connectionId],
    );
    if (rows[0]) return rows[0];
    const prior = (
      await c.query<{ last: Date | null; full_recent: boolean }>(
        `select max(started_at) as last,
           coalesce(max(started_at) filter (where checkpoint->>'_changedSince' is null) > now() - make_interval(secs => $3::double precision / 1000), false) as full_recent
         from sync_runs where org_id = $1 and connection_id = $2 and status = 'completed'`,
        [orgId, connectionId, fullListingEveryMs],
      )
    ).rows[0];
    const now = deps.clock.now();
    const back = prior?.last ? adapter.lookbackDays : historyDays;
    const window = { since: day(new Date(now.getTime() - back * 86_400_000)), until: day(now) };
    const changedSince =
      adapter.listsChangedSince && prior?.last && prior.full_recent
        ? new Date(prior.last.getTime() - CHANGED_SINCE_MARGIN_MS).toISOString()
        : null;
    const ins = await c.query<RunRow>(
      'insert into sync_runs (org_id, connection_id, reason, checkpoint, job_id) values ($1, $2, $3, $4, $5) returning id, checkpoint',
      [orgId, connectionId, reason, { _window: window, _changedSince: changedSince }, jobId ?? null],
    );
    return ins.rows[0]!;
  });
}

/** Waits out a platform's short rate-limit pause in place (counted on the run); longer ones go back to the job. */
async function withPlatformWaits<T>(
  maxInlineWaitMs: number,
  waitCounted: (ms: number) => Promise<void>,
  fn: () => Promise<T>,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isPlexusError(err) || err.code !== 'provider.rate_limited') throw err;
      const wait = err.retryAfterMs ?? Math.min(maxInlineWaitMs, 1000 * 2 ** i);
      if (wait > maxInlineWaitMs || i >= 8) throw err;
      await waitCounted(wait);
    }
  }
}

export type { AdLevel };
