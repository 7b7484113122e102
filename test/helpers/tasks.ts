import { z } from 'zod';
import { plexusError } from '../../src/core/errors.ts';
import type { Pool } from '../../src/db/pool.ts';
import type { TaskDefinition } from '../../src/jobs/types.ts';

/** Tasks for tests of the job runtime; each records its runs in `test_runs`. */
export async function createRunsTable(owner: Pool): Promise<void> {
  await owner.query(`create table if not exists test_runs (
    id bigserial primary key, task text not null, tag text, attempt int, outcome text not null, at timestamptz not null default now())`);
  await owner.query('create table if not exists test_flags (name text primary key, on_ boolean not null)');
}

const payload = z.object({
  org_id: z.string().optional(),
  tag: z.string(),
  fail_until: z.number().optional(),
  _attempt: z.number().optional(),
});
type P = z.infer<typeof payload>;

const record = (owner: Pool, task: string, p: P, attempt: number, outcome: string) =>
  owner.query('insert into test_runs (task, tag, attempt, outcome) values ($1, $2, $3, $4)', [
    task,
    p.tag,
    attempt,
    outcome,
  ]);

function def(
  name: string,
  run: (p: P, ctx: Parameters<TaskDefinition['run']>[1]) => Promise<void>,
  extra: Partial<TaskDefinition> = {},
): TaskDefinition {
  return { name, schema: payload, run, ...extra } as unknown as TaskDefinition;
}

export function testTasks(): TaskDefinition[] {
  return [
    def('test_ok', async (p, ctx) => void (await record(ctx.db.owner, 'test_ok', p, ctx.job.attempt, 'ok'))),
    def('test_flaky', async (p, ctx) => {
      if (ctx.job.attempt < (p.fail_until ?? 3)) {
        await record(ctx.db.owner, 'test_flaky', p, ctx.job.attempt, 'fail');
        throw plexusError('provider.unavailable', { retryAfterMs: 20 });
      }
      await record(ctx.db.owner, 'test_flaky', p, ctx.job.attempt, 'ok');
    }),
    def('test_permanent', async (p, ctx) => {
      await record(ctx.db.owner, 'test_permanent', p, ctx.job.attempt, 'fail');
      throw plexusError('provider.auth_revoked');
    }),
    def(
      'test_exhaust',
      async (p, ctx) => {
        await record(ctx.db.owner, 'test_exhaust', p, ctx.job.attempt, 'fail');
        throw new Error('socket hang up');
      },
      { maxAttempts: 3, backoff: { baseMs: 10, maxMs: 40 } },
    ),
    // Runs longer than the stale window (PLEXUS_WORKER_STALE_MS) while its worker is alive.
    def('test_long', async (p, ctx) => {
      await record(ctx.db.owner, 'test_long', p, ctx.job.attempt, 'start');
      await new Promise((r) => setTimeout(r, 4_000));
      await record(ctx.db.owner, 'test_long', p, ctx.job.attempt, 'ok');
    }),
    def('test_switch', async (p, ctx) => {
      const { rows } = await ctx.db.owner.query('select on_ from test_flags where name = $1', [p.tag]);
      if (rows[0]?.on_) {
        await record(ctx.db.owner, 'test_switch', p, ctx.job.attempt, 'fail');
        throw plexusError('provider.invalid_request', { message: 'switched off' });
      }
      await record(ctx.db.owner, 'test_switch', p, ctx.job.attempt, 'ok');
    }),
    def('test_later', async (p, ctx) => {
      await record(ctx.db.owner, 'test_later', p, ctx.job.attempt, 'fail');
      throw plexusError('provider.rate_limited', { retryAfterMs: 120_000 });
    }),
    def('test_hang', async (p, ctx) => {
      await record(
        ctx.db.owner,
        'test_hang',
        p,
        ctx.job.attempt,
        process.env.PLEXUS_TEST_HANG === '1' ? 'started' : 'ok',
      );
      if (process.env.PLEXUS_TEST_HANG === '1') await new Promise(() => undefined);
    }),
  ];
}
