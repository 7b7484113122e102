import { Counter, Histogram, type Metric, type Registry } from 'prom-client';

/**
 * Process-wide series about platforms and work, incremented where the work happens (the
 * platform HTTP client, the job runner, ingress, delivery, publish) and registered into every
 * app's registry by `createMetrics`.
 */
export const platformCalls = new Counter({
  name: 'plexus_platform_calls_total',
  help: 'Platform HTTP calls by provider and status class (2xx, 3xx, 4xx, 5xx, network)',
  labelNames: ['provider', 'status_class'] as const,
  registers: [],
});

export const platformLatency = new Histogram({
  name: 'plexus_platform_call_duration_seconds',
  help: 'Platform HTTP call latency by provider',
  labelNames: ['provider'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [],
});

export const platformRateLimited = new Counter({
  name: 'plexus_platform_rate_limited_total',
  help: 'Platform answers with HTTP 429, by provider',
  labelNames: ['provider'] as const,
  registers: [],
});

export const platformBackoffSeconds = new Counter({
  name: 'plexus_platform_backoff_seconds_total',
  help: 'Seconds of back-off scheduled after rate limits and platform outages, by provider',
  labelNames: ['provider', 'reason'] as const,
  registers: [],
});

export const tokenRefreshes = new Counter({
  name: 'plexus_token_refreshes_total',
  help: 'Token refreshes by provider and outcome (success, failed, revoked)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [],
});

export const webhooksIn = new Counter({
  name: 'plexus_webhooks_in_total',
  help: 'Inbound platform webhooks by provider and outcome (accepted, duplicate, rejected, handshake)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [],
});

export const deliveriesOut = new Counter({
  name: 'plexus_webhook_deliveries_total',
  help: 'Outbound webhook delivery attempts by outcome',
  labelNames: ['outcome'] as const,
  registers: [],
});

export const publishItems = new Counter({
  name: 'plexus_publish_items_total',
  help: 'Published content items by provider and outcome',
  labelNames: ['provider', 'outcome'] as const,
  registers: [],
});

export const jobOutcomes = new Counter({
  name: 'plexus_job_outcomes_total',
  help: 'Jobs finished by this process, by task and outcome (success, retry, dead_letter)',
  labelNames: ['task', 'outcome'] as const,
  registers: [],
});

const all: Metric[] = [
  platformCalls,
  platformLatency,
  platformRateLimited,
  platformBackoffSeconds,
  tokenRefreshes,
  webhooksIn,
  deliveriesOut,
  publishItems,
  jobOutcomes,
];

export function registerPlatformMetrics(registry: Registry): void {
  for (const m of all) registry.registerMetric(m);
}
