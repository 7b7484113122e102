import { strings } from '../../shared/strings.ts';
import { Link } from '../../shared/layout.tsx';
import { sectionHref, type Section, type SectionProps } from '../context.ts';
import { AuditTrail } from './failures-audit.tsx';
import { DeadLetters } from './failures-dead-letters.tsx';
import { OperationDetail, OperationsLog } from './failures-operations.tsx';

const VIEWS = [
  { id: '', title: strings.failures.deadLetters },
  { id: 'operations', title: strings.failures.operations },
  { id: 'audit', title: strings.failures.audit },
] as const;

/** Failures: dead letters to replay, the operations log with a live tail, and the audit trail. */
function FailuresPage(props: SectionProps) {
  const { ctx, path } = props;
  const view = path[0] ?? '';
  return (
    <>
      <h1>{ctx.strings.nav.failures}</h1>
      <nav aria-label={ctx.strings.failures.tabs}>
        <ul class="subnav">
          {VIEWS.map((v) => (
            <li key={v.id}>
              <Link
                href={v.id ? sectionHref('failures', v.id) : sectionHref('failures')}
                onNavigate={ctx.navigate}
                current={v.id === view}
              >
                {v.title}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view === 'operations' && path[1] ? (
        <OperationDetail {...props} id={path[1]} />
      ) : view === 'operations' ? (
        <OperationsLog {...props} />
      ) : view === 'audit' ? (
        <AuditTrail {...props} />
      ) : (
        <DeadLetters {...props} />
      )}
    </>
  );
}

export const failuresSection: Section = { id: 'failures', title: strings.nav.failures, Page: FailuresPage };
