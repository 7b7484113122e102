import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalToMicros } from '../../src/core/money.ts';
import { linkedinAdsSync } from '../../src/providers/linkedin/sync.ts';
import { sandbox as linkedinSandbox, type LinkedInRunningSandbox } from '../../src/providers/linkedin/sandbox.ts';
import { creativeDay } from '../../src/providers/linkedin/sandbox/analytics.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let sb: LinkedInRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let conn: string;
let deps: Parameters<typeof runAdsSync>[0];

before(async () => {
  sb = await linkedinSandbox.start({ seed: 41, size: 3000 });
  ctx = await createTestContext({
    env: {
      PLEXUS_LINKEDIN_CLIENT_ID: sb.clientId,
      PLEXUS_LINKEDIN_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_LINKEDIN_BASE_URL: sb.url,
    },
  });
  org = await newOrg(ctx);
  const accessToken = sb.mintToken();
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'linkedin',
    { kind: 'oauth2', accessToken },
    { externalId: String(sb.world().accounts[0]!.id), expiresAt: new Date(Date.now() + 86_400_000) },
  );
  deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
});
after(async () => {
  await ctx.close();
  await sb.close();
});

const count = async (sql: string, ...params: unknown[]) => (await ctx.db.owner.query(sql, params)).rows[0].n as number;
const creativeUrn = (id: string) => `urn:li:sponsoredCreative:${id}`;

test('LinkedIn: a full sync lands accounts, campaign groups as campaigns, campaigns as ad groups, creatives as ads, and daily creative analytics, money exact', async () => {
  const r = await runAdsSync(deps, org.id, conn, linkedinAdsSync, 'test', { historyDays: 90 });
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  const c = sb.counts();
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'account'"), c.accounts);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'campaign'"), c.groups);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad_group'"), c.campaigns);
  assert.equal(await count("select count(*)::int as n from ad_entities where level = 'ad'"), c.creatives);
  // UTC days on both sides and the window covers every seeded day: every row, exactly.
  assert.equal(await count('select count(*)::int as n from ad_metrics_daily'), c.metricRows);

  // Currency is the account's own.
  const eur = sb.world().accounts.find((a) => a.currency === 'EUR')!;
  assert.equal(
    (
      await ctx.db.owner.query("select currency from ad_entities where level = 'account' and platform_id = $1", [
        String(eur.id),
      ])
    ).rows[0].currency,
    'EUR',
  );

  // Budgets: LinkedIn's major-unit decimal strings, exactly in micros; parents are the level above.
  const campaign = sb.world().campaigns[0]!;
  const ag = (
    await ctx.db.owner.query(
      "select daily_budget_micros::text as b, parent_platform_id, currency from ad_entities where level = 'ad_group' and platform_id = $1",
      [String(campaign.id)],
    )
  ).rows[0];
  assert.equal(BigInt(ag.b), decimalToMicros(campaign.dailyBudget.amount));
  assert.equal(BigInt(ag.b), BigInt(campaign.dailyBudget.amount.replace('.', '')) * 10_000n);
  assert.equal(ag.parent_platform_id, campaign.campaignGroup.split(':').pop());
  const group = sb.world().groups.find((g) => g.totalBudget)!;
  const cg = (
    await ctx.db.owner.query(
      "select lifetime_budget_micros::text as b, parent_platform_id from ad_entities where level = 'campaign' and platform_id = $1",
      [String(group.id)],
    )
  ).rows[0];
  assert.equal(BigInt(cg.b), decimalToMicros(group.totalBudget!.amount));
  assert.equal(cg.parent_platform_id, group.account.split(':').pop());
  const creative = sb.world().creatives[0]!;
  assert.equal(
    (
      await ctx.db.owner.query("select parent_platform_id from ad_entities where level = 'ad' and platform_id = $1", [
        creative.id.split(':').pop(),
      ])
    ).rows[0].parent_platform_id,
    creative.campaign.split(':').pop(),
  );

  // Spend: creative-days against the sandbox's own cost strings (long fractions, rounded half up at micros).
  const rows = (
    await ctx.db.owner.query(
      'select platform_id, date::text as date, spend_micros::text as spend, impressions::int as imp, clicks::int as clicks, conversions::int as conv from ad_metrics_daily order by platform_id, date limit 60',
    )
  ).rows;
  assert.ok(rows.length > 0);
  for (const row of rows) {
    const raw = creativeDay(sb.world(), creativeUrn(row.platform_id), row.date)!;
    assert.ok(raw, `${row.platform_id} ${row.date}`);
    assert.equal(BigInt(row.spend), decimalToMicros(raw.costInLocalCurrency), `${row.platform_id} ${row.date}`);
    assert.deepEqual([row.imp, row.clicks, row.conv], [raw.impressions, raw.clicks, raw.externalWebsiteConversions]);
  }
  // A hand-checked value: whole and fractional parts land exactly.
  const one = rows[0]!;
  const cost = creativeDay(sb.world(), creativeUrn(one.platform_id), one.date)!.costInLocalCurrency;
  const [whole, frac = ''] = cost.split('.');
  const micros =
    BigInt(whole!) * 1_000_000n +
    BigInt((frac + '000000').slice(0, 6)) +
    (frac.length > 6 && Number(frac[6]) >= 5 ? 1n : 0n);
  assert.equal(BigInt(one.spend), micros);
});

