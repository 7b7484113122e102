import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import bizSdk from 'facebook-nodejs-business-sdk';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../../src/providers/meta/sandbox.ts';
import { loopbackAgent } from './loopback-agent.ts';

// facebook-nodejs-business-sdk builds https://graph.facebook.com/<its VERSION>/… URLs and sends
// them with the default axios instance it requires; that instance's `httpsAgent` sends them to the
// sandbox unchanged (docs/platforms/meta.md §SDK).
const sdkAxios = createRequire(createRequire(import.meta.url).resolve('facebook-nodejs-business-sdk'))('axios') as {
  defaults: Record<string, unknown>;
};
const { FacebookAdsApi, User, AdAccount, Campaign } = bizSdk as unknown as Record<string, any>;
let sb: MetaRunningSandbox;
let agent: ReturnType<typeof loopbackAgent>;
const saved = { httpsAgent: sdkAxios.defaults.httpsAgent, proxy: sdkAxios.defaults.proxy };

before(async () => {
  sb = await metaSandbox.start({ seed: 3, size: 100 });
  agent = loopbackAgent(sb.port);
  Object.assign(sdkAxios.defaults, { httpsAgent: agent, proxy: false });
});
after(async () => {
  Object.assign(sdkAxios.defaults, saved);
  agent.destroy();
  await sb.close();
});

test('facebook-nodejs-business-sdk 24.0.1 pins v24.0: Graph reads work, ads calls get #2635 as from Meta after 2026-11-10', async () => {
  assert.equal(FacebookAdsApi.VERSION, 'v24.0');
  FacebookAdsApi.init(sb.mintToken());
  const me = await new User('me').read(['id', 'name']);
  assert.equal(me.id, sb.userId);
  const accounts = await new User('me').getAdAccounts(['id', 'account_id', 'currency']);
  assert.ok(accounts.length > 0);
  await assert.rejects(
    new AdAccount(accounts[0].id).getCampaigns(['id', 'name'], { limit: 5 }),
    (err: { response?: { code?: number } }) => err.response?.code === 2635,
  );
});

test('facebook-nodejs-business-sdk on v27.0: lists, creates and updates campaigns on the Meta sandbox', async () => {
  const pinned = Object.getOwnPropertyDescriptor(FacebookAdsApi, 'VERSION');
  // The newest release on npm (24.0.1) predates v27.0; its URLs take the version from this getter.
  Object.defineProperty(FacebookAdsApi, 'VERSION', { get: () => sb.version, configurable: true });
  try {
    FacebookAdsApi.init(sb.mintToken());
    const accounts = await new User('me').getAdAccounts(['id']);
    const account = new AdAccount(accounts[0].id);
    const campaigns = await account.getCampaigns(['id', 'name', 'status'], { limit: 5 });
    assert.ok(campaigns.length > 0);
    const created = await account.createCampaign([], {
      name: 'SDK contract campaign',
      objective: 'OUTCOME_TRAFFIC',
      status: 'PAUSED',
      special_ad_categories: [],
    });
    assert.ok(created.id);
    await new Campaign(created.id).update([], { name: 'SDK contract campaign, renamed' });
    const read = await new Campaign(created.id).read(['name', 'status']);
    assert.deepEqual([read.name, read.status], ['SDK contract campaign, renamed', 'PAUSED']);
  } finally {
    if (pinned) Object.defineProperty(FacebookAdsApi, 'VERSION', pinned);
  }
});
