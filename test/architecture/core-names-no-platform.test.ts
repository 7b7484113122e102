/**
 * Core code names no platform: everything a platform needs lives in its folder
 * (`src/providers/<id>/`), and the rest of Plexus reads it from the definition or the entry
 * module. This reads every non-test source file outside those folders with the TypeScript
 * parser and fails on a string or identifier that names a registered platform. Comments may
 * name platforms as examples; code may not.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { listProviders } from '../../src/providers/registry.ts';

const root = path.resolve(import.meta.dirname, '../..');
const defs = listProviders();
const providerFolders = new Set(defs.map((d) => `src/providers/${d.id}`));

/** Other names the platforms go by, in hosts, headers and parameters. */
const ALIASES = ['facebook', 'fb', 'instagram', 'myshopify', 'twitter'];

/**
 * Files that must name platforms, and why. Nothing else may.
 * - the registry is the one list of provider modules;
 * - the OpenAPI examples show real requests and answers, which name a platform.
 */
const ALLOWED_FILES = new Set(['src/providers/registry.ts']);
const ALLOWED_FOLDERS = ['src/api/openapi/examples/'];
/** Single hits that are not the platform: the HTML `<meta>` element the content splitter drops. */
const ALLOWED_HITS = new Set(['src/sync/content/blocks.ts: meta']);

/** Exact ids (`x`, `google-ads`) and the brand word of each display name (`tiktok`, `meta`). */
const ids = new Set<string>(defs.map((d) => d.id));
const terms = new Set(
  [...defs.map((d) => d.displayName.split(' ')[0]!.toLowerCase()), ...ALIASES].filter((t) => t.length > 1),
);

const words = (s: string): string[] =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/**
 * The platform a piece of code names, if any. Short brand words are also English and HTML words
 * (`meta`: zod's `.meta()`, `<meta charset>`), so they count only in strings without markup.
 */
function platformNamed(text: string, kind: 'string' | 'identifier'): string | undefined {
  if (kind === 'string' && ids.has(text.toLowerCase())) return text.toLowerCase();
  const shortCounts = kind === 'string' && !text.includes('<');
  return words(text).find((w) => terms.has(w) && (w.length >= 5 || shortCounts));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!providerFolders.has(rel)) out.push(...sourceFiles(rel));
    } else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) out.push(rel);
  }
  return out;
}

function hitsIn(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const hits: string[] = [];
  const visit = (n: ts.Node): void => {
    let found: string | undefined;
    if (ts.isStringLiteralLike(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n))
      found = platformNamed(n.text, 'string');
    else if (ts.isIdentifier(n) && !ts.isMetaProperty(n.parent)) found = platformNamed(n.text, 'identifier');
    if (found && !ALLOWED_HITS.has(`${file}: ${found}`)) {
      const { line } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
      hits.push(`${file}:${line + 1} names ${found}: ${JSON.stringify(n.getText(sf).slice(0, 80))}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return hits;
}

test('no source file outside src/providers/<id>/ names a platform in code', () => {
  const files = sourceFiles('src').filter(
    (f) => !ALLOWED_FILES.has(f) && !ALLOWED_FOLDERS.some((d) => f.startsWith(d)),
  );
  assert.ok(files.length > 100, `only ${files.length} files scanned`);
  assert.deepEqual(files.flatMap(hitsIn), []);
});

test('the check sees ids, brand words, aliases and header names, and not markup or comments', () => {
  assert.equal(platformNamed('x', 'string'), 'x');
  assert.equal(platformNamed('google-ads', 'string'), 'google-ads');
  assert.equal(platformNamed('meta-hub-challenge', 'string'), 'meta');
  assert.equal(platformNamed('x-shopify-access-token', 'string'), 'shopify');
  assert.equal(platformNamed('*.myshopify.com', 'string'), 'myshopify');
  assert.equal(platformNamed('fb_exchange_token', 'string'), 'fb');
  assert.equal(platformNamed('tiktokSignature', 'identifier'), 'tiktok');
  assert.equal(platformNamed('<meta charset="utf-8">', 'string'), undefined);
  assert.equal(platformNamed('x-request-id', 'string'), undefined);
  assert.equal(platformNamed('metadata', 'identifier'), undefined);
  assert.equal(platformNamed('meta', 'identifier'), undefined);
  assert.equal(platformNamed('shopifyHost', 'identifier'), 'shopify');
  const sample = ts.createSourceFile(
    's.ts',
    "// Meta's quirk\nconst a = 'x-wix-request-id';",
    ts.ScriptTarget.Latest,
    true,
  );
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteralLike(n)) found.push(platformNamed(n.text, 'string') ?? '');
    ts.forEachChild(n, visit);
  };
  visit(sample);
  assert.deepEqual(found, ['wix']);
});
