-- Tenancy: organisations, API keys, and the role the application connects as.
-- The role is created NOLOGIN here; start-up bootstrap gives it LOGIN and its password.
-- It is never a superuser and never BYPASSRLS, so row-level security always applies to it.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'plexus_app') then
    create role plexus_app nologin nosuperuser nobypassrls nocreatedb nocreaterole;
  end if;
end
$$;

grant usage on schema public to plexus_app;

-- The org of the current transaction. A missing or empty setting is NULL, and
-- `org_id = NULL` is never true: no setting means no rows, never all rows.
create function plexus_current_org() returns uuid
  language sql stable
  as $$ select nullif(current_setting('plexus.org_id', true), '')::uuid $$;

create table orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);
alter table orgs enable row level security;
create policy orgs_isolation on orgs
  using (id = plexus_current_org()) with check (id = plexus_current_org());
grant select, update on orgs to plexus_app;

create table api_keys (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  -- the visible start of the key, so a person can tell keys apart; never enough to use it
  prefix text not null,
  -- SHA-256 of the whole key: keys are 256-bit random, so a fast hash is enough
  key_hash bytea not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (org_id, id),
  unique (org_id, key_hash)
);
alter table api_keys enable row level security;
create policy api_keys_isolation on api_keys
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on api_keys to plexus_app;
