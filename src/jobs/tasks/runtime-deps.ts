import type { ProviderRuntime } from '../../providers/context.ts';
import type { TaskContext } from '../types.ts';

/** Tasks reach platforms through the runtime the worker was started with. */
export function providerRuntime(ctx: TaskContext): ProviderRuntime {
  if (!ctx.providers) throw new Error('worker started without a provider runtime');
  return ctx.providers;
}
