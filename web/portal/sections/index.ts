import type { Section } from '../context.ts';
import { adsSection } from './ads.tsx';
import { conflictsSection } from './conflicts.tsx';
import { connectionsSection } from './connections.tsx';
import { contentSection } from './content.tsx';
import { syncsSection } from './syncs.tsx';
import { failuresSection } from './failures.tsx';
import { webhooksSection } from './webhooks.tsx';

/** Every portal section, in nav order; a section is one module and one line here. */
export const sections: Section[] = [
  connectionsSection,
  syncsSection,
  contentSection,
  conflictsSection,
  adsSection,
  webhooksSection,
  failuresSection,
];
