/**
 * The values the operations log holds, as its check constraints and its writers allow; the
 * API's enums are made from these, so a new kind of work is one line here.
 */
export const OPERATION_TYPES = [
  'sync',
  'content_sync',
  'webhook',
  'webhook_subscribe',
  'publish',
  'publish_rollback',
  'delivery',
  'event_fanout',
  'connection_create',
  'token_refresh',
  'campaign_create',
  'campaign_update',
  'campaign_delete',
  'ads_pause',
  'ads_resume',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export const OPERATION_STATUSES = ['running', 'success', 'failed', 'retry_scheduled'] as const;
export const MESSAGE_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const MESSAGE_KINDS = ['log', 'http'] as const;
