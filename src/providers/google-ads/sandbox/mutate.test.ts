import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { call, startSandbox, type Res } from '../../../../test/helpers/sandbox-http.ts';
import { sandbox } from '../sandbox.ts';

async function setup(t: TestContext) {
  const { sb } = await startSandbox(t, sandbox, { seed: 5, size: 600 });
  const token = sb.mintToken().accessToken;
  // A standalone customer: no login-customer-id needed.
  const cid = sb.accounts().standaloneIds[0]!;
  const mutate = (service: string, body: object): Promise<Res> =>
    call(`${sb.apiUrl}/customers/${cid}/${service}:mutate`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'developer-token': sb.developerToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  return { sb, cid, mutate };
}

const budgetCreate = (name: string, amountMicros: string) => ({
  create: { name, amountMicros, period: 'DAILY', explicitlyShared: false },
});

test('a failing operation fails the whole request unless partialFailure is set; then the good ones apply', async (t) => {
  const { sb, cid, mutate } = await setup(t);
  const before = sb.world().budgets.size;
  // The standalone customer bills in JPY: whole yen only.
  const atomic = await mutate('campaignBudgets', {
    operations: [budgetCreate('ok', '5000000000'), budgetCreate('bad', '1500000')],
  });
  assert.equal(atomic.status, 400);
  assert.equal(atomic.body.error.status, 'INVALID_ARGUMENT');
  const err = atomic.body.error.details[0].errors[0];
  assert.deepEqual(err.errorCode, { campaignBudgetError: 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT' });
  assert.deepEqual(err.location.fieldPathElements, [
    { fieldName: 'operations', index: 1 },
    { fieldName: 'create' },
    { fieldName: 'amount_micros' },
  ]);
  assert.equal(sb.world().budgets.size, before, 'nothing applied');

  const partial = await mutate('campaignBudgets', {
    partialFailure: true,
    operations: [budgetCreate('ok', '5000000000'), budgetCreate('bad', '1500000')],
  });
  assert.equal(partial.status, 200, partial.text);
  assert.match(partial.body.results[0].resourceName, new RegExp(`^customers/${cid}/campaignBudgets/\\d+$`));
  assert.deepEqual(partial.body.results[1], {});
  assert.equal(partial.body.partialFailureError.code, 3);
  assert.match(partial.body.partialFailureError.message, /at operations\[1\]\.create\.amount_micros/);
  assert.equal(sb.world().budgets.size, before + 1);
});

test('validateOnly checks without applying; the REST layer refuses unknown fields and enum values before any check', async (t) => {
  const { sb, mutate } = await setup(t);
  const before = sb.world().budgets.size;
  const dry = await mutate('campaignBudgets', {
    validateOnly: true,
    operations: [budgetCreate('dry run', '5000000000')],
  });
  assert.equal(dry.status, 200);
  assert.deepEqual(dry.body, {});
  assert.equal(sb.world().budgets.size, before);

  const unknown = await mutate('campaignBudgets', {
    operations: [{ create: { name: 'x', amountMicros: '5000000000', colour: 'red' } }],
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
  assert.match(unknown.body.error.message, /Unknown name "colour"/);
  const badEnum = await mutate('campaignBudgets', {
    operations: [{ create: { name: 'x', amountMicros: '5000000000', period: 'WEEKLY' } }],
  });
  assert.match(badEnum.body.error.message, /Invalid value at 'operations\[0\]\.create\.period'/);
  const noMask = await mutate('campaignBudgets', {
    operations: [{ update: { resourceName: 'customers/1/campaignBudgets/2', amountMicros: '1' } }],
  });
  assert.deepEqual(noMask.body.error.details[0].errors[0].errorCode, { fieldMaskError: 'FIELD_MASK_MISSING' });
});

test('a budget in use cannot be removed; a removed campaign cannot be updated; ad group ads are named {adGroupId}~{adId}', async (t) => {
  const { sb, cid, mutate } = await setup(t);
  const campaign = sb.world().campaigns.find((c) => c.customerId === cid && c.status !== 'REMOVED')!;
  const budgetName = `customers/${cid}/campaignBudgets/${campaign.budgetId}`;
  const inUse = await mutate('campaignBudgets', { operations: [{ remove: budgetName }] });
  assert.deepEqual(inUse.body.error.details[0].errors[0].errorCode, { campaignBudgetError: 'CAMPAIGN_BUDGET_IN_USE' });

  const ad = sb
    .world()
    .ads.find(
      (a) =>
        a.campaignId === campaign.id &&
        a.status !== 'REMOVED' &&
        sb.world().adGroups.find((g) => g.id === a.adGroupId)?.status !== 'REMOVED',
    )!;
  const paused = await mutate('adGroupAds', {
    operations: [
      {
        update: { resourceName: `customers/${cid}/adGroupAds/${ad.adGroupId}~${ad.id}`, status: 'PAUSED' },
        updateMask: 'status',
      },
    ],
  });
  assert.equal(paused.status, 200, paused.text);
  assert.equal(ad.status, 'PAUSED');

  const name = `customers/${cid}/campaigns/${campaign.id}`;
  assert.equal((await mutate('campaigns', { operations: [{ remove: name }] })).status, 200);
  assert.equal(campaign.status, 'REMOVED');
  const again = await mutate('campaigns', {
    operations: [{ update: { resourceName: name, name: 'x' }, updateMask: 'name' }],
  });
  assert.deepEqual(again.body.error.details[0].errors[0].errorCode, {
    operationAccessDeniedError: 'OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE',
  });
  const child = await mutate('adGroupAds', {
    operations: [
      {
        update: { resourceName: `customers/${cid}/adGroupAds/${ad.adGroupId}~${ad.id}`, status: 'ENABLED' },
        updateMask: 'status',
      },
    ],
  });
  assert.equal(child.status, 400, 'children of a removed campaign are frozen');
  assert.equal(
    (await mutate('campaignBudgets', { operations: [{ remove: budgetName }] })).status,
    200,
    'the budget is free once its campaign is removed',
  );
});
