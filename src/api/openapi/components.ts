import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_ACTOR_TYPES, AUDIT_TARGET_TYPES } from '../../audit/record.ts';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.ts';
import { MESSAGE_KINDS, MESSAGE_LEVELS, OPERATION_STATUSES, OPERATION_TYPES } from '../../operations/kinds.ts';
import { RETENTION_KINDS, type RetentionKind } from '../../retention/policies.ts';

/**
 * Named schemas shared between routes. A schema with a `meta({ id })` becomes one entry of
 * `components.schemas` and every route refers to it by `$ref`, so a generated client has one
 * type for it. New shared schemas go here, not in the route files.
 */

/** Every code of the error registry: a client can switch on them. */
export const errorCode = z
  .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
  .meta({ id: 'ErrorCode', description: 'A stable machine code from the error registry.' });

/** A payload kept as a platform or a caller sent it: its shape is theirs, not Plexus's. */
export const freeFormObject = z
  .record(z.string(), z.unknown())
  .meta({ id: 'FreeFormObject', description: 'A free-form JSON object, kept as the platform or the caller sent it.' });

export const errorIssue = z
  .object({
    path: z.string().optional(),
    in: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: 'ErrorIssue', description: 'What was wrong with one part of the request.' });

export const errorSchema = z
  .object({
    error: z.object({
      code: errorCode,
      message: z.string(),
      details: z
        .union([z.array(errorIssue), freeFormObject])
        .optional()
        .describe('Validation issues, or facts about the error (free-form).'),
      request_id: z.string().optional().describe('Given with server errors: quote it when asking for help.'),
    }),
  })
  .meta({ id: 'Error', description: 'Every error answer: `{"error":{"code","message","details?"}}`.' });

/** Status-like values, each as the database's check constraint or the code's union allows. */
const named = <const T extends readonly [string, ...string[]]>(id: string, values: T, description: string) =>
  z.enum(values).meta({ id, description });

export const connectionStatus = named(
  'ConnectionStatus',
  ['pending', 'active', 'needs_reauth', 'error', 'deleted'],
  'The state of a connection.',
);
export const connectSessionStatus = named(
  'ConnectSessionStatus',
  ['pending', 'redirected', 'completed', 'failed', 'expired'],
  'Where a connect session is.',
);
export const inboundWebhookStatus = named(
  'InboundWebhookStatus',
  ['received', 'processed', 'failed', 'unmatched'],
  'How a platform event was handled.',
);
export const adLevel = named('AdLevel', ['account', 'campaign', 'ad_group', 'ad'], 'The level of an ads object.');
export const adStatus = named(
  'AdStatus',
  ['active', 'paused', 'pending', 'archived', 'deleted', 'error', 'unknown'],
  'One status for every platform (the platform’s own is beside it).',
);
export const syncRunStatus = named('SyncRunStatus', ['running', 'completed', 'failed'], 'The state of a sync run.');
export const contentKind = named('ContentKind', ['post', 'page', 'product', 'item'], 'The kind of a content item.');
export const contentStatus = named('ContentStatus', ['draft', 'published'], 'Whether a content item is published.');
export const contentTargetState = named(
  'ContentTargetState',
  ['pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed'],
  'The state of an item’s copy on one site.',
);
export const conflictStatus = named('ConflictStatus', ['open', 'resolved'], 'Whether a conflict waits on a person.');
export const conflictPolicy = named(
  'ConflictPolicy',
  ['hub_wins', 'remote_wins', 'latest_wins', 'manual'],
  'How content conflicts resolve.',
);
export const publishBatchStatus = named(
  'PublishBatchStatus',
  [
    'queued',
    'running',
    'completed',
    'completed_with_errors',
    'failed',
    'rolling_back',
    'rolled_back',
    'rollback_failed',
  ],
  'The state of a publish batch: `failed` when its job died for good, `rollback_failed` when its rollback did.',
);
export const publishItemStatus = named(
  'PublishItemStatus',
  ['pending', 'done', 'conflict', 'failed', 'rolled_back'],
  'The state of one item on one site in a batch.',
);
export const publishAction = named(
  'PublishAction',
  ['create', 'adopt', 'update', 'noop', 'refuse'],
  'What publishing does to an item on a site: `adopt` takes over a page already there with its slug, `refuse` leaves one another item owns.',
);
export const authKind = named(
  'AuthKind',
  ['oauth2', 'oauth1a', 'app_password', 'api_token', 'api_key'],
  'How a platform is connected.',
);
export const refreshOutcome = named(
  'RefreshOutcome',
  ['refreshed', 'not_due', 'in_progress', 'waited', 'needs_reauth', 'not_refreshable'],
  'What a forced refresh did.',
);

/** An error kept on a record (a publish item, a batch, an item's copy on a site). */
export const recordedError = z
  .object({
    code: z.string(),
    message: z.string(),
    attempt: z.number().int().optional().describe('the job attempt that failed (a batch still retrying)'),
    job_died: z.boolean().optional().describe('true when the job failed for good'),
  })
  .meta({
    id: 'RecordedError',
    description: 'An error kept with a record: a code from the error registry (or a platform’s) and its message.',
  });

/** A field's value in a conflict: text, a list (categories, tags) or nothing. */
export const contentFieldValue = z
  .union([z.string(), z.array(z.string()), z.null()])
  .meta({ id: 'ContentFieldValue', description: 'A content field’s value: text, a list of names, or null.' });

