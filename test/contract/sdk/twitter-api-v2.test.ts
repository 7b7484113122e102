import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TwitterApi } from 'twitter-api-v2';
import { sandbox as xSandbox, type XRunningSandbox } from '../../../src/providers/x/sandbox.ts';
import { loopbackAgent } from './loopback-agent.ts';

// twitter-api-v2 hard-codes https://api.x.com and https://ads-api.x.com/12/ but takes an http
// agent: the loopback agent sends its requests to the X sandbox unchanged (docs/platforms/x.md §SDK).
let sb: XRunningSandbox;
let httpAgent: ReturnType<typeof loopbackAgent>;

before(async () => {
  sb = await xSandbox.start({ seed: 5, size: 50, autoConsent: true });
  httpAgent = loopbackAgent(sb.port);
});
after(async () => {
  httpAgent.destroy();
  await sb.close();
});

test('twitter-api-v2: OAuth 1.0a three-legged login, then list, create and update campaigns on the X sandbox', async () => {
  const appKey = sb.consumerKey;
  const appSecret = sb.consumerSecret;
  const link = await new TwitterApi({ appKey, appSecret }, { httpAgent }).generateAuthLink(
    'https://plexus.test/oauth/callback/x',
  );
  assert.equal(link.oauth_callback_confirmed, 'true');
  // The person's browser: the sandbox's consent (auto-approved here) redirects with the verifier.
  const consent = await fetch(`${sb.url}/oauth/authorize?oauth_token=${encodeURIComponent(link.oauth_token)}`, {
    redirect: 'manual',
  });
  const back = new URL(consent.headers.get('location') ?? '');
  assert.equal(back.searchParams.get('oauth_token'), link.oauth_token);
  const verifier = back.searchParams.get('oauth_verifier')!;

  // login() signs oauth_token once though it also travels in the body (the case that failed before).
  const pending = new TwitterApi(
    { appKey, appSecret, accessToken: link.oauth_token, accessSecret: link.oauth_token_secret },
    { httpAgent },
  );
  const { client, accessToken, accessSecret, userId, screenName } = await pending.login(verifier);
  assert.ok(accessToken && accessSecret);
  assert.equal(userId, sb.userId);
  assert.equal(screenName, sb.screenName);

  const ads = client.ads;
  const accounts = (await ads.get<{ data: { id: string; name: string }[] }>('accounts')).data;
  assert.ok(accounts.length > 0);
  const account = accounts[0]!;
  const listed = (await ads.get<{ data: { id: string }[] }>(`accounts/${account.id}/campaigns`, { count: 5 })).data;
  assert.ok(listed.length > 0);

  const fundingInstrument = sb.world().instruments.get(account.id)!;
  const created = (
    await ads.post<{ data: { id: string; name: string; entity_status: string } }>(`accounts/${account.id}/campaigns`, {
      funding_instrument_id: fundingInstrument,
      name: 'SDK contract campaign',
      entity_status: 'PAUSED',
      daily_budget_amount_local_micro: 50_000_000,
    })
  ).data;
  assert.deepEqual([created.name, created.entity_status], ['SDK contract campaign', 'PAUSED']);

  const updated = (
    await ads.put<{ data: { id: string; name: string } }>(`accounts/${account.id}/campaigns/${created.id}`, {
      name: 'SDK contract campaign, renamed',
    })
  ).data;
  assert.deepEqual([updated.id, updated.name], [created.id, 'SDK contract campaign, renamed']);
  const read = (await ads.get<{ data: { name: string } }>(`accounts/${account.id}/campaigns/${created.id}`)).data;
  assert.equal(read.name, 'SDK contract campaign, renamed');
});

test('twitter-api-v2: a wrong consumer secret is refused by the sandbox (the signature is checked, not waved through)', async () => {
  const client = new TwitterApi({ appKey: sb.consumerKey, appSecret: 'not-the-secret' }, { httpAgent });
  await assert.rejects(
    client.generateAuthLink('https://plexus.test/oauth/callback/x'),
    (err: { code?: number }) => err.code === 401,
  );
});
