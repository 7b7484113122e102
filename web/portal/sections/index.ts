import type { Section } from '../context.ts';

/** Every portal section, in nav order; a section is one module and one line here. */
export const sections: Section[] = [
];
