-- Issue 12: one reconcile per content target at a time; content syncs recorded as runs; publish
-- decisions that adopt or refuse; publish batches and rollbacks that end when their job dies.

-- A row lease (no lock held during site calls): the job merging a target holds it.
alter table content_targets add column reconcile_owner text, add column reconcile_until timestamptz;

-- Sync runs of every family, with content progress and the job that runs them.
alter table sync_runs add column kind text not null default 'ads' check (kind in ('ads', 'content'));
alter table sync_runs add column job_id bigint;
alter table sync_runs add column items_read integer not null default 0,
  add column items_merged integer not null default 0,
  add column conflicts integer not null default 0,
  add column items_written integer not null default 0;
create index sync_runs_job on sync_runs (org_id, job_id);

alter table publish_batch_items drop constraint publish_batch_items_action_check;
alter table publish_batch_items add constraint publish_batch_items_action_check check (action in ('create', 'adopt', 'update', 'noop', 'refuse'));

alter table publish_batches drop constraint publish_batches_status_check;
alter table publish_batches add constraint publish_batches_status_check
  check (status in ('queued', 'running', 'completed', 'completed_with_errors', 'failed', 'rolling_back', 'rolled_back', 'rollback_failed'));
alter table publish_batches add column error jsonb;
