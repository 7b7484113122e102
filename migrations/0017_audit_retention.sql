-- Audit trail: who did what. Append-only: the application role may insert and read its own
-- org's rows, never update or delete them (no grant), and a trigger refuses updates and
-- deletes from every role, the owner included. Only the retention pruner and org erasure,
-- running as the owner, delete rows, and only after `set local plexus.audit_purge = 'on'`.
-- No foreign key to orgs: the record of an erasure outlives its org (under the nil org).
create table audit_log (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  -- insertion order: entries of one millisecond, or of one transaction, still read back in order
  seq bigint generated always as identity,
  at timestamptz not null default clock_timestamp(),
  actor_type text not null check (actor_type in ('api_key', 'end_user', 'portal_user', 'admin', 'system')),
  -- the API key's id, the end user's reference, the portal user's id or the system component
  actor_id text,
  -- the API key's visible prefix, so a person can tell keys apart
  actor_label text,
  action text not null check (length(action) between 1 and 100),
  target_type text,
  target_id text,
  details jsonb not null default '{}',
  request_id text,
  primary key (org_id, id)
);
create index audit_log_recent on audit_log (org_id, seq desc);
create index audit_log_time on audit_log (org_id, at);
create index audit_log_target on audit_log (org_id, target_type, target_id, at desc);
alter table audit_log enable row level security;
create policy audit_log_isolation on audit_log
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert on audit_log to plexus_app;

create function plexus_audit_append_only() returns trigger
  language plpgsql
  set search_path = pg_catalog, public
  as $$
begin
  if tg_op = 'DELETE' and session_user <> 'plexus_app' and current_setting('plexus.audit_purge', true) = 'on' then
    return old;
  end if;
  raise exception 'audit_log is append-only (% refused)', tg_op using errcode = '42501';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function plexus_audit_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function plexus_audit_append_only();

-- Per-org retention in days, by kind of data ({"operations": 7, ...}); a missing kind uses the
-- deployment default. Read and written by the org through the API.
create table org_retention (
  org_id uuid primary key references orgs (id) on delete cascade,
  days jsonb not null default '{}',
  updated_at timestamptz not null default now()
);
alter table org_retention enable row level security;
create policy org_retention_isolation on org_retention
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on org_retention to plexus_app;

-- Per-org key-encryption keys: every data key of the org's sealed secrets is wrapped by the
-- org's key, itself wrapped by a master key. Erasing an org deletes this row first, so a copy
-- of any of its sealed secrets (a backup, a replica) can never be opened again. Only the owner
-- (the vault) reads it; no foreign key, so it can be destroyed before anything else.
create table org_keys (
  org_id uuid primary key,
  id uuid not null default gen_random_uuid(),
  -- the org key wrapped by the master key `master_key_id` (the vault's sealed form)
  wrapped jsonb not null,
  master_key_id text not null,
  created_at timestamptz not null default now()
);
-- RLS like every org table, though the application role has no grant on it at all.
alter table org_keys enable row level security;
create policy org_keys_isolation on org_keys
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
