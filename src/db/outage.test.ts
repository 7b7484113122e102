import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { isConnectionError } from './outage.ts';

test('connection failures are told apart from query errors', async () => {
  // A real refused connection: nothing listens on port 1 of loopback.
  const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
  const refused = await client.connect().then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(isConnectionError(refused), String(refused));
  assert.ok(
    isConnectionError(
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ),
  );
  assert.ok(isConnectionError(new Error('Connection terminated unexpectedly')));
  assert.ok(
    isConnectionError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed')),
  );
  assert.ok(
    !isConnectionError(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })),
  );
  assert.ok(!isConnectionError(new Error('column "payload" does not exist')));
  assert.ok(!isConnectionError(undefined));
});