test('LinkedIn: statuses map to the unified enum; a deleted campaign group is marked deleted (with its campaigns and creatives) after a re-sync', async () => {
  const expected: Record<string, string> = {
    ACTIVE: 'active',
    PAUSED: 'paused',
    DRAFT: 'pending',
    ARCHIVED: 'archived',
    COMPLETED: 'archived',
    CANCELED: 'archived',
  };
  const statuses = (
    await ctx.db.owner.query(
      'select level, platform_status, status::text, count(*)::int as n from ad_entities group by 1, 2, 3 order by 1, 2, 3',
    )
  ).rows;
  for (const s of statuses) assert.equal(s.status, expected[s.platform_status], JSON.stringify(s));
  assert.ok(
    statuses.some((s) => s.status === 'paused') &&
      statuses.some((s) => s.status === 'active') &&
      statuses.some((s) => s.status === 'archived'),
  );
  const canceled = sb.world().accounts.find((a) => a.status === 'CANCELED')!;
  assert.equal(
    (
      await ctx.db.owner.query("select status::text from ad_entities where level = 'account' and platform_id = $1", [
        String(canceled.id),
      ])
    ).rows[0].status,
    'archived',
  );

  const group = sb
    .world()
    .groups.find(
      (g) =>
        g.status === 'ACTIVE' &&
        sb.world().campaigns.some((c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${g.id}`),
    )!;
  const groupUrn = `urn:li:sponsoredCampaignGroup:${group.id}`;
  const campaigns = sb
    .world()
    .campaigns.filter((c) => c.campaignGroup === groupUrn)
    .map((c) => String(c.id));
  const creatives = sb
    .world()
    .creatives.filter((c) => campaigns.includes(c.campaign.split(':').pop()!))
    .map((c) => c.id.split(':').pop()!);
  assert.ok(campaigns.length > 0 && creatives.length > 0);
  sb.remote.delete(String(group.id));
  assert.equal(sb.world().groups.find((g) => g.id === group.id)!.status, 'PENDING_DELETION');

  const r = await runAdsSync(deps, org.id, conn, linkedinAdsSync, 'test');
  assert.equal(
    (await ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  const row = (
    await ctx.db.owner.query(
      "select status::text, deleted_at from ad_entities where level = 'campaign' and platform_id = $1",
      [String(group.id)],
    )
  ).rows[0];
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  assert.equal(
    await count(
      "select count(*)::int as n from ad_entities where level = 'ad_group' and status = 'deleted' and platform_id = any($1)",
      campaigns,
    ),
    campaigns.length,
  );
  assert.equal(
    await count(
      "select count(*)::int as n from ad_entities where level = 'ad' and status = 'deleted' and platform_id = any($1)",
      creatives,
    ),
    creatives.length,
  );
  const c = sb.counts();
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'campaign' and status <> 'deleted'"),
    c.groups,
  );
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'ad' and status <> 'deleted'"),
    c.creatives,
  );
});

test('LinkedIn: a storm of 429s without Retry-After is backed off and waited out without failing the sync', async () => {
  await ctx.db.owner.query('delete from ad_metrics_daily; delete from ad_entities; delete from sync_runs');
  sb.faults.rateLimit({ times: 4, pathPrefix: '/rest' });
  const waits: number[] = [];
  const r = await runAdsSync(deps, org.id, conn, linkedinAdsSync, 'test', {
    historyDays: 30,
    maxInlineWaitMs: 600_000,
    sleep: async (ms) => void waits.push(ms),
  });
  const run = (await ctx.db.owner.query('select status, rate_limit_waits from sync_runs where id = $1', [r.runId]))
    .rows[0];
  assert.equal(run.status, 'completed');
  assert.equal(run.rate_limit_waits, 4);
  assert.ok(
    waits.slice(1).every((w, i) => w >= waits[i]!),
    `backs off: ${waits.join(', ')} ms`,
  );
  assert.equal(
    await count("select count(*)::int as n from ad_entities where level = 'ad' and status <> 'deleted'"),
    sb.counts().creatives,
  );
});
