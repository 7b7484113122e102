import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sqlSites } from '../helpers/sql-sites.ts';

/**
 * Routes parse, authorise and call a service or a store; SQL lives in the store of its
 * concern (src/sync/content/items-store.ts, src/webhooks/outbound/endpoints.ts, …). This
 * keeps it that way: a route file that runs a query or holds SQL text fails here.
 */
const root = path.resolve(import.meta.dirname, '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Everything under src/api/routes, and every routes.ts, route.ts or *-routes.ts elsewhere in src. */
async function routeFiles(): Promise<string[]> {
  const all = await sourceFiles(path.join(root, 'src'));
  const apiRoutes = path.join(root, 'src', 'api', 'routes') + path.sep;
  return all.filter((f) => f.startsWith(apiRoutes) || /(?:^|-)routes?\.ts$/.test(path.basename(f))).sort();
}

test('no route file runs a query or holds SQL', async () => {
  const files = await routeFiles();
  const rel = files.map((f) => path.relative(root, f).split(path.sep).join('/'));
  // The scan must see the routes it guards, or it would pass on nothing.
  for (const known of [
    'src/api/routes/v1/publish.ts',
    'src/api/routes/v1/content.ts',
    'src/api/routes/admin/orgs-read.ts',
    'src/audit/routes.ts',
    'src/orgs/routes.ts',
  ]) {
    assert.ok(rel.includes(known), `${known} is not among the scanned route files`);
  }
  const found: string[] = [];
  for (const [i, f] of files.entries()) {
    for (const s of sqlSites(f, await readFile(f, 'utf8'))) found.push(`${rel[i]}:${s.line} ${s.kind}: ${s.text}`);
  }
  assert.deepEqual(found, [], `SQL belongs in the store of its concern, not in a route:\n${found.join('\n')}`);
});

test('the scan finds query calls and SQL text, wherever they hide in a route', () => {
  const route = `
    app.get('/x', async (req) => withOrgTx(pool, orgId, async (c) => {
      const a = await c.query('select id from orgs where id = $1', [orgId]);
      const b = await c.query<{ n: number }>(\`select count(*)::int as n from \${table}\`);
      const cols = 'id, name';
      const sql = \`insert into api_keys (org_id, name) values ($1, $2)\`;
      const upd = "update connections set status = 'active' where org_id = $1";
      const cond = 'where deleted_at is null and id in ($1)';
      const del = 'delete from webhook_endpoints where org_id = $1 and id = $2';
      const frag = \`and ($2::timestamptz is null or created_at < $2)\`;
      const tx = \`begin; set local plexus.org_id = '\${orgId}'\`;
      return deps.db.owner.query(sql);
    }));`;
  const sites = sqlSites('route.ts', route);
  assert.deepEqual(
    sites.map((s) => `${s.line} ${s.kind}`),
    [
      '3 query call',
      '3 sql text',
      '4 query call',
      '4 sql text',
      '6 sql text',
      '7 sql text',
      '8 sql text',
      '9 sql text',
      '10 sql text',
      '11 sql text',
      '12 query call',
    ],
  );
});

test('the scan leaves plain route code alone: summaries, messages, querystrings', () => {
  const route = `
    app.delete('/webhook-endpoints/:id', { schema: { summary: 'Delete a webhook endpoint and its delivery log', querystring: pageQuery } }, async (req) => {
      const q = req.query;
      const mode = q.select ?? 'all';
      if (!row) throw plexusError('not_found', { message: 'Select a connection from the list, or update the one set up before.' });
      return { summary: 'Where a sync ends: order by time is kept; what applies where nothing is set', mode, text: \`Insert the key into \${where}\` };
    });`;
  assert.deepEqual(sqlSites('route.ts', route), []);
});
