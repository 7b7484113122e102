-- Inbound platform webhooks. Every verified event is kept, routed or not: rows that match
-- no connection carry the nil org and status 'unmatched'. The inbox row and its processing
-- job are written in one transaction before the platform gets its 2xx.
create table webhook_inbox (
  org_id uuid not null,
  id uuid not null default gen_random_uuid(),
  provider text not null,
  connection_id uuid,
  -- the platform's event id, or a hash of the event where it has none
  dedupe_key text not null,
  topic text,
  -- the account, shop or site id the event names (how it was routed)
  account_ref text,
  payload jsonb not null,
  status text not null default 'received'
    check (status in ('received', 'processed', 'failed', 'unmatched')),
  attempts int not null default 0,
  last_error text,
  -- the inbox is the queue: a drain job per org takes due rows in batches
  next_attempt_at timestamptz not null default now(),
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  primary key (org_id, id),
  unique (org_id, provider, dedupe_key)
);
create index webhook_inbox_recent on webhook_inbox (org_id, received_at desc);
create index webhook_inbox_due on webhook_inbox (org_id, next_attempt_at) where status = 'received';
alter table webhook_inbox enable row level security;
create policy webhook_inbox_isolation on webhook_inbox
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, update on webhook_inbox to plexus_app;

-- Every id an event may name for this connection (account, ad accounts, shop, site), so
-- routing is one indexed lookup; and the per-connection webhook secret (sealed) for CMS
-- companion plugins.
alter table connections
  add column account_refs text[] not null default '{}',
  add column webhook_secret jsonb,
  add column webhook_secret_key_id text;
create index connections_account_refs on connections using gin (account_refs) where status = 'active';

-- Accepting a batch of verified events is one statement (atomic on its own, one round trip):
-- route and insert (duplicates skipped). It returns the orgs whose drain job needs waking;
-- the caller wakes them after the commit, so concurrent batches never queue on the job row.
create function plexus_inbox_accept(events jsonb) returns uuid[]
  language sql
  set search_path = pg_catalog, public
  as $$
  with input as (
    select * from jsonb_to_recordset(events)
      as x(provider text, connection_id uuid, dedupe_key text, topic text, account_ref text, payload jsonb)
  ), routed as (
    select i.*, c.org_id as c_org, c.id as c_id
    from input i
    left join connections c on c.status = 'active' and c.provider = i.provider
      and ((i.connection_id is not null and c.id = i.connection_id)
        or (i.connection_id is null and i.account_ref is not null and c.account_refs @> array[i.account_ref]))
  ), ins as (
    insert into webhook_inbox (org_id, provider, connection_id, dedupe_key, topic, account_ref, payload, status)
    select coalesce(c_org, '00000000-0000-0000-0000-000000000000'::uuid), provider, c_id, dedupe_key, topic, account_ref,
           coalesce(payload, 'null'::jsonb), case when c_id is null then 'unmatched' else 'received' end
    from routed
    on conflict (org_id, provider, dedupe_key) do nothing
    returning org_id
  )
  select coalesce(array_agg(distinct org_id) filter (where org_id <> '00000000-0000-0000-0000-000000000000'::uuid), '{}') from ins
$$;
