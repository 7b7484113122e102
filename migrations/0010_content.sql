-- The unified content model and its two-way sync with CMS sites. An item is the hub's version;
-- each target is its copy on one connection, with the base snapshot of the last synced version
-- (the common ancestor of three-way merges), the site's version marker and a hash.
create table content_items (
  org_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  -- the host application's own id, so it can upsert without keeping ours
  external_id text,
  kind text not null check (kind in ('post', 'page', 'product', 'item')),
  title text not null default '',
  body_html text not null default '',
  excerpt text not null default '',
  slug text not null,
  status text not null default 'draft' check (status in ('draft', 'published')),
  categories text[] not null default '{}',
  tags text[] not null default '{}',
  featured_media text,
  author text,
  -- overrides the connection's policy for this item
  conflict_policy text check (conflict_policy in ('hub_wins', 'remote_wins', 'latest_wins', 'manual')),
  -- bumped by every hub-side change; a target synced at an older version has hub edits to push
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, external_id)
);
create index content_items_org on content_items (org_id, created_at, id);
alter table content_items enable row level security;
create policy content_items_isolation on content_items
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on content_items to plexus_app;

-- Image bytes, by content hash: an item names its featured image by hash.
create table content_media (
  org_id uuid not null,
  sha256 text not null,
  filename text not null,
  content_type text not null,
  alt text,
  bytes bytea not null,
  created_at timestamptz not null default now(),
  primary key (org_id, sha256)
);
alter table content_media enable row level security;
create policy content_media_isolation on content_media
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on content_media to plexus_app;

-- One upload per image per site.
create table content_media_targets (
  org_id uuid not null,
  connection_id uuid not null,
  foreign key (org_id, connection_id) references connections (org_id, id) on delete cascade,
  sha256 text not null,
  remote_id text not null,
  url text,
  primary key (connection_id, sha256)
);
create index content_media_targets_remote on content_media_targets (connection_id, remote_id);
alter table content_media_targets enable row level security;
create policy content_media_targets_isolation on content_media_targets
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on content_media_targets to plexus_app;

create table content_targets (
  org_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  item_id uuid not null references content_items (id) on delete cascade,
  connection_id uuid not null,
  foreign key (org_id, connection_id) references connections (org_id, id) on delete cascade,
  kind text not null,
  collection text,
  remote_id text,
  remote_version text,
  remote_modified_at timestamptz,
  -- fields as both sides agreed at the last sync: the base of the next three-way merge
  base jsonb,
  base_hash text,
  hub_version integer,
  state text not null default 'pending'
    check (state in ('pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed')),
  -- set before a create is sent: a retry that finds it set looks the item up by slug first
  create_started_at timestamptz,
  last_synced_at timestamptz,
  last_error jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (item_id, connection_id),
  unique (connection_id, remote_id)
);
create index content_targets_org on content_targets (org_id, connection_id, state);
alter table content_targets enable row level security;
create policy content_targets_isolation on content_targets
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on content_targets to plexus_app;

-- Overlapping edits, kept as history once resolved.
create table content_conflicts (
  org_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  item_id uuid not null references content_items (id) on delete cascade,
  target_id uuid not null references content_targets (id) on delete cascade,
  -- [{field, base, hub, remote}] for each field both sides changed differently
  fields jsonb not null,
  -- the merge of every other field, applied together with the resolution
  merged jsonb not null,
  hub_version integer not null,
  remote_version text,
  remote_modified_at timestamptz,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution jsonb,
  resolved_by text,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create unique index content_conflicts_open on content_conflicts (target_id) where status = 'open';
create index content_conflicts_org on content_conflicts (org_id, status, created_at);
alter table content_conflicts enable row level security;
create policy content_conflicts_isolation on content_conflicts
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on content_conflicts to plexus_app;

create table publish_batches (
  org_id uuid not null,
  id uuid primary key default gen_random_uuid(),
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'completed_with_errors', 'rolling_back', 'rolled_back')),
  dry_run boolean not null default false,
  idempotency_key text,
  total integer not null default 0,
  done integer not null default 0,
  failed integer not null default 0,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  unique (org_id, idempotency_key)
);
alter table publish_batches enable row level security;
create policy publish_batches_isolation on publish_batches
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on publish_batches to plexus_app;

create table publish_batch_items (
  org_id uuid not null,
  batch_id uuid not null references publish_batches (id) on delete cascade,
  seq integer not null,
  item_id uuid not null references content_items (id) on delete cascade,
  connection_id uuid not null,
  foreign key (org_id, connection_id) references connections (org_id, id) on delete cascade,
  action text check (action in ('create', 'update', 'noop')),
  status text not null default 'pending' check (status in ('pending', 'done', 'conflict', 'failed', 'rolled_back')),
  remote_id text,
  -- the remote fields before an update, for rollback
  previous jsonb,
  -- dry run: what would change, field by field
  plan jsonb,
  error jsonb,
  updated_at timestamptz not null default now(),
  primary key (batch_id, item_id, connection_id)
);
create index publish_batch_items_order on publish_batch_items (batch_id, connection_id, seq);
alter table publish_batch_items enable row level security;
create policy publish_batch_items_isolation on publish_batch_items
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update on publish_batch_items to plexus_app;

-- Polling watermark per connection and location.
create table content_poll_state (
  org_id uuid not null,
  connection_id uuid not null,
  foreign key (org_id, connection_id) references connections (org_id, id) on delete cascade,
  kind text not null,
  collection text not null default '',
  watermark text,
  polled_at timestamptz,
  primary key (connection_id, kind, collection)
);
alter table content_poll_state enable row level security;
create policy content_poll_state_isolation on content_poll_state
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on content_poll_state to plexus_app;

alter table connections add column conflict_policy text not null default 'manual'
  check (conflict_policy in ('hub_wins', 'remote_wins', 'latest_wins', 'manual'));
