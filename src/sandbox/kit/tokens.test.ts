import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenStore } from './tokens.ts';

function store() {
  const clock = { t: 1_000_000 };
  return { clock, tokens: new TokenStore({ now: () => clock.t }) };
}

test('access tokens expire on the injected clock', () => {
  const { clock, tokens } = store();
  const t = tokens.issue({ kind: 'access', clientId: 'app', subject: 'u', scopes: ['a'], ttlSeconds: 60 });
  assert.equal(tokens.validate(t.token).ok, true);
  assert.equal(tokens.expiresIn(t), 60);
  clock.t += 60_000;
  const v = tokens.validate(t.token);
  assert.equal(v.ok, false);
  assert.equal(!v.ok && v.problem, 'expired');
  const forever = tokens.issue({ kind: 'access', clientId: 'app', subject: 'u', scopes: [], ttlSeconds: null });
  clock.t += 10 ** 12;
  assert.equal(tokens.validate(forever.token).ok, true);
});

test('revocation by token, grant and subject', () => {
  const { tokens } = store();
  const a = tokens.issue({ kind: 'access', clientId: 'app', subject: 'u1', scopes: [], ttlSeconds: 60 });
  const b = tokens.issue({
    kind: 'access',
    clientId: 'app',
    subject: 'u1',
    scopes: [],
    ttlSeconds: 60,
    grantId: a.grantId,
  });
  const c = tokens.issue({ kind: 'access', clientId: 'app', subject: 'u2', scopes: [], ttlSeconds: 60 });
  assert.equal(tokens.revoke(a.token, 'logged_out'), true);
  const v = tokens.validate(a.token);
  assert.equal(!v.ok && v.problem, 'revoked');
  assert.equal(tokens.get(a.token)?.revokeReason, 'logged_out');
  assert.equal(tokens.revokeGrant(a.grantId), 1);
  assert.equal(tokens.validate(b.token).ok, false);
  assert.equal(tokens.revokeSubject('u2'), 1);
  assert.equal(tokens.validate(c.token).ok, false);
  assert.equal(tokens.validate('nope').ok, false);
});

test('refresh rotation invalidates the previous token and counts per grant', () => {
  const { tokens } = store();
  const r1 = tokens.issue({ kind: 'refresh', clientId: 'app', subject: 'u', scopes: ['s'], ttlSeconds: 3600 });
  const r2 = tokens.rotateRefresh(r1.token, 3600);
  assert.ok(r2.ok);
  assert.equal(r2.record.grantId, r1.grantId);
  const again = tokens.rotateRefresh(r1.token, 3600);
  assert.equal(!again.ok && again.problem, 'rotated');
  const r3 = tokens.rotateRefresh(r2.record.token, 3600);
  assert.ok(r3.ok);
  assert.equal(tokens.refreshCount(r1.grantId), 2);
  assert.equal(tokens.refreshCount(r3.record.token), 2);
  assert.equal(tokens.refreshTotals().total, 2);
  // An access token is not a refresh token.
  const acc = tokens.issue({ kind: 'access', clientId: 'app', subject: 'u', scopes: [], ttlSeconds: 60 });
  const wrong = tokens.rotateRefresh(acc.token, 60);
  assert.equal(!wrong.ok && wrong.problem, 'wrong_kind');
});

test('authorization codes are single-use and bound to client and redirect URI', () => {
  const { clock, tokens } = store();
  const code = tokens.issueCode({ clientId: 'app', redirectUri: 'http://127.0.0.1/cb', subject: 'u', scopes: [] });
  assert.equal(tokens.redeemCode(code.code, 'app', 'http://127.0.0.1/cb').ok, true);
  const second = tokens.redeemCode(code.code, 'app', 'http://127.0.0.1/cb');
  assert.equal(!second.ok && second.problem, 'used');
  const other = tokens.issueCode({ clientId: 'app', redirectUri: 'http://127.0.0.1/cb', subject: 'u', scopes: [] });
  const mismatch = tokens.redeemCode(other.code, 'app', 'http://127.0.0.1/other');
  assert.equal(!mismatch.ok && mismatch.problem, 'redirect_mismatch');
  const late = tokens.issueCode({
    clientId: 'app',
    redirectUri: 'http://127.0.0.1/cb',
    subject: 'u',
    scopes: [],
    ttlSeconds: 10,
  });
  clock.t += 10_000;
  const expired = tokens.redeemCode(late.code, 'app', undefined);
  assert.equal(!expired.ok && expired.problem, 'expired');
});
