import type { TaskDefinition } from '../types.ts';
import { deliverWebhook } from './deliver-webhook.ts';
import { drainWebhookInbox } from './drain-webhook-inbox.ts';
import { fanoutEvent } from './fanout-event.ts';
import { processWebhook } from './process-webhook.ts';
import { scheduleSyncs } from './schedule-syncs.ts';
import { subscribeWebhooks } from './subscribe-webhooks.ts';
import { wakeStranded } from './wake-stranded-inboxes.ts';
import { pruneDeadLetters } from './prune-dead-letters.ts';
import { pruneRetention } from './prune-retention.ts';
import { refreshConnectionTask } from './refresh-connection.ts';
import { refreshDueTokens } from './refresh-due-tokens.ts';
import { syncConnectionTask } from './sync-connection.ts';
import { publishBatchTask, rollbackBatchTask } from './publish-batch.ts';
import { syncContentTask } from './sync-content.ts';

/** Every task the worker runs. One file per task; adding a task adds one line here. */
export const allTasks: readonly TaskDefinition[] = [
  pruneDeadLetters,
  refreshConnectionTask,
  refreshDueTokens,
  syncConnectionTask,
  processWebhook,
  drainWebhookInbox,
  subscribeWebhooks,
  fanoutEvent,
  deliverWebhook,
  wakeStranded,
  scheduleSyncs,
  publishBatchTask,
  rollbackBatchTask,
  syncContentTask,
  pruneRetention,
] as unknown as TaskDefinition[];
