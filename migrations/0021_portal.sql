-- The org portal: sessions a host app opens for one of its users, and the org's portal settings.
--
-- A session is entered once through a link carrying `pxe_<org hex>_<secret>`; entering swaps
-- it for a cookie carrying `pxs_<org hex>_<secret>`. Only SHA-256 hashes of both are stored,
-- so a leaked table neither enters nor impersonates, and the org id in each value lets the
-- lookup run inside that org's row-level security from its first query.
create table portal_sessions (
  org_id uuid not null references orgs (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  enter_hash bytea not null,
  session_hash bytea,
  mode text not null check (mode in ('read_only', 'manage')),
  sections text[] not null,
  end_user_ref text,
  -- the API key that opened it (null once that key is gone)
  created_by_key uuid,
  lifetime_seconds int not null check (lifetime_seconds between 60 and 86400),
  enter_expires_at timestamptz not null,
  entered_at timestamptz,
  -- set when entered: entered_at + lifetime
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (org_id, id)
);
create unique index portal_sessions_enter on portal_sessions (org_id, enter_hash);
create unique index portal_sessions_cookie on portal_sessions (org_id, session_hash) where session_hash is not null;
alter table portal_sessions enable row level security;
create policy portal_sessions_isolation on portal_sessions
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on portal_sessions to plexus_app;

-- Branding and embedding: which origins may frame the portal (CSP frame-ancestors), the name
-- and logo shown in its header, and its accent colour. No row: the org's name, no framing.
create table org_portal_settings (
  org_id uuid not null references orgs (id) on delete cascade,
  allowed_origins text[] not null default '{}',
  display_name text check (length(display_name) between 1 and 200),
  logo_url text check (length(logo_url) <= 2000),
  accent_color text check (accent_color ~ '^#[0-9a-f]{6}$'),
  updated_at timestamptz not null default now(),
  primary key (org_id)
);
alter table org_portal_settings enable row level security;
create policy org_portal_settings_isolation on org_portal_settings
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on org_portal_settings to plexus_app;

-- The portal lists sync runs across an org's connections, newest first (GET /v1/sync-runs).
create index sync_runs_recent on sync_runs (org_id, started_at desc, id desc);
-- The portal's connection list pages newest first (GET /v1/connections): without this an org
-- with 10,000 connections sorts them all for every page.
create index connections_recent on connections (org_id, created_at desc, id desc);
