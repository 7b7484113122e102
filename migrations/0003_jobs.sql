-- Jobs run on graphile-worker in this same database. The application role may not touch
-- the queue's tables; it enqueues through these functions, inside its own transaction,
-- and a tenant can only enqueue work that names its own org.
create function plexus_enqueue(
  task text, payload json, run_at timestamptz default null, job_key text default null,
  max_attempts int default null, queue_name text default null, priority int default null
) returns bigint
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
declare
  v_id bigint;
begin
  if (payload ->> 'org_id') is distinct from nullif(current_setting('plexus.org_id', true), '') then
    raise exception 'job payload org_id does not match the transaction org' using errcode = '42501';
  end if;
  select j.id into v_id
    from graphile_worker.add_job(task, payload, queue_name, run_at, max_attempts, job_key, priority) j;
  return v_id;
end
$$;

-- Many jobs in one statement (one round trip for bulk work).
create function plexus_enqueue_many(specs jsonb) returns setof bigint
  language plpgsql security definer
  set search_path = pg_catalog, public
  as $$
begin
  if exists (
    select 1 from jsonb_array_elements(specs) s
    where (s -> 'payload' ->> 'org_id') is distinct from nullif(current_setting('plexus.org_id', true), '')
  ) then
    raise exception 'job payload org_id does not match the transaction org' using errcode = '42501';
  end if;
  return query
    select j.id from graphile_worker.add_jobs(array(
      select row(
        s ->> 'task', (s -> 'payload')::json, s ->> 'queue_name', (s ->> 'run_at')::timestamptz,
        (s ->> 'max_attempts')::int, s ->> 'job_key', (s ->> 'priority')::int, null::text[]
      )::graphile_worker.job_spec
      from jsonb_array_elements(specs) s
    )) j;
end
$$;

revoke all on function plexus_enqueue(text, json, timestamptz, text, int, text, int) from public;
revoke all on function plexus_enqueue_many(jsonb) from public;
grant execute on function plexus_enqueue(text, json, timestamptz, text, int, text, int) to plexus_app;
grant execute on function plexus_enqueue_many(jsonb) to plexus_app;

-- Jobs that failed for good (a permanent error, or retries exhausted), moved out of the
-- queue. System jobs with no org carry the nil uuid and are visible to no org.
create table dead_letters (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  job_id bigint not null,
  task text not null,
  payload jsonb not null,
  job_key text,
  queue_name text,
  attempts int not null,
  error_code text not null,
  error_message text not null,
  failed_at timestamptz not null default now(),
  replayed_at timestamptz,
  replay_job_id bigint,
  primary key (org_id, id),
  unique (org_id, job_id)
);
create index dead_letters_recent on dead_letters (org_id, failed_at desc);
alter table dead_letters enable row level security;
create policy dead_letters_isolation on dead_letters
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, update on dead_letters to plexus_app;

-- Live worker processes. A process whose heartbeat is stale is dead: the jobs its workers
-- held are unlocked so another process runs them (graphile-worker alone waits 4 hours).
create table worker_nodes (
  id text primary key,
  hostname text not null,
  pid int not null,
  worker_ids text[] not null default '{}',
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);
