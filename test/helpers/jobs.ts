/**
 * graphile-worker's job rows for tests: its public `jobs` view, with the payload the view leaves
 * out joined back by id from `_private_jobs` (the one place tests read that table). Use as a
 * table: `select count(*) from ${JOBS} j where j.payload->>'tag' = $1`.
 */
export const JOBS =
  '(select v.*, p.payload from graphile_worker.jobs v join graphile_worker._private_jobs p using (id))';
