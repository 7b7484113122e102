import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Real Chromium for browser tests (Debian's, headless), kept on loopback: every request to
 * another origin is refused and recorded. `checkA11y` runs axe-core on the page as it is
 * drawn, and `screenshot` keeps a picture of it under test-artifacts/.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page whose requests leave the machine never: the list of refused URLs is returned for an assertion. */
export async function loopbackPage(
  browser: Browser,
  base: string,
): Promise<{ page: Page; elsewhere: string[]; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const elsewhere: string[] = [];
  const consoleErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return { page, elsewhere, consoleErrors };
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the page; fails on any serious or critical violation, naming rule and elements. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  // Evaluated by the test harness rather than added as a <script>: the page's CSP (no inline scripts) stays in force.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    ),
    [],
    `accessibility violations on ${label}`,
  );
}

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

/** A full-page screenshot at test-artifacts/<folder>/<name>.png. */
export async function screenshot(page: Page, folder: string, name: string): Promise<void> {
  const dir = path.join(ARTIFACTS, folder);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
