import { Counter, Histogram, type Metric, type Registry } from 'prom-client';

/**
 * Process-wide series about platforms and work, incremented where the work happens (the
 * platform HTTP client, the job runner, ingress, delivery, publish) and registered into every
 * app's registry by `createMetrics`.
 */
const all: Metric[] = [];

/** A series of this module: created in no registry, it is added to each by `registerPlatformMetrics`. */
function processWide<M extends Metric>(metric: M): M {
  all.push(metric);
  return metric;
}

function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return processWide(new Counter({ name, help, labelNames, registers: [] }));
}

export const platformCalls = counter(
  'plexus_platform_calls_total',
  'Platform HTTP calls by provider and status class (2xx, 3xx, 4xx, 5xx, network)',
  ['provider', 'status_class'],
);

export const platformLatency = processWide(
  new Histogram({
    name: 'plexus_platform_call_duration_seconds',
    help: 'Platform HTTP call latency by provider',
    labelNames: ['provider'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  }),
);

export const platformRateLimited = counter(
  'plexus_platform_rate_limited_total',
  'Platform answers with HTTP 429, by provider',
  ['provider'],
);

export const platformBackoffSeconds = counter(
  'plexus_platform_backoff_seconds_total',
  'Seconds of back-off scheduled after rate limits and platform outages, by provider',
  ['provider', 'reason'],
);

export const tokenRefreshes = counter(
  'plexus_token_refreshes_total',
  'Token refreshes by provider and outcome (success, failed, revoked)',
  ['provider', 'outcome'],
);

export const webhooksIn = counter(
  'plexus_webhooks_in_total',
  'Inbound platform webhooks by provider and outcome (accepted, duplicate, rejected, handshake)',
  ['provider', 'outcome'],
);

export const deliveriesOut = counter(
  'plexus_webhook_deliveries_total',
  'Outbound webhook delivery attempts by outcome',
  ['outcome'],
);

export const publishItems = counter('plexus_publish_items_total', 'Published content items by provider and outcome', [
  'provider',
  'outcome',
]);

export const jobOutcomes = counter(
  'plexus_job_outcomes_total',
  'Jobs finished by this process, by task and outcome (success, retry, dead_letter)',
  ['task', 'outcome'],
);

export function registerPlatformMetrics(registry: Registry): void {
  for (const m of all) registry.registerMetric(m);
}
