import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ProviderApps } from '../providers/apps.ts';
import {
  describeVersionWarning,
  versionStatuses,
  versionWarnings,
  type VersionStatus,
} from '../providers/version-lifecycle.ts';

const METRIC = 'plexus_provider_version_sunset_days';

/**
 * `plexus_provider_version_sunset_days{provider,version,state}`: days until the configured API
 * version's announced sunset (negative once passed), for every provider whose version has one.
 * Alert on `< 90`; the `state` label says the same (`sunset_soon`, `sunset_passed`).
 */
export function registerVersionSunsetMetric(registry: Registry, apps: ProviderApps | undefined, clock: Clock): void {
  if (registry.getSingleMetric(METRIC)) return;
  new Gauge({
    name: METRIC,
    help: 'Days until the announced sunset of the API version each platform is called with (negative: past it)',
    labelNames: ['provider', 'version', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of versionStatuses(apps, clock.now())) {
        if (s.days_to_sunset !== null)
          this.set({ provider: s.provider, version: s.version, state: s.state }, s.days_to_sunset);
      }
    },
  });
}

export interface VersionHealth {
  /** False when some configured version is within 90 days of its sunset, past it, or undated. */
  ok: boolean;
  warnings: Array<
    Pick<VersionStatus, 'provider' | 'version' | 'state' | 'sunset' | 'days_to_sunset' | 'newest'> & { message: string }
  >;
}

/** The `/healthz` detail: a warning, not a failed check (calls still work until the sunset). */
export function versionHealth(apps: ProviderApps | undefined, now: Date): VersionHealth {
  const warnings = versionWarnings(apps, now).map((s) => ({
    provider: s.provider,
    version: s.version,
    state: s.state,
    sunset: s.sunset,
    days_to_sunset: s.days_to_sunset,
    newest: s.newest,
    message: describeVersionWarning(s),
  }));
  return { ok: warnings.length === 0, warnings };
}

/** One warning line per configured version near or past its sunset, at start. */
export function logVersionWarnings(log: Logger, apps: ProviderApps | undefined, clock: Clock): number {
  const warnings = versionWarnings(apps, clock.now());
  for (const s of warnings)
    log.warn(
      {
        provider: s.provider,
        api_version: s.version,
        state: s.state,
        sunset: s.sunset,
        days_to_sunset: s.days_to_sunset,
      },
      describeVersionWarning(s),
    );
  return warnings.length;
}
