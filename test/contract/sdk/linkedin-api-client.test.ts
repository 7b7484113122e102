import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RestliClient } from 'linkedin-api-client';
import { linkedinProvider } from '../../../src/providers/linkedin/index.ts';
import { sandbox as linkedinSandbox, type LinkedInRunningSandbox } from '../../../src/providers/linkedin/sandbox.ts';
import { loopbackAgent } from './loopback-agent.ts';

// linkedin-api-client hard-codes https://api.linkedin.com/rest but passes its constructor config
// to axios: an `httpsAgent` that sends every request to the sandbox's loopback port
// (docs/platforms/linkedin.md §SDK).
let sb: LinkedInRunningSandbox;
let httpsAgent: ReturnType<typeof loopbackAgent>;
before(async () => {
  sb = await linkedinSandbox.start({ seed: 12, size: 100 });
  httpsAgent = loopbackAgent(sb.port);
});
after(async () => {
  httpsAgent.destroy();
  await sb.close();
});

test('linkedin-api-client: finds ad accounts, lists, creates and updates campaign groups on the LinkedIn sandbox', async () => {
  const client = new RestliClient({ httpsAgent, proxy: false });
  const accessToken = sb.mintToken();
  const versionString = linkedinProvider.api.version;
  const found = await client.finder({
    resourcePath: '/adAccounts',
    finderName: 'search',
    queryParams: { search: { status: { values: ['ACTIVE'] } } },
    accessToken,
    versionString,
  });
  const accounts = found.data.elements as { id: number }[];
  assert.ok(accounts.length > 0);
  const accountId = accounts[0]!.id;
  const groups = await client.finder({
    resourcePath: '/adAccounts/{id}/adCampaignGroups',
    pathKeys: { id: accountId },
    finderName: 'search',
    accessToken,
    versionString,
  });
  assert.ok(Array.isArray(groups.data.elements));

  const created = await client.create({
    resourcePath: '/adAccounts/{id}/adCampaignGroups',
    pathKeys: { id: accountId },
    entity: {
      account: `urn:li:sponsoredAccount:${accountId}`,
      name: 'SDK contract group',
      status: 'DRAFT',
      runSchedule: { start: Date.now() + 86_400_000 },
    },
    accessToken,
    versionString,
  });
  assert.ok(created.createdEntityId);
  await client.partialUpdate({
    resourcePath: '/adAccounts/{accountId}/adCampaignGroups/{id}',
    pathKeys: { accountId, id: created.createdEntityId },
    patchSetObject: { name: 'SDK contract group, renamed' },
    accessToken,
    versionString,
  });
  const read = await client.get({
    resourcePath: '/adAccounts/{accountId}/adCampaignGroups/{id}',
    pathKeys: { accountId, id: created.createdEntityId },
    accessToken,
    versionString,
  });
  assert.equal((read.data as { name: string }).name, 'SDK contract group, renamed');
});

test('linkedin-api-client: a sunset version answers 426', async () => {
  const client = new RestliClient({ httpsAgent, proxy: false });
  await assert.rejects(
    client.finder({
      resourcePath: '/adAccounts',
      finderName: 'search',
      accessToken: sb.mintToken(),
      versionString: '202511',
    }),
    (err: { response?: { status?: number } }) => err.response?.status === 426,
  );
});
