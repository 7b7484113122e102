import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError, plexusError } from '../../core/errors.ts';
import { circuitStates, resetCircuits, throughCircuit } from './circuit.ts';

afterEach(() => resetCircuits());

test('five consecutive outages open the circuit; calls then fail fast without reaching the platform', async () => {
  let calls = 0;
  const down = () =>
    throughCircuit('meta', async () => {
      calls++;
      throw plexusError('provider.unavailable');
    });
  for (let i = 0; i < 5; i++) await assert.rejects(down());
  assert.equal(calls, 5);
  await assert.rejects(
    down(),
    (e: unknown) =>
      isPlexusError(e) &&
      e.code === 'provider.unavailable' &&
      (e.details as { circuit?: string }).circuit === 'open' &&
      e.retryAfterMs === 30_000,
  );
  assert.equal(calls, 5, 'the open circuit did not call');
  assert.deepEqual(circuitStates(), [{ provider: 'meta', state: 'open' }]);
  // Other platforms are unaffected.
  assert.equal(await throughCircuit('tiktok', async () => 'ok'), 'ok');
});

test('client errors, auth and rate limits never open it', async () => {
  for (let i = 0; i < 10; i++) {
    await assert.rejects(
      throughCircuit('x', async () => {
        throw plexusError(i % 2 ? 'provider.rate_limited' : 'provider.invalid_request');
      }),
    );
  }
  assert.equal(await throughCircuit('x', async () => 'still closed'), 'still closed');
});
