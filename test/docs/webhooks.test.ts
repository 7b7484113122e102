import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_TYPES } from '../../src/connections/events.ts';

const DOC = path.resolve(import.meta.dirname, '../../docs/webhooks.md');

/** The types in the first column of the table under `### Event types`, in order. */
function documentedTypes(markdown: string): string[] {
  const section = markdown.split(/^### Event types$/m)[1];
  assert.ok(section, 'docs/webhooks.md has an "### Event types" section');
  const body = section.split(/^#{1,3} /m)[0]!;
  return [...body.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1]!);
}

test('docs/webhooks.md lists exactly the event types Plexus records, in the order of EVENT_TYPES', async () => {
  assert.deepEqual(documentedTypes(await readFile(DOC, 'utf8')), [...EVENT_TYPES]);
});

test('the check sees a type missing from the table', () => {
  const page = `### Event types\n\n| type | when |\n| --- | --- |\n${EVENT_TYPES.slice(1)
    .map((t) => `| \`${t}\` | x |`)
    .join('\n')}\n`;
  assert.notDeepEqual(documentedTypes(page), [...EVENT_TYPES]);
});
