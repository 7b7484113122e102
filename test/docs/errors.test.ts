import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ERRORS_DOC, renderErrorsDoc } from '../../scripts/errors-doc.ts';
import { ERROR_CODES, RETIRED_CODES } from '../../src/core/errors.ts';

test('docs/errors.md is what the error registry generates (run `npm run docs:errors` after changing a code)', async () => {
  assert.equal(await readFile(ERRORS_DOC, 'utf8'), renderErrorsDoc());
});

test('every registered code has a row on the page, and a retired code is never registered again', () => {
  const page = renderErrorsDoc();
  for (const code of Object.keys(ERROR_CODES))
    assert.match(page, new RegExp(`^\\| \`${code.replace('.', '\\.')}\` \\|`, 'm'), code);
  for (const code of RETIRED_CODES)
    assert.equal(code in ERROR_CODES, false, `${code} is retired and must not be reused`);
});
