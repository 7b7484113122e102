-- Leases with a fencing token. A lock is not ownership: a worker paused past its stale window
-- wakes up while another runs its job. Work with effects outside the database takes the lease
-- of the thing it changes (a new generation each time), and every write that records an effect
-- checks that its generation is still the current one, in the same transaction.
create table job_leases (
  resource text primary key,
  generation bigint not null,
  holder text not null,
  acquired_at timestamptz not null default now()
);
-- Leases are pruned a day after they were taken (a runner silent that long is fenced by its own heartbeat).
create index job_leases_acquired on job_leases (acquired_at);

-- The application role checks a lease inside its own org transaction without reading the table.
create function plexus_lease_held(p_resource text, p_generation bigint) returns boolean
  language sql stable security definer
  set search_path = pg_catalog, public
  as $$ select exists (select 1 from job_leases where resource = p_resource and generation = p_generation) $$;
revoke all on function plexus_lease_held(text, bigint) from public;
grant execute on function plexus_lease_held(text, bigint) to plexus_app;

-- Who sent a create: the lease (resource#generation) of the runner that marked it. Another
-- runner finding it treats the create as in flight (settle window, then a lookup), never as fresh.
alter table content_targets add column create_started_by text;
