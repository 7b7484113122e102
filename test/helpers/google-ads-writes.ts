/**
 * A Google Ads sandbox connected for campaign-write tests: the sandbox, an org with a
 * connection of its manager account synced once, and a USD client account of that manager
 * (every write then goes through login-customer-id).
 */
import { googleAdsSync } from '../../src/providers/google-ads/sync.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import type { Customer } from '../../src/providers/google-ads/sandbox/world.ts';
import type { adsWrites } from './ads-writes.ts';

export async function openGoogleAdsWrites(
  ads: ReturnType<typeof adsWrites>,
  opts: { seed: number; size: number; historyDays: number },
): Promise<{ sb: GoogleAdsRunningSandbox; customer: Customer }> {
  const sb = await googleSandbox.start({ seed: opts.seed, size: opts.size });
  const t = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  await ads.open({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
    provider: 'google-ads',
    credentials: { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    connection: { expiresAt: new Date(Date.now() + 3600_000), externalId: sb.accounts().managerId },
    adapter: googleAdsSync,
    firstSync: { options: { historyDays: opts.historyDays } },
  });
  const customer = sb.world().customers.find((c) => c.managerId !== null && c.currency_code === 'USD')!;
  return { sb, customer };
}
