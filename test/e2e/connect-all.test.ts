/**
 * Every platform connects through its sandbox the way a person would: the connect page, the
 * platform's consent (or the credential form), the callback, then an authenticated call with
 * the stored credentials. Credential platforms also refuse wrong credentials with the
 * platform's own message and store nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withConnection } from '../../src/connections/access.ts';
import { loadSandbox, type ProviderId } from '../../src/providers/registry.ts';
import type { RunningSandbox } from '../../src/sandbox/kit/types.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { jsonOf, open, submit } from '../helpers/browser.ts';

type Sb = RunningSandbox & Record<string, any>;

interface Case {
  id: ProviderId;
  options?: Record<string, unknown>;
  env(sb: Sb): Record<string, string>;
  /** Fields typed on the connect page. */
  form?(sb: Sb): Record<string, string>;
  /** The same with a wrong secret (credential platforms). */
  wrong?(sb: Sb): Record<string, string>;
}

const app = (prefix: string, sb: Sb, id: string, secret: string, extra: Record<string, string> = {}) => ({
  [`PLEXUS_${prefix}_CLIENT_ID`]: id,
  [`PLEXUS_${prefix}_CLIENT_SECRET`]: secret,
  [`PLEXUS_${prefix}_BASE_URL`]: sb.url,
  ...extra,
});

export const CASES: Case[] = [
  { id: 'meta', env: (sb) => app('META', sb, sb.appId, sb.appSecret) },
  {
    id: 'google-ads',
    env: (sb) =>
      app('GOOGLE_ADS', sb, sb.clientId, sb.clientSecret, { PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken }),
  },
  { id: 'tiktok', env: (sb) => app('TIKTOK', sb, sb.appId, sb.secret) },
  { id: 'linkedin', env: (sb) => app('LINKEDIN', sb, sb.clientId, sb.clientSecret) },
  { id: 'x', env: (sb) => app('X', sb, sb.consumerKey, sb.consumerSecret) },
  { id: 'snapchat', env: (sb) => app('SNAPCHAT', sb, sb.clientId, sb.clientSecret) },
  { id: 'shopify', env: (sb) => app('SHOPIFY', sb, sb.clientId, sb.clientSecret), form: (sb) => ({ shop: sb.shop }) },
  {
    id: 'wordpress',
    env: () => ({}),
    form: (sb) => ({ siteUrl: sb.siteUrl, username: sb.username, applicationPassword: sb.applicationPassword }),
    wrong: (sb) => ({
      siteUrl: sb.siteUrl,
      username: sb.username,
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    }),
  },
  {
    id: 'drupal',
    env: () => ({}),
    form: (sb) => ({ siteUrl: sb.siteUrl, username: sb.username, password: sb.password }),
    wrong: (sb) => ({ siteUrl: sb.siteUrl, username: sb.username, password: 'not-the-password' }),
  },
  {
    id: 'joomla',
    env: () => ({}),
    form: (sb) => ({ siteUrl: sb.siteUrl, token: sb.token }),
    wrong: (sb) => ({ siteUrl: sb.siteUrl, token: Buffer.from('sha256:42:00ff').toString('base64') }),
  },
  { id: 'webflow', env: (sb) => app('WEBFLOW', sb, sb.clientId, sb.clientSecret) },
  {
    id: 'wix',
    env: (sb) => ({ PLEXUS_WIX_BASE_URL: sb.url }),
    form: (sb) => ({ siteId: sb.siteId, apiKey: sb.apiKey }),
    wrong: (sb) => ({ siteId: sb.siteId, apiKey: 'IST.not-a-real-key' }),
  },
];

const running: Sb[] = [];
let ctx: TestContext;
let base: string;
const sandboxes = new Map<ProviderId, Sb>();

before(async () => {
  let env: Record<string, string> = {};
  for (const c of CASES) {
    const sandbox = await loadSandbox(c.id);
    const sb = (await sandbox.start({ seed: 11, size: 20, autoConsent: true, ...c.options })) as Sb;
    running.push(sb);
    sandboxes.set(c.id, sb);
    env = { ...env, ...c.env(sb) };
  }
  ctx = await createTestContext({ env });
  base = await ctx.listen();
});
after(async () => {
  await ctx?.close();
  await Promise.all(running.map((sb) => sb.close()));
});

for (const c of CASES) {
  test(`${c.id}: connect through the sandbox, then an authenticated call`, async () => {
    const sb = sandboxes.get(c.id)!;
    const org = await newOrg(ctx, c.id);
    const created = await fetch(`${base}/v1/connect-sessions`, {
      method: 'POST',
      headers: { ...auth(org.key), 'content-type': 'application/json' },
      body: JSON.stringify({ provider: c.id }),
    });
    assert.equal(created.status, 201);
    const session = await jsonOf(created);
    const page = await open(session.url);
    assert.equal(page.status, 200, page.html);
    if (c.wrong) {
      const refused = await submit(page, c.wrong(sb));
      assert.equal(refused.status, 422, refused.html.slice(0, 500));
      assert.match(refused.html, /refused the credentials/);
      assert.equal(
        (await ctx.db.owner.query('select count(*)::int as n from connections where org_id = $1', [org.id])).rows[0].n,
        0,
      );
    }
    const done = await submit(page, c.form?.(sb) ?? {});
    assert.equal(done.status, 200, done.html.slice(0, 800));
    assert.match(done.html, /connected/);
    const list = await jsonOf(fetch(`${base}/v1/connections`, { headers: auth(org.key) }));
    assert.equal(list.data.length, 1);
    const conn = list.data[0];
    assert.equal(conn.status, 'active');
    assert.ok(conn.external_account_id);
    const deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
    const who = await withConnection(deps, org.id, conn.id, (a) => a.connector.identify(a.ctx, a.creds));
    assert.equal(who.externalAccountId, conn.external_account_id);
  });
}
