-- Outbound webhooks to the host application (Standard Webhooks). An endpoint's signing
-- secret is sealed by the vault, bound to its org, row and column; after a rotation the
-- previous secret keeps signing beside the new one until previous_secret_expires_at.
create table webhook_endpoints (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  url text not null check (url ~* '^https?://' and length(url) <= 2000),
  description text check (length(description) <= 500),
  -- event types this endpoint receives; empty means every type
  event_types text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'disabled')),
  disabled_reason text,
  disabled_at timestamptz,
  secret jsonb not null,
  secret_key_id text not null,
  previous_secret jsonb,
  previous_secret_key_id text,
  previous_secret_expires_at timestamptz,
  -- the current run of failed attempts (no success in between) and when it began: the
  -- disable rule reads these, a success or a re-enable clears them
  consecutive_failures int not null default 0,
  failing_since timestamptz,
  last_success_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index webhook_endpoints_active on webhook_endpoints (org_id) where status = 'active';
alter table webhook_endpoints enable row level security;
create policy webhook_endpoints_isolation on webhook_endpoints
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on webhook_endpoints to plexus_app;

-- One delivery per endpoint and event: fan-out that runs twice adds nothing.
create table webhook_deliveries (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  endpoint_id uuid not null,
  event_id uuid not null,
  event_type text not null,
  status text not null default 'pending'
    check (status in ('pending', 'succeeded', 'failed', 'retrying', 'disabled')),
  attempts int not null default 0,
  next_attempt_at timestamptz,
  last_status_code int,
  last_latency_ms int,
  last_response_excerpt text,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  primary key (org_id, id),
  unique (org_id, endpoint_id, event_id),
  foreign key (org_id, endpoint_id) references webhook_endpoints (org_id, id) on delete cascade,
  foreign key (org_id, event_id) references events (org_id, id) on delete cascade
);
create index webhook_deliveries_by_endpoint on webhook_deliveries (org_id, endpoint_id, created_at desc);
create index webhook_deliveries_open on webhook_deliveries (org_id, endpoint_id) where status in ('pending', 'retrying');
alter table webhook_deliveries enable row level security;
create policy webhook_deliveries_isolation on webhook_deliveries
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on webhook_deliveries to plexus_app;

-- Every attempt, kept for the delivery log.
create table webhook_delivery_attempts (
  org_id uuid not null,
  delivery_id uuid not null,
  attempt int not null,
  status_code int,
  latency_ms int,
  response_excerpt text,
  error text,
  at timestamptz not null default now(),
  primary key (org_id, delivery_id, attempt),
  foreign key (org_id, delivery_id) references webhook_deliveries (org_id, id) on delete cascade
);
alter table webhook_delivery_attempts enable row level security;
create policy webhook_delivery_attempts_isolation on webhook_delivery_attempts
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert on webhook_delivery_attempts to plexus_app;
