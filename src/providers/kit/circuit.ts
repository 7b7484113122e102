import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { isPlexusError, plexusError } from '../../core/errors.ts';

const HALF_OPEN_AFTER_MS = 30_000;
const CONSECUTIVE_FAILURES = 5;

/**
 * One circuit breaker per platform in each process: after 5 consecutive outages (5xx,
 * timeouts, unreachable) calls stop for 30 s instead of piling onto a platform that is down,
 * then one probe decides. Client errors (4xx, auth, rate limits) never open it: the platform
 * is up and answering.
 */
const breakers = new Map<string, CircuitBreakerPolicy>();

function breakerFor(provider: string): CircuitBreakerPolicy {
  let b = breakers.get(provider);
  if (!b) {
    b = circuitBreaker(
      handleWhen(
        (err) => isPlexusError(err) && (err.code === 'provider.unavailable' || err.code === 'provider.timeout'),
      ),
      { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(CONSECUTIVE_FAILURES) },
    );
    breakers.set(provider, b);
  }
  return b;
}

export async function throughCircuit<T>(provider: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await breakerFor(provider).execute(fn);
  } catch (err) {
    if (err instanceof BrokenCircuitError) {
      throw plexusError('provider.unavailable', {
        message: `${provider} is failing; calls are paused for a while (circuit open).`,
        retryAfterMs: HALF_OPEN_AFTER_MS,
        details: { circuit: 'open' },
      });
    }
    throw err;
  }
}

export type CircuitName = 'closed' | 'open' | 'half_open' | 'isolated';

/** Current state per platform, for /metrics. */
export function circuitStates(): { provider: string; state: CircuitName }[] {
  const names: Record<CircuitState, CircuitName> = {
    [CircuitState.Closed]: 'closed',
    [CircuitState.Open]: 'open',
    [CircuitState.HalfOpen]: 'half_open',
    [CircuitState.Isolated]: 'isolated',
  };
  return [...breakers.entries()].map(([provider, b]) => ({ provider, state: names[b.state] }));
}

/** Tests start from closed circuits. */
export function resetCircuits(): void {
  breakers.clear();
}
