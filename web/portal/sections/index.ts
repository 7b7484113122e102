import type { Section } from '../context.ts';
import { connectionsSection } from './connections.tsx';
import { syncsSection } from './syncs.tsx';
import { failuresSection } from './failures.tsx';
import { webhooksSection } from './webhooks.tsx';

/** Every portal section, in nav order; a section is one module and one line here. */
export const sections: Section[] = [
  connectionsSection,
  syncsSection,
  webhooksSection,
  failuresSection,
];
