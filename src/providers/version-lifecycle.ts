import { envPrefix, type ProviderApps } from './apps.ts';
import { isProviderId, listProviders } from './registry.ts';
import type { ProviderDefinition } from './types.ts';

/** A configured version this close to its sunset (or past it) is warned about. */
export const SUNSET_WARNING_DAYS = 90;

const DAY_MS = 86_400_000;

/**
 * Where a provider's configured API version stands on a given day:
 * - `current`: no sunset announced, or more than 90 days away;
 * - `sunset_soon`: announced and at most 90 days away;
 * - `sunset_passed`: the platform no longer serves it (calls fail, or Shopify falls forward);
 * - `unknown`: a version set with `PLEXUS_<ID>_VERSION` that the definition has no dates for.
 */
export type VersionState = 'current' | 'sunset_soon' | 'sunset_passed' | 'unknown';

export interface VersionStatus {
  provider: string;
  version: string;
  /** True when `PLEXUS_<ID>_VERSION` replaced the definition's pinned version. */
  overridden: boolean;
  released: string | null;
  sunset: string | null;
  tentative: boolean;
  /** Whole days from the clock's day to the sunset day; negative once passed; null without a sunset. */
  days_to_sunset: number | null;
  state: VersionState;
  /** The newest version the definition knows (what to move to). */
  newest: string;
  source: string;
}

/** `2027-11` counts from its first day, so a month-only sunset warns early rather than late. */
export function sunsetDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, (m ?? 1) - 1, d ?? 1);
}

/** The version a provider's calls use: `PLEXUS_<ID>_VERSION` (app extra `version`) or the pinned one. */
export function configuredVersion(def: ProviderDefinition, apps?: ProviderApps): string {
  const app = apps && isProviderId(def.id) ? apps[def.id] : undefined;
  return app?.extra.version ?? def.api.version;
}

export function versionStatus(def: ProviderDefinition, version: string, now: Date): VersionStatus {
  const dates = def.api.lifecycle.versions[version];
  const base = {
    provider: def.id,
    version,
    overridden: version !== def.api.version,
    newest: def.api.version,
    source: def.api.lifecycle.source,
  };
  if (!dates)
    return { ...base, released: null, sunset: null, tentative: false, days_to_sunset: null, state: 'unknown' };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = dates.sunset === null ? null : Math.round((sunsetDay(dates.sunset) - today) / DAY_MS);
  const state: VersionState =
    days === null || days > SUNSET_WARNING_DAYS ? 'current' : days <= 0 ? 'sunset_passed' : 'sunset_soon';
  return {
    ...base,
    released: dates.released,
    sunset: dates.sunset,
    tentative: dates.tentative ?? false,
    days_to_sunset: days,
    state,
  };
}

/** Every provider's configured version, judged on `now`. */
export function versionStatuses(apps: ProviderApps | undefined, now: Date): VersionStatus[] {
  return listProviders().map((def) => versionStatus(def, configuredVersion(def, apps), now));
}

/** Only those an operator must act on: near or past the sunset, or undated overrides. */
export function versionWarnings(apps: ProviderApps | undefined, now: Date): VersionStatus[] {
  return versionStatuses(apps, now).filter((s) => s.state !== 'current');
}

/** One sentence per warning, for logs. */
export function describeVersionWarning(s: VersionStatus): string {
  const name = `${s.provider} API version ${s.version}`;
  if (s.state === 'unknown') return `${name} has no known release or sunset date; Plexus pins ${s.newest}.`;
  const when = `${s.tentative ? 'projected ' : ''}sunset ${s.sunset}`;
  const advice = s.overridden
    ? `move to ${s.newest}`
    : `upgrade Plexus or set ${envName(s.provider)} to a newer version`;
  if (s.state === 'sunset_passed') return `${name} passed its ${when}; ${advice} (${s.source}).`;
  return `${name} reaches its ${when} in ${s.days_to_sunset} days; ${advice} (${s.source}).`;
}

const envName = (id: string) => `${envPrefix(id)}VERSION`;
