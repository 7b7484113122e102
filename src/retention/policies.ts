/**
 * What retention prunes, table by table. Kinds are what an org sets (days per kind); each
 * policy names the table, the column that ages a row and which rows may go. A table another
 * module adds is one line here; a table that does not exist (yet) in this database is skipped.
 */
export const RETENTION_KINDS = [
  'operations',
  'webhook_payloads',
  'delivery_attempts',
  'raw_payloads',
  'content_snapshots',
  'audit',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Days kept when an org sets nothing. The audit trail outlives the operations log by far. */
export const RETENTION_DEFAULTS: Readonly<Record<RetentionKind, number>> = {
  operations: 14,
  webhook_payloads: 30,
  delivery_attempts: 30,
  raw_payloads: 90,
  content_snapshots: 90,
  audit: 400,
};

export interface RetentionPolicy {
  kind: RetentionKind;
  table: string;
  /** the timestamp that ages a row; for a table another module owns, candidates in order */
  ageColumn: string | readonly string[];
  /** only rows that match may go (SQL over the table aliased `t`) */
  where?: string;
  /** blank out these columns instead of deleting the row (the row itself is still needed) */
  clear?: string;
  /** the audit trail refuses deletes unless the transaction says it is the pruner */
  auditPurge?: boolean;
}

export const RETENTION_POLICIES: readonly RetentionPolicy[] = [
  { kind: 'operations', table: 'operation_messages', ageColumn: ['created_at', 'at', 'started_at'] },
  { kind: 'operations', table: 'operations', ageColumn: ['started_at', 'created_at'] },
  // Events still waiting in the inbox are work, not history.
  { kind: 'webhook_payloads', table: 'webhook_inbox', ageColumn: 'received_at', where: "t.status <> 'received'" },
  { kind: 'delivery_attempts', table: 'webhook_delivery_attempts', ageColumn: 'at' },
  {
    kind: 'delivery_attempts',
    table: 'webhook_deliveries',
    ageColumn: 'created_at',
    where: "t.status not in ('pending', 'retrying')",
  },
  {
    kind: 'delivery_attempts',
    table: 'events',
    ageColumn: 'created_at',
    where:
      "not exists (select 1 from webhook_deliveries d where d.org_id = t.org_id and d.event_id = t.id and d.status in ('pending', 'retrying'))",
  },
  // The unified model stays; the platform's raw payload kept beside it goes.
  {
    kind: 'raw_payloads',
    table: 'ad_entities',
    ageColumn: 'updated_at',
    clear: "raw = '{}'::jsonb",
    where: "t.raw <> '{}'::jsonb",
  },
  { kind: 'raw_payloads', table: 'ad_metric_revisions', ageColumn: 'changed_at' },
  // Merge bases live on content_targets and are never pruned; these are older copies: the
  // site's fields before a publish (for rollback) and the three sides of resolved conflicts.
  {
    kind: 'content_snapshots',
    table: 'publish_batch_items',
    ageColumn: 'updated_at',
    clear: 'previous = null, plan = null',
    where: "(t.previous is not null or t.plan is not null) and t.status <> 'pending'",
  },
  { kind: 'content_snapshots', table: 'content_conflicts', ageColumn: 'resolved_at', where: "t.status = 'resolved'" },
  { kind: 'audit', table: 'audit_log', ageColumn: 'at', auditPurge: true },
];
