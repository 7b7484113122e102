-- Idempotency keys of create requests, per org: the first answer is kept and replayed to a
-- retry with the same key and body. A row in flight (no answer yet) blocks a concurrent
-- request with the same key; one whose holder died is taken over after its lease. Kept 24 h.
create table idempotency_keys (
  org_id uuid not null,
  key text not null,
  -- the row's identity for the vault's authenticated data and for key rotation
  id uuid not null default gen_random_uuid(),
  -- method and route pattern plus a hash of the validated body: what "the same request" means
  request_hash text not null,
  method text not null,
  route text not null,
  state text not null default 'in_flight' check (state in ('in_flight', 'done')),
  locked_until timestamptz,
  response_status integer,
  -- the answer is sealed like any secret: a create can answer with one (a new API key)
  response_body jsonb,
  response_body_key_id text,
  response_type text,
  created_at timestamptz not null default now(),
  primary key (org_id, key),
  unique (org_id, id)
);
create index idempotency_keys_created on idempotency_keys (created_at);
alter table idempotency_keys enable row level security;
create policy idempotency_keys_isolation on idempotency_keys
  using (org_id = plexus_current_org()) with check (org_id = plexus_current_org());
grant select, insert, update, delete on idempotency_keys to plexus_app;
