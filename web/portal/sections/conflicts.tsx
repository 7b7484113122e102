import type { Section, SectionProps } from '../context.ts';
import { ConflictListPage } from './conflicts/list-page.tsx';
import { ConflictPage } from './conflicts/conflict-page.tsx';
import { conflictStrings } from './conflicts/strings.ts';
import './content/content.css';
import './conflicts/conflicts.css';

/** Conflicts: the open queue and history, and the three-way view where a person resolves one. */
function ConflictsPage(props: SectionProps) {
  const [id] = props.path;
  if (id) return <ConflictPage ctx={props.ctx} id={id} />;
  return <ConflictListPage {...props} />;
}

export const conflictsSection: Section = { id: 'conflicts', title: conflictStrings.title, Page: ConflictsPage };
