import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.ts';

/**
 * Named schemas shared between routes. A schema with a `meta({ id })` becomes one entry of
 * `components.schemas` and every route refers to it by `$ref`, so a generated client has one
 * type for it. New shared schemas go here, not in the route files.
 */

/** Every code of the error registry: a client can switch on them. */
export const errorCode = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).meta({ id: 'ErrorCode', description: 'A stable machine code from the error registry.' });

/** A payload kept as a platform or a caller sent it: its shape is theirs, not Plexus's. */
export const freeFormObject = z.record(z.string(), z.unknown()).meta({ id: 'FreeFormObject', description: 'A free-form JSON object, kept as the platform or the caller sent it.' });

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
      details: z.union([z.array(errorIssue), freeFormObject]).optional().describe('Validation issues, or facts about the error (free-form).'),
      request_id: z.string().optional().describe('Given with server errors: quote it when asking for help.'),
    }),
  })
  .meta({ id: 'Error', description: 'Every error answer: `{"error":{"code","message","details?"}}`.' });

/** Status-like values, each as the database's check constraint or the code's union allows. */
const named = <const T extends readonly [string, ...string[]]>(id: string, values: T, description: string) => z.enum(values).meta({ id, description });

export const connectionStatus = named('ConnectionStatus', ['pending', 'active', 'needs_reauth', 'error', 'deleted'], 'The state of a connection.');
export const connectSessionStatus = named('ConnectSessionStatus', ['pending', 'redirected', 'completed', 'failed', 'expired'], 'Where a connect session is.');
export const inboundWebhookStatus = named('InboundWebhookStatus', ['received', 'processed', 'failed', 'unmatched'], 'How a platform event was handled.');
export const adLevel = named('AdLevel', ['account', 'campaign', 'ad_group', 'ad'], 'The level of an ads object.');
export const adStatus = named('AdStatus', ['active', 'paused', 'pending', 'archived', 'deleted', 'error', 'unknown'], 'One status for every platform (the platform’s own is beside it).');
export const syncRunStatus = named('SyncRunStatus', ['running', 'completed', 'failed'], 'The state of a sync run.');
export const contentKind = named('ContentKind', ['post', 'page', 'product', 'item'], 'The kind of a content item.');
export const contentStatus = named('ContentStatus', ['draft', 'published'], 'Whether a content item is published.');
export const contentTargetState = named('ContentTargetState', ['pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed'], 'The state of an item’s copy on one site.');
export const conflictStatus = named('ConflictStatus', ['open', 'resolved'], 'Whether a conflict waits on a person.');
export const conflictPolicy = named('ConflictPolicy', ['hub_wins', 'remote_wins', 'latest_wins', 'manual'], 'How content conflicts resolve.');
export const publishBatchStatus = named('PublishBatchStatus', ['queued', 'running', 'completed', 'completed_with_errors', 'failed', 'rolling_back', 'rolled_back', 'rollback_failed'], 'The state of a publish batch.');
export const publishItemStatus = named('PublishItemStatus', ['pending', 'done', 'conflict', 'failed', 'rolled_back'], 'The state of one item on one site in a batch.');
export const publishAction = named('PublishAction', ['create', 'adopt', 'update', 'noop', 'refuse'], 'What publishing does to an item on a site.');
export const authKind = named('AuthKind', ['oauth2', 'oauth1a', 'app_password', 'api_token', 'api_key'], 'How a platform is connected.');
export const refreshOutcome = named('RefreshOutcome', ['refreshed', 'not_due', 'in_progress', 'waited', 'needs_reauth', 'not_refreshable'], 'What a forced refresh did.');

/** A field's value in a conflict: text, a list (categories, tags) or nothing. */
export const contentFieldValue = z.union([z.string(), z.array(z.string()), z.null()]).meta({ id: 'ContentFieldValue', description: 'A content field’s value: text, a list of names, or null.' });

/** One day's metric values as a revision records them (before or after a platform restated it). */
export const metricValues = z
  .object({ impressions: z.number().nullable(), clicks: z.number().nullable(), spend_micros: z.number().nullable(), conversions: z.number().nullable() })
  .meta({ id: 'MetricValues', description: 'Metric values of one entity and day.' });
