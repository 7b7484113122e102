import { createHash } from 'node:crypto';
import type { ProviderId } from '../../src/providers/registry.ts';
import type { ContentFields, ContentKind, MediaRef } from '../../src/providers/contracts/content.ts';
import type { TestContext } from './app.ts';

/**
 * What an editor does on the site, outside Plexus: through the platform's own API (as a second
 * user where it has users) or the sandbox's control surface. Tests use it to change, delete and
 * count content behind Plexus's back.
 */
export interface SiteEditor {
  edit(
    kind: ContentKind,
    remoteId: string,
    changes: Partial<Pick<ContentFields, 'title' | 'bodyHtml' | 'excerpt'>>,
  ): Promise<void>;
  remove(kind: ContentKind, remoteId: string): Promise<void>;
  /** The item as the site holds it now (title, body HTML), or null when it is gone. */
  get(kind: ContentKind, remoteId: string): Promise<{ title: string; bodyHtml: string; excerpt: string } | null>;
  /** How many items of a kind with this slug exist on the site (exactly-once checks). */
  countBySlug(kind: ContentKind, slug: string): Promise<number>;
}

/** A running CMS for a test: its sandbox (or a real site), how Plexus reaches it and how to connect to it. */
export interface CmsSite {
  provider: ProviderId;
  /** Environment for createTestContext (app credentials, base URL overrides). */
  env: Record<string, string>;
  /** The kind the scenario publishes (post where the site has posts). */
  kind: ContentKind;
  /** Creates an active connection for the org (seeded as a finished connect flow would leave it). */
  connect(ctx: TestContext, orgId: string): Promise<string>;
  site: SiteEditor;
  /**
   * Lets a second pass on the site's clock. Several sites date versions by the second, so a
   * write and an editor's change within one second would look alike: a sandbox's clock steps
   * a second ahead, a real site is waited for.
   */
  nextSecond(): Promise<void>;
  close(): Promise<void>;
}

export type CmsFixture = () => Promise<CmsSite>;

/** A sandbox's clock: `base` (the wall clock by default) plus the seconds `nextSecond` stepped it on. */
export function steppedClock(base: () => number = Date.now): { now: () => number; nextSecond: () => Promise<void> } {
  let ahead = 0;
  return {
    now: () => base() + ahead,
    nextSecond: async () => {
      ahead += 1000;
    },
  };
}

/** A text field as a sandbox stores it (untyped JSON): the string, or '' when absent; any other value is a fixture bug. */
export function siteText(v: unknown): string {
  if (v == null) return '';
  if (typeof v !== 'string') throw new Error(`expected a text field, got ${JSON.stringify(v)}`);
  return v;
}

/** A small real PNG (1×1) and its media reference, for featured-image tests. */
export function testImage(seed = 0): { bytes: Buffer; ref: MediaRef } {
  const base = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ad0d2c8a0000000049454e44ae426082',
    'hex',
  );
  // Bytes after IEND are ignored by decoders; they make each seed a distinct image.
  const bytes = seed === 0 ? base : Buffer.concat([base, Buffer.from(`plexus-${seed}`)]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { bytes, ref: { filename: `image-${seed}.png`, contentType: 'image/png', alt: `Image ${seed}`, sha256 } };
}
