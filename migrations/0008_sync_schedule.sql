-- Per-connection sync schedule: null uses the deployment default (PLEXUS_SYNC_INTERVAL_MINUTES);
-- 0 turns scheduled syncs off for the connection (webhooks and on-demand syncs still run).
alter table connections
  add column sync_interval_minutes int check (sync_interval_minutes is null or sync_interval_minutes >= 0),
  add column last_sync_at timestamptz;
