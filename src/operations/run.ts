import { randomBytes, randomUUID } from 'node:crypto';
import { errorMessage, isPlexusError } from '../core/errors.ts';
import { inOperationSpan } from '../observability/tracing.ts';
import { currentOperation, OperationScope, runInScope, type OperationStatus } from './context.ts';
import type { OperationType } from './kinds.ts';
import type { OperationRecorder, OperationRow } from './recorder.ts';

export interface OperationStart {
  orgId: string;
  type: OperationType;
  connectionId?: string | null;
  provider?: string | null;
  actor?: string;
  jobId?: string | null;
  attempt?: number;
  /** What a failure means for this attempt (the job runner knows whether it will retry). */
  failedStatus?: (err: unknown) => OperationStatus;
}

/**
 * Runs `fn` as one operation: recorded as running, then success or failed with the error's
 * code and the platform's message, its summary counts and its trace id. An operation started
 * inside another is recorded as its child. Everything goes through the buffered recorder.
 */
export async function withOperation<T>(
  recorder: OperationRecorder,
  start: OperationStart,
  fn: (op: OperationScope) => Promise<T>,
): Promise<T> {
  const parent = currentOperation();
  const id = randomUUID();
  return inOperationSpan(
    start.type,
    {
      'plexus.operation.id': id,
      'plexus.org_id': start.orgId,
      ...(start.connectionId ? { 'plexus.connection_id': start.connectionId } : {}),
    },
    async (spanTraceId) => {
      const traceId = spanTraceId ?? parent?.traceId ?? randomBytes(16).toString('hex');
      const attempt = start.attempt ?? parent?.attempt ?? 1;
      const scope = new OperationScope(recorder, id, start.orgId, traceId, attempt, start.provider ?? undefined);
      scope.actor = start.actor ?? parent?.actor ?? 'system';
      scope.jobId = start.jobId ?? parent?.jobId ?? null;
      const row: OperationRow = {
        org_id: start.orgId,
        id,
        parent_id: parent?.orgId === start.orgId ? parent.id : null,
        type: start.type,
        connection_id: start.connectionId ?? null,
        provider: scope.provider ?? null,
        actor: start.actor ?? parent?.actor ?? 'system',
        status: 'running',
        started_at: new Date(),
        ended_at: null,
        summary: scope.counts,
        error_code: null,
        error_message: null,
        job_id: start.jobId ?? parent?.jobId ?? null,
        attempt,
        trace_id: traceId,
      };
      recorder.upsert(row);
      const finish = (status: OperationStatus, err?: unknown) => {
        recorder.upsert({
          ...row,
          status,
          provider: scope.provider ?? null,
          connection_id: scope.connectionId ?? row.connection_id,
          ended_at: new Date(),
          summary: scope.counts,
          error_code: err === undefined ? null : isPlexusError(err) ? err.code : 'internal_error',
          error_message: err === undefined ? null : errorMessage(err).slice(0, 1000),
        });
      };
      try {
        const out = await runInScope(scope, () => fn(scope));
        if (scope.failure !== undefined) finish('failed', scope.failure);
        else finish('success');
        return out;
      } catch (err) {
        const status = start.failedStatus?.(err) ?? 'failed';
        scope.log('error', `${isPlexusError(err) ? err.code : 'internal_error'}: ${errorMessage(err)}`);
        finish(status, err);
        throw err;
      }
    },
  );
}
