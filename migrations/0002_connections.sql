-- Connections to platforms. Credentials are sealed by the vault (envelope encryption bound
-- to org and row); nothing in this table is a usable secret.
create table connections (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  provider text not null,
  status text not null default 'active'
    check (status in ('pending', 'active', 'needs_reauth', 'error', 'deleted')),
  display_name text,
  -- the platform's account, shop or site id, used to route webhooks
  external_account_id text,
  config jsonb not null default '{}',
  credentials jsonb,
  credentials_key_id text,
  scopes text[] not null default '{}',
  expires_at timestamptz,
  last_refreshed_at timestamptz,
  refresh_lease_until timestamptz,
  refresh_lease_owner text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, id)
);
create index connections_expiry on connections (expires_at) where status = 'active';
create index connections_account on connections (provider, external_account_id);
alter table connections enable row level security;
create policy connections_isolation on connections
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on connections to plexus_app;
