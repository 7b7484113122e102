import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPlexusError } from '../core/errors.ts';
import { ProviderHttp } from '../providers/kit/http.ts';
import { createWebhookSender } from '../webhooks/outbound/sender.ts';
import { assertPublicUrl, isBlockedAddress, originAllowed, parseAllowList, type SsrfPolicy } from './ssrf.ts';

const none = parseAllowList('');

/** Each URL is refused as unprocessable, with a message that matches when one is given. */
async function assertRefused(urls: readonly string[], policy: SsrfPolicy, field: string, message = /./): Promise<void> {
  for (const url of urls) {
    await assert.rejects(
      assertPublicUrl(url, policy, field),
      (e: unknown) => isPlexusError(e) && e.status === 422 && message.test(e.message),
      url,
    );
  }
}

test('private, loopback, link-local, metadata and mapped addresses are blocked; public ones are not', () => {
  for (const a of [
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '224.0.0.1',
  ]) {
    assert.equal(isBlockedAddress(a), true, a);
  }
  for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111'])
    assert.equal(isBlockedAddress(a), false, a);
});

test('user URLs that are or resolve to private addresses are refused with a clear error', async () => {
  await assertRefused(
    [
      'http://127.0.0.1/',
      'http://localhost:8080/wp',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://10.0.0.5',
      'http://0x7f000001/',
    ],
    none,
    'siteUrl',
    /private or reserved/,
  );
  await assert.rejects(
    assertPublicUrl('ftp://example.com', none, 'siteUrl'),
    (e: unknown) => isPlexusError(e) && e.code === 'validation_failed',
  );
  await assert.rejects(
    assertPublicUrl('https://user:pw@example.com', none, 'siteUrl'),
    (e: unknown) => isPlexusError(e) && e.code === 'validation_failed',
  );
});

test('the allow-list is by origin: host and port, including *.suffix entries', async () => {
  const allow = parseAllowList('127.0.0.1:9999,*.myshopify.com,localhost:*');
  assert.equal((await assertPublicUrl('http://127.0.0.1:9999/', allow, 'siteUrl')).port, '9999');
  // Other ports of an allowed host: the database, ssh, the API itself.
  await assertRefused(
    [
      'http://127.0.0.1:5432/',
      'http://127.0.0.1:22/',
      'http://127.0.0.1/',
      'http://127.0.0.1:3000/',
      'http://127.0.0.2:9999/',
    ],
    allow,
    'url',
  );
  assert.equal(originAllowed(allow, 'shop.myshopify.com', 443), true);
  assert.equal(originAllowed(allow, 'shop.myshopify.com', 8443), false, 'a bare entry allows the default ports only');
  assert.equal(originAllowed(allow, 'localhost', 5432), true, 'host:* allows every port');
  assert.equal(originAllowed(parseAllowList('[::1]:8080'), '::1', 8080), true);
  assert.equal(originAllowed(parseAllowList('[::1]:8080'), '::1', 8081), false);
});

/** Every address form an SSRF can take, and whether the guard blocks it. */
const TABLE: [string, boolean][] = [
  ['127.0.0.1', true],
  ['127.255.255.254', true],
  ['10.0.0.1', true],
  ['172.16.5.4', true],
  ['192.168.0.1', true],
  ['169.254.169.254', true],
  ['100.64.0.1', true],
  ['0.0.0.0', true],
  ['224.0.0.251', true],
  ['255.255.255.255', true],
  ['::1', true],
  ['::', true],
  ['::ffff:127.0.0.1', true],
  ['::ffff:7f00:1', true],
  ['::ffff:a9fe:a9fe', true],
  ['::ffff:0:7f00:1', true],
  ['::7f00:1', true],
  ['::127.0.0.1', true],
  ['64:ff9b::7f00:1', true],
  ['64:ff9b::808:808', true],
  ['64:ff9b:1::1', true],
  ['2002:7f00:1::1', true],
  ['2002:808:808::1', true],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true],
  ['2001:db8::1', true],
  ['fc00::1', true],
  ['fd12:3456::1', true],
  ['fe80::1', true],
  ['fe80::1%eth0', true],
  ['fec0::1', true],
  ['ff02::1', true],
  ['[::1]', true],
  ['not-an-address', true],
  ['8.8.8.8', false],
  ['1.1.1.1', false],
  ['172.32.0.1', false],
  ['::ffff:8.8.8.8', false],
  ['::ffff:808:808', false],
  ['2606:4700:4700::1111', false],
  ['2a00:1450:4001:80b::200e', false],
];

test('SSRF table: every address form is judged right', () => {
  for (const [address, blocked] of TABLE) assert.equal(isBlockedAddress(address), blocked, address);
});

test('URLs with IPv6 literals that reach IPv4 are refused before they are stored', async () => {
  const hosts = [
    '[::ffff:0:7f00:1]',
    '[::7f00:1]',
    '[2002:7f00:1::1]',
    '[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
    '[64:ff9b::7f00:1]',
    '[::ffff:127.0.0.1]',
  ];
  await assertRefused(
    hosts.map((host) => `http://${host}:8080/`),
    none,
    'url',
  );
});

test('an IP literal is checked at send time under the current policy (Node does no lookup for one)', async () => {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const policy = parseAllowList(`127.0.0.1:${port}`);
  const client = new ProviderHttp(policy);
  const sender = createWebhookSender(policy);
  try {
    assert.equal((await client.send({ method: 'GET', url: `http://127.0.0.1:${port}/` })).status, 200);
    assert.equal(hits, 1);
    // Tightened: the same clients, the same literal URL, no longer reach it.
    policy.allowHosts.clear();
    await assert.rejects(
      client.send({ method: 'GET', url: `http://127.0.0.1:${port}/x` }),
      (e: unknown) => isPlexusError(e) && /private or reserved/.test(e.message),
    );
    const sent = await sender.post(`http://127.0.0.1:${port}/hook`, {}, '{}', 5_000);
    assert.equal(sent.kind, 'error');
    assert.equal(hits, 1, 'nothing reached the server once the policy forbade it');
    // Another port of an allowed host is not allowed.
    policy.allowHosts.add(`127.0.0.1:${port + 1}`);
    await assert.rejects(client.send({ method: 'GET', url: `http://127.0.0.1:${port}/y` }));
    assert.equal(hits, 1);
  } finally {
    await client.close();
    await sender.close();
    server.close();
  }
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
  const allowed = new ProviderHttp(parseAllowList('localhost:*'));
  try {
    // `localhost` is loopback: refused unless allowed, even though a server answers there.
    await assert.rejects(
      strict.send({ method: 'GET', url: `http://localhost:${port}/` }),
      (e: unknown) => isPlexusError(e) && /private or reserved/.test(e.message),
    );
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
