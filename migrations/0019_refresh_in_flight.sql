-- A refresh token sent is an effect outside the database: with rotating refresh tokens a second
-- use revokes the grant. Before the call, the lease holder records which token version it sent,
-- who it is (owner#generation) and when, in the transaction that checks its lease. A later runner
-- finding that record treats the refresh as in flight (settle window) instead of sending the same
-- refresh token again; the generation (bumped by every lease) fences a holder that woke up late.
alter table connections
  add column refresh_generation bigint not null default 0,
  add column refresh_sent_version int,
  add column refresh_sent_by text,
  add column refresh_sent_at timestamptz;
