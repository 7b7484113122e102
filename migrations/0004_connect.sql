-- Connect sessions: one browser journey from "Connect" to a stored connection. The state
-- sent to the platform carries the org and session ids plus a random secret; only its hash
-- is kept, so the state is single-use, bound to its org and session, and useless if read here.
create table connect_sessions (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  provider text not null,
  status text not null default 'pending'
    check (status in ('pending', 'redirected', 'completed', 'failed', 'expired')),
  secret_hash bytea not null,
  scopes text[] not null default '{}',
  end_user_ref text,
  return_url text,
  -- connection config collected on the connect page (shop domain, site URL): not secret
  config jsonb not null default '{}',
  -- PKCE verifier or OAuth 1.0a request-token secret, sealed by the vault
  flow_secret jsonb,
  -- reconnecting an existing connection keeps its id
  connection_id uuid,
  error_code text,
  error_message text,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
alter table connect_sessions enable row level security;
create policy connect_sessions_isolation on connect_sessions
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on connect_sessions to plexus_app;

-- Events for the host application (outbound webhooks read them from here).
create table events (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index events_recent on events (org_id, created_at desc);
alter table events enable row level security;
create policy events_isolation on events
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert on events to plexus_app;

alter table connections
  add column end_user_ref text,
  add column last_refresh_error text,
  add column refresh_failures int not null default 0,
  add column next_refresh_at timestamptz,
  add column refresh_expires_at timestamptz,
  -- bumped by every credential write: a forced refresh names the version it saw fail, so a
  -- refresh someone else already made is never repeated
  add column token_version int not null default 0;
create unique index connections_identity on connections (org_id, provider, external_account_id)
  where external_account_id is not null and status <> 'deleted';
create index connections_refresh_due on connections (next_refresh_at) where status = 'active';

-- System work (the refresh scheduler, running as the owner outside any org) enqueues jobs
-- for many orgs. The org check therefore applies to the application role, whose jobs must
-- name the org of its transaction, and to any transaction that set an org.
create or replace function plexus_enqueue_org_check(payload_org text) returns void
  language plpgsql stable
  set search_path = pg_catalog, public
  as $$
declare
  v_org text := nullif(current_setting('plexus.org_id', true), '');
begin
  if (v_org is not null or session_user = 'plexus_app') and payload_org is distinct from v_org then
    raise exception 'job payload org_id does not match the transaction org' using errcode = '42501';
  end if;
end
$$;

create or replace function plexus_enqueue(
  task text, payload json, run_at timestamptz default null, job_key text default null,
  max_attempts int default null, queue_name text default null, priority int default null
) returns bigint
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
declare
  v_id bigint;
begin
  perform plexus_enqueue_org_check(payload ->> 'org_id');
  select j.id into v_id
    from graphile_worker.add_job(task, payload, queue_name, run_at, max_attempts, job_key, priority) j;
  return v_id;
end
$$;

create or replace function plexus_enqueue_many(specs jsonb) returns setof bigint
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
declare
  s jsonb;
begin
  for s in select * from jsonb_array_elements(specs) loop
    perform plexus_enqueue_org_check(s -> 'payload' ->> 'org_id');
  end loop;
  return query
    select j.id from graphile_worker.add_jobs(array(
      select row(
        e ->> 'task', (e -> 'payload')::json, e ->> 'queue_name', (e ->> 'run_at')::timestamptz,
        (e ->> 'max_attempts')::int, e ->> 'job_key', (e ->> 'priority')::int, null::text[]
      )::graphile_worker.job_spec
      from jsonb_array_elements(specs) e
    )) j;
end
$$;
