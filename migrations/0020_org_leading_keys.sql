-- Keys of the content tables led by org_id, like every other tenant table's: a sharded
-- PostgreSQL distributing tables by org_id can only enforce a primary key, a unique key or a
-- foreign key on one shard when org_id leads it. Uniqueness is unchanged: an id, an item and a
-- connection each belong to one org already, so adding org_id in front admits no new duplicate.
-- Runs on populated tables inside the migration's transaction. The new foreign keys also check
-- that a row's org is its parent's; a row pointing into another org stops the migration there.

-- Foreign keys on the single-column ids go first: a primary key cannot be dropped under them.
alter table content_targets drop constraint content_targets_item_id_fkey;
alter table content_conflicts drop constraint content_conflicts_item_id_fkey,
  drop constraint content_conflicts_target_id_fkey;
alter table publish_batch_items drop constraint publish_batch_items_batch_id_fkey,
  drop constraint publish_batch_items_item_id_fkey;

alter table content_items drop constraint content_items_pkey, add constraint content_items_pkey primary key (org_id, id);
alter table content_targets drop constraint content_targets_pkey, add constraint content_targets_pkey primary key (org_id, id);
alter table content_conflicts drop constraint content_conflicts_pkey, add constraint content_conflicts_pkey primary key (org_id, id);
alter table publish_batches drop constraint publish_batches_pkey, add constraint publish_batches_pkey primary key (org_id, id);
alter table publish_batch_items drop constraint publish_batch_items_pkey,
  add constraint publish_batch_items_pkey primary key (org_id, batch_id, item_id, connection_id);
alter table content_media_targets drop constraint content_media_targets_pkey,
  add constraint content_media_targets_pkey primary key (org_id, connection_id, sha256);
alter table content_poll_state drop constraint content_poll_state_pkey,
  add constraint content_poll_state_pkey primary key (org_id, connection_id, kind, collection);

alter table content_targets drop constraint content_targets_item_id_connection_id_key,
  add constraint content_targets_item_connection_key unique (org_id, item_id, connection_id);
alter table content_targets drop constraint content_targets_connection_id_remote_id_key,
  add constraint content_targets_remote_key unique (org_id, connection_id, remote_id);

-- One open conflict per target.
drop index content_conflicts_open;
create unique index content_conflicts_open on content_conflicts (org_id, target_id) where status = 'open';

alter table content_targets add constraint content_targets_item_fkey
  foreign key (org_id, item_id) references content_items (org_id, id) on delete cascade;
alter table content_conflicts add constraint content_conflicts_item_fkey
  foreign key (org_id, item_id) references content_items (org_id, id) on delete cascade;
alter table content_conflicts add constraint content_conflicts_target_fkey
  foreign key (org_id, target_id) references content_targets (org_id, id) on delete cascade;
alter table publish_batch_items add constraint publish_batch_items_batch_fkey
  foreign key (org_id, batch_id) references publish_batches (org_id, id) on delete cascade;
alter table publish_batch_items add constraint publish_batch_items_item_fkey
  foreign key (org_id, item_id) references content_items (org_id, id) on delete cascade;
