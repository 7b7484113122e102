-- The operations log: every unit of work (a sync, a token refresh, a webhook processed, a
-- publish, an outbound delivery, a campaign write) is an operation, with its messages down to
-- each platform HTTP call. Written in batches by a buffered recorder (the owner pool, like the
-- dead letters), read through the application role under row-level security.
create table operations (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null,
  -- the operation this one ran inside (a token refresh during a sync), if any
  parent_id uuid,
  type text not null check (length(type) <= 60),
  connection_id uuid,
  provider text,
  -- who caused it: 'system', 'api_key:<id>', 'job:<task>'
  actor text not null default 'system',
  status text not null check (status in ('running', 'success', 'failed', 'retry_scheduled')),
  started_at timestamptz not null,
  ended_at timestamptz,
  -- counts the work reports (rows, pages, items) and the platform calls made
  summary jsonb not null default '{}',
  error_code text,
  error_message text,
  job_id text,
  attempt int,
  trace_id text,
  primary key (org_id, id)
);
create index operations_recent on operations (org_id, started_at desc, id desc);
create index operations_by_connection on operations (org_id, connection_id, started_at desc);
-- a rerun job closes the operation a lost worker left running
create index operations_running on operations (org_id, job_id) where status = 'running';
alter table operations enable row level security;
create policy operations_isolation on operations
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select on operations to plexus_app;

-- Messages of an operation, in order. A platform call is a message of kind 'http' whose
-- `http` holds method, path template, redacted query, status, duration, attempt, rate-limit
-- and quota headers, the platform's request id and a bounded, redacted excerpt of an error body.
create table operation_messages (
  org_id uuid not null references orgs (id) on delete cascade,
  operation_id uuid not null,
  seq int not null,
  at timestamptz not null,
  level text not null check (level in ('debug', 'info', 'warn', 'error')),
  kind text not null check (kind in ('log', 'http')),
  message text not null,
  http jsonb,
  primary key (org_id, operation_id, seq)
);
alter table operation_messages enable row level security;
create policy operation_messages_isolation on operation_messages
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select on operation_messages to plexus_app;
