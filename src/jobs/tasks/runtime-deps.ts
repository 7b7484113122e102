import type { RefreshDeps } from '../../connections/refresh.ts';
import type { TaskContext } from '../types.ts';

/**
 * Tasks reach platforms through the runtime the worker was started with, and work on
 * connections with the worker's database, keyring and log.
 */
export function platformDeps(ctx: TaskContext): RefreshDeps {
  if (!ctx.providers) throw new Error('worker started without a provider runtime');
  return { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
}
