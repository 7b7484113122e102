-- The unified ads model: one shape for every ad platform. Rows are keyed by the connection
-- and the platform's id; money is integer micros of the account currency; statuses map to one
-- enum and the platform's own status and payload are kept beside.
create type ad_status as enum ('active', 'paused', 'pending', 'archived', 'deleted', 'error', 'unknown');

create table ad_entities (
  org_id uuid not null,
  connection_id uuid not null,
  level text not null check (level in ('account', 'campaign', 'ad_group', 'ad')),
  platform_id text not null,
  account_platform_id text not null,
  parent_platform_id text,
  name text,
  status ad_status not null default 'unknown',
  platform_status text,
  objective text,
  currency text,
  time_zone text,
  daily_budget_micros bigint,
  lifetime_budget_micros bigint,
  start_at timestamptz,
  end_at timestamptz,
  raw jsonb not null,
  -- the last sync that saw the row; rows not seen by a complete sync are deleted at the platform
  seen_run_id uuid,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, connection_id, level, platform_id)
);
create index ad_entities_parent on ad_entities (org_id, connection_id, level, parent_platform_id);
alter table ad_entities enable row level security;
create policy ad_entities_isolation on ad_entities
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on ad_entities to plexus_app;

-- Daily metrics per entity, in the account's time zone.
create table ad_metrics_daily (
  org_id uuid not null,
  connection_id uuid not null,
  level text not null,
  platform_id text not null,
  date date not null,
  impressions bigint not null default 0,
  clicks bigint not null default 0,
  spend_micros bigint not null default 0,
  conversions numeric not null default 0,
  currency text,
  updated_at timestamptz not null default now(),
  primary key (org_id, connection_id, level, platform_id, date)
);
alter table ad_metrics_daily enable row level security;
create policy ad_metrics_daily_isolation on ad_metrics_daily
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on ad_metrics_daily to plexus_app;

-- A re-pull that changed a stored metric keeps the previous values here (restatements).
create table ad_metric_revisions (
  org_id uuid not null,
  id bigint generated always as identity,
  connection_id uuid not null,
  level text not null,
  platform_id text not null,
  date date not null,
  previous jsonb not null,
  current jsonb not null,
  changed_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index ad_metric_revisions_entity on ad_metric_revisions (org_id, connection_id, platform_id, date);
alter table ad_metric_revisions enable row level security;
create policy ad_metric_revisions_isolation on ad_metric_revisions
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert on ad_metric_revisions to plexus_app;

-- Sync runs and their checkpoints: the cursor is saved with every page, in the page's own
-- transaction, so a killed worker resumes where the last committed page ended.
create table sync_runs (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  connection_id uuid not null,
  reason text not null,
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  -- entity → cursor of the next page to fetch (absent: not started; 'done': finished)
  checkpoint jsonb not null default '{}',
  pages int not null default 0,
  records int not null default 0,
  rate_limit_waits int not null default 0,
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (org_id, id)
);
create unique index sync_runs_one_running on sync_runs (org_id, connection_id) where status = 'running';
alter table sync_runs enable row level security;
create policy sync_runs_isolation on sync_runs
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on sync_runs to plexus_app;
