import { unwrap, type ApiClient, type Ok } from '../../../shared/api.ts';
import { useInterval, useResource } from '../../../shared/use-resource.ts';

export type Batch = Ok<'/v1/publish/{id}'>;

const MOVING = new Set(['queued', 'running', 'rolling_back']);
export const isMoving = (b: { status: string } | undefined) => !b || MOVING.has(b.status);

/** A batch, read again every `ms` while it is queued, running or rolling back. */
export function useBatch(api: ApiClient, id: string | undefined, ms = 1000) {
  const batch = useResource(
    async () => (id ? unwrap(api.GET('/v1/publish/{id}', { params: { path: { id } } })) : undefined),
    [id],
  );
  useInterval(batch.reload, ms, !!id && isMoving(batch.data));
  return batch;
}
