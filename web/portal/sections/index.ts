import type { Section } from '../context.ts';
import { connectionsSection } from './connections.tsx';

/** Every portal section, in nav order; a section is one module and one line here. */
export const sections: Section[] = [
  connectionsSection,
];
