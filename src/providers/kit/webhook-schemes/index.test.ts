import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemeFor, schemes } from './index.ts';

test('every registry entry is the scheme its key names', () => {
  for (const [id, s] of Object.entries(schemes)) assert.equal(s.id, id);
  assert.equal(schemeFor('plexus-hmac'), schemes['plexus-hmac']);
});

test('every scheme fails closed without a secret', () => {
  for (const s of Object.values(schemes)) {
    const r = s.verify({
      rawBody: Buffer.from('{}'),
      headers: {},
      secret: undefined,
      nowMs: 0,
      signatureHeader: 'x-sig',
      timestampHeader: 'x-ts',
    });
    assert.deepEqual(r, { ok: false, reason: 'missing_secret' }, s.id);
  }
});
