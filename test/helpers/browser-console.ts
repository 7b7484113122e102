/**
 * Chromium for tests whose pages span several loopback origins (a host page, Plexus, a
 * platform sandbox, popups): instead of routing one page's requests, every host name but
 * 127.0.0.1 and localhost fails to resolve in the whole browser, and background services are
 * off, so nothing leaves the machine. `checkPage` is the kit's screenshot and axe check.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { checkA11y, screenshot } from './chromium.ts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-domain-reliability',
      '--disable-sync',
      '--no-pings',
    ],
  });
}

/** A screenshot at test-artifacts/<folder>/<name>.png, then no serious or critical axe violation. */
export async function checkPage(page: Page, folder: string, name: string): Promise<void> {
  await screenshot(page, folder, name);
  await checkA11y(page, `${folder}/${name}`);
}
