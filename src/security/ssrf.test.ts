import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPlexusError } from '../core/errors.ts';
import { ProviderHttp } from '../providers/kit/http.ts';
import { assertPublicUrl, isBlockedAddress, parseAllowList } from './ssrf.ts';

const none = parseAllowList('');

test('private, loopback, link-local, metadata and mapped addresses are blocked; public ones are not', () => {
  for (const a of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) {
    assert.equal(isBlockedAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111']) assert.equal(isBlockedAddress(a), false, a);
});

test('user URLs that are or resolve to private addresses are refused with a clear error', async () => {
  for (const url of ['http://127.0.0.1/', 'http://localhost:8080/wp', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://10.0.0.5', 'http://0x7f000001/']) {
    await assert.rejects(assertPublicUrl(url, none, 'siteUrl'), (e: unknown) => isPlexusError(e) && e.status === 422 && /private or reserved/.test(e.message), url);
  }
  await assert.rejects(assertPublicUrl('ftp://example.com', none, 'siteUrl'), (e: unknown) => isPlexusError(e) && e.code === 'validation_failed');
  await assert.rejects(assertPublicUrl('https://user:pw@example.com', none, 'siteUrl'), (e: unknown) => isPlexusError(e) && e.code === 'validation_failed');
});

test('the explicit allow-list lets named hosts through, including *.suffix entries', async () => {
  const allow = parseAllowList('127.0.0.1,*.myshopify.com');
  assert.equal((await assertPublicUrl('http://127.0.0.1:9999/', allow, 'siteUrl')).port, '9999');
  await assert.rejects(assertPublicUrl('http://127.0.0.2/', allow, 'siteUrl'));
});

test('the platform HTTP client refuses blocked addresses at connect time and never follows redirects', async () => {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const strict = new ProviderHttp(none);
  const allowed = new ProviderHttp(parseAllowList('localhost'));
  try {
    // `localhost` is loopback: refused unless allowed, even though a server answers there.
    await assert.rejects(strict.send({ method: 'GET', url: `http://localhost:${port}/` }), (e: unknown) => isPlexusError(e) && /private or reserved/.test(e.message));
    assert.equal(hits, 0, 'no request reached the server');
    const ok = await allowed.send({ method: 'GET', url: `http://localhost:${port}/` });
    assert.deepEqual(ok.body, { ok: true });
    const redirect = await allowed.send({ method: 'GET', url: `http://localhost:${port}/redirect` });
    assert.equal(redirect.status, 302, 'the redirect is returned, not followed');
  } finally {
    await strict.close();
    await allowed.close();
    server.close();
  }
});
