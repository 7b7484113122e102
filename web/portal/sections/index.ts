import type { Section } from '../context.ts';
import { ads } from './ads.tsx';
import { conflicts } from './conflicts.tsx';
import { content } from './content.tsx';

/** Every portal section, in nav order; a section is one module and one line here. */
export const sections: Section[] = [
  content,
  conflicts,
  ads,
];