/** One day's metric values as a revision records them (before or after a platform restated it). */
export const metricValues = z
  .object({
    impressions: z.number().nullable(),
    clicks: z.number().nullable(),
    spend_micros: z.number().nullable(),
    conversions: z.number().nullable(),
  })
  .meta({ id: 'MetricValues', description: 'Metric values of one entity and day.' });

/** The operations log (operations.ts in routes, src/operations). */
export const operationType = named('OperationType', OPERATION_TYPES, 'The kind of work an operation is.');
export const operationStatus = named(
  'OperationStatus',
  OPERATION_STATUSES,
  'Where an operation is; `retry_scheduled` is a failed attempt that runs again.',
);
export const messageLevel = named('OperationMessageLevel', MESSAGE_LEVELS, 'The level of a message of an operation.');
export const circuitState = named(
  'CircuitState',
  ['closed', 'open', 'half_open', 'isolated'],
  'The circuit breaker of a platform in the answering process.',
);
export const connectionHealth = named(
  'ConnectionHealth',
  ['healthy', 'degraded', 'failing'],
  'A connection’s health as its diagnostics judge it.',
);

/** Times in a query: an ISO 8601 date-time (or a date, read as its midnight UTC). */
export const timeQuery = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s))
  .describe('An ISO 8601 date-time with its offset, or a date (midnight UTC).');

export const operation = z
  .object({
    id: z.string(),
    parent_id: z.string().nullable().describe('the operation this one ran inside (a token refresh during a sync)'),
    type: operationType,
    connection_id: z.string().nullable(),
    provider: z.string().nullable(),
    actor: z.string().describe('who caused it: `system`, `api_key:<id>`, `job:<task>`, `connect_session:<id>`'),
    status: operationStatus,
    started_at: z.date(),
    ended_at: z.date().nullable(),
    duration_ms: z.number().nullable(),
    summary: z
      .record(z.string(), z.number())
      .describe('counts the work reported (pages, records, items) and the platform calls made'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    job_id: z.string().nullable(),
    attempt: z.number().nullable(),
    trace_id: z.string().nullable(),
  })
  .meta({
    id: 'Operation',
    description:
      'One unit of work: a sync, a token refresh, a webhook processed, a publish, a delivery, a campaign write.',
  });

export const platformCall = z
  .object({
    method: z.string(),
    path: z.string().describe('the path template, ids left out'),
    query: z.record(z.string(), z.string()).describe('redacted'),
    host: z.string(),
    status: z.number().nullable().describe('null: no answer (timeout, connection refused)'),
    duration_ms: z.number(),
    attempt: z.number(),
    rate_limit: z.record(z.string(), z.string()).describe('the platform’s rate-limit and quota headers'),
    request_id: z.string().nullable(),
    error_excerpt: z.string().nullable().describe('a bounded, redacted excerpt of an error body'),
    error_code: z.string().nullable(),
  })
  .meta({
    id: 'PlatformCall',
    description: 'One HTTP call to a platform, as the operations log keeps it (secrets removed).',
  });

export const operationMessage = z
  .object({
    seq: z.number(),
    at: z.date(),
    level: messageLevel,
    kind: z.enum(MESSAGE_KINDS),
    message: z.string(),
    http: platformCall.nullable(),
  })
  .meta({ id: 'OperationMessage', description: 'A log line of an operation, or one platform call (`kind: http`).' });

/** The audit trail (src/audit). */
export const auditAction = named('AuditAction', AUDIT_ACTIONS, 'What was done.');
export const auditActorType = named(
  'AuditActorType',
  AUDIT_ACTOR_TYPES,
  'Who acted: an API key, the end user on a connect page, the admin token, Plexus itself.',
);
export const auditTargetType = named('AuditTargetType', AUDIT_TARGET_TYPES, 'What an audit entry is about.');

/** Retention (src/retention): days per kind of data. */
export const retentionKind = named('RetentionKind', RETENTION_KINDS, 'A kind of data with its own retention.');
const retentionDays = z
  .object(Object.fromEntries(RETENTION_KINDS.map((k) => [k, z.number().int()])) as Record<RetentionKind, z.ZodNumber>)
  .meta({ id: 'RetentionDays', description: 'Days kept, per kind of data.' });
export const retention = z
  .object({
    days: retentionDays.describe('in force'),
    overrides: retentionDays.partial().describe('what this organisation set'),
    defaults: retentionDays.describe('what applies where nothing is set'),
  })
  .meta({ id: 'Retention', description: 'How long each kind of data is kept for the organisation.' });

export const orgErasure = z
  .object({
    id: z.string(),
    erased: z.literal(true),
    connections_revoked: z.number(),
    rows_deleted: z.number(),
    tables: z.number(),
  })
  .meta({ id: 'OrgErasure', description: 'What erasing an organisation removed.' });

/** Platform API versions (src/providers/version-lifecycle.ts). */
export const versionState = named(
  'VersionState',
  ['current', 'sunset_soon', 'sunset_passed', 'unknown'],
  '`sunset_soon`: announced and at most 90 days away; `unknown`: a `PLEXUS_<ID>_VERSION` without known dates.',
);

/** Where a platform API version stands: its state and dates (the providers list and the operator's view). */
export const versionStanding = {
  state: versionState,
  released: z.string().nullable(),
  sunset: z.string().nullable(),
  sunset_tentative: z.boolean(),
  days_to_sunset: z.number().int().nullable(),
};
