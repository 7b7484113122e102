import type { Section, SectionProps } from '../context.ts';
import { BatchPage } from './content/batch-page.tsx';
import { ItemsPage } from './content/items-page.tsx';
import { contentStrings } from './content/strings.ts';
import './content/content.css';

/** Content: items and their state on each site, publishing with a dry run first, batches live, rollback. */
function ContentPage(props: SectionProps) {
  const [sub, id] = props.path;
  if (sub === 'batches' && id) return <BatchPage ctx={props.ctx} id={id} />;
  return <ItemsPage {...props} />;
}

export const contentSection: Section = { id: 'content', title: contentStrings.title, Page: ContentPage };
