import type { ComponentChildren } from 'preact';
import { ErrorNotice, Link, Loading } from '../../../shared/layout.tsx';
import type { Resource } from '../../../shared/use-resource.ts';
import type { PortalContext } from '../../context.ts';

/** A detail page's frame: the way back, the heading, and the thing once loaded (or why it is not). */
export function DetailFrame<T>({
  ctx,
  back,
  title,
  resource,
  children,
}: {
  ctx: PortalContext;
  back: { href: string; label: string };
  title: string;
  resource: Resource<T>;
  children: (data: NonNullable<T>) => ComponentChildren;
}) {
  return (
    <section aria-labelledby="detail-title">
      <p>
        <Link href={back.href} onNavigate={ctx.navigate}>
          {back.label}
        </Link>
      </p>
      <h1 id="detail-title">{title}</h1>
      {resource.error && <ErrorNotice error={resource.error} onRetry={resource.reload} />}
      {resource.data === undefined || resource.data === null
        ? resource.loading && <Loading />
        : children(resource.data)}
    </section>
  );
}
