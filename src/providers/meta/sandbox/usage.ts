/**
 * Meta's rate-limit signals computed from the calls the sandbox actually served in a rolling
 * window: `X-App-Usage` (app-wide), `X-Ad-Account-Usage` and `X-Business-Use-Case-Usage` (per ad
 * account and use case), and the throttling errors (4, 80000, 80004…) once a figure reaches 100%.
 */
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';
import { graphError } from './errors.ts';

export type UseCase = 'ads_management' | 'ads_insights';

export interface UsageLimits {
  /** App-level calls per window before code 4. */
  appCallsPerHour: number;
  /** Per ad account; default is Meta's standard tier, 300 + 40 × active ads. */
  adsManagementPerHour?: number;
  /** Per ad account; default 600 + 400 × active ads. */
  adsInsightsPerHour?: number;
  windowMs: number;
}

export const DEFAULT_LIMITS: UsageLimits = { appCallsPerHour: 5000, windowMs: 3_600_000 };

const TIER = 'standard_access';

interface Figure {
  pct: number;
  regainMinutes: number;
  resetSeconds: number;
}

export class UsageMeter {
  #app: number[] = [];
  #accounts = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly limits: UsageLimits,
    private readonly activeAds: (accountId: string) => number,
  ) {}

  record(accountId: string | undefined, useCase: UseCase): void {
    const t = this.now();
    this.#app.push(t);
    if (accountId) {
      const key = `${accountId}:${useCase}`;
      const list = this.#accounts.get(key) ?? [];
      list.push(t);
      this.#accounts.set(key, list);
    }
  }

  /** The throttling error the platform would answer with now, if any figure is at 100%. */
  throttle(accountId: string | undefined, useCase: UseCase): SandboxResponse | undefined {
    if (this.#figure(this.#app, this.limits.appCallsPerHour).pct >= 100) return throttleError(4);
    if (accountId && this.#buc(accountId, useCase).pct >= 100)
      return throttleError(useCase === 'ads_insights' ? 80000 : 80004);
    return undefined;
  }

  /** Usage headers; `forced` pins the figure a throttling code belongs to at 100%. */
  headers(
    accountId: string | undefined,
    useCase: UseCase | undefined,
    forced?: { code: number; regainMinutes: number },
  ): Record<string, string> {
    const app = this.#figure(this.#app, this.limits.appCallsPerHour);
    if (forced && [4, 17, 32].includes(forced.code)) app.pct = Math.max(app.pct, 100);
    const out: Record<string, string> = {
      'x-app-usage': JSON.stringify({
        call_count: Math.floor(app.pct),
        total_cputime: Math.floor(app.pct * 0.4),
        total_time: Math.floor(app.pct * 0.5),
      }),
    };
    if (!accountId || !useCase) return out;
    const forcedCase: UseCase | undefined =
      forced && forced.code >= 80000
        ? forced.code === 80000
          ? 'ads_insights'
          : 'ads_management'
        : forced?.code === 613
          ? useCase
          : undefined;
    const buc = (['ads_management', 'ads_insights'] as const).map((type) => {
      const f = this.#buc(accountId, type);
      if (type === forcedCase && forced) {
        f.pct = Math.max(f.pct, 100);
        f.regainMinutes = Math.max(f.regainMinutes, forced.regainMinutes);
      }
      return {
        type,
        call_count: Math.floor(f.pct),
        total_cputime: Math.floor(f.pct * 0.3),
        total_time: Math.floor(f.pct * 0.4),
        estimated_time_to_regain_access: f.regainMinutes,
        ads_api_access_tier: TIER,
      };
    });
    const mgmt = buc[0]!;
    const account = this.#buc(accountId, 'ads_management');
    out['x-ad-account-usage'] = JSON.stringify({
      acc_id_util_pct: Math.max(Math.round(account.pct * 100) / 100, mgmt.call_count),
      reset_time_duration: account.resetSeconds,
      ads_api_access_tier: TIER,
    });
    out['x-business-use-case-usage'] = JSON.stringify({ [accountId]: buc });
    if (useCase === 'ads_insights') {
      out['x-fb-ads-insights-throttle'] = JSON.stringify({
        app_id_util_pct: Math.floor(app.pct),
        acc_id_util_pct: buc[1]!.call_count,
        ads_api_access_tier: TIER,
      });
    }
    return out;
  }

  reset(): void {
    this.#app = [];
    this.#accounts.clear();
  }

  #buc(accountId: string, useCase: UseCase): Figure {
    const active = this.activeAds(accountId);
    const limit =
      useCase === 'ads_insights'
        ? (this.limits.adsInsightsPerHour ?? 600 + 400 * active)
        : (this.limits.adsManagementPerHour ?? 300 + 40 * active);
    return this.#figure(this.#accounts.get(`${accountId}:${useCase}`) ?? [], limit);
  }

  /** Prunes the window in place, then derives percentage and wait times. */
  #figure(calls: number[], limit: number): Figure {
    const now = this.now();
    const cutoff = now - this.limits.windowMs;
    let drop = 0;
    while (drop < calls.length && (calls[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) calls.splice(0, drop);
    const pct = limit > 0 ? (calls.length / limit) * 100 : 100;
    const oldest = calls[0];
    const resetSeconds = oldest === undefined ? 0 : Math.ceil((oldest + this.limits.windowMs - now) / 1000);
    // Access comes back once enough of the oldest calls leave the window.
    const blocking = calls[calls.length - limit];
    const regainMinutes =
      pct >= 100 && blocking !== undefined ? Math.ceil((blocking + this.limits.windowMs - now) / 60_000) : 0;
    return { pct, regainMinutes, resetSeconds };
  }
}

const THROTTLE_TEXT: Record<number, { message: string; subcode?: number }> = {
  4: { message: '(#4) Application request limit reached' },
  17: { message: '(#17) User request limit reached', subcode: 2446079 },
  32: { message: '(#32) Page request limit reached' },
  613: { message: '(#613) Calls to this api have exceeded the rate limit.', subcode: 1487742 },
  80000: {
    message:
      '(#80000) There have been too many calls from this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.',
    subcode: 2446079,
  },
  80004: {
    message:
      '(#80004) There have been too many calls to this ad-account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.',
    subcode: 2446079,
  },
};

export function throttleError(code: number, status = 400): SandboxResponse {
  const t = THROTTLE_TEXT[code] ?? { message: `(#${code}) There have been too many calls. Wait a bit and try again.` };
  return graphError({
    message: t.message,
    code,
    ...(t.subcode === undefined ? {} : { subcode: t.subcode }),
    isTransient: true,
    status,
  });
}
