import type { ComponentChildren, TargetedMouseEvent } from 'preact';
import { strings } from './strings.ts';

export interface NavItem {
  id: string;
  title: string;
  href: string;
}

export interface Branding {
  name: string;
  logoUrl?: string | undefined;
  badge?: string | undefined;
}

/**
 * The page frame: a skip link, the org's header, the section navigation and the main region.
 * Links are real links (they work with a middle click and a screen reader's link list); a
 * plain click is routed inside the app by `onNavigate`.
 */
export function Layout({
  brand,
  nav,
  current,
  onNavigate,
  actions,
  children,
}: {
  brand: Branding;
  nav: NavItem[];
  current: string | undefined;
  onNavigate: (href: string) => void;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <>
      <a class="skip-link" href="#main">
        {strings.app.skipToContent}
      </a>
      <header class="app-header">
        {brand.logoUrl && <img src={brand.logoUrl} alt="" />}
        <span class="org-name">{brand.name}</span>
        {brand.badge && <span class="mode">{brand.badge}</span>}
        {actions && <div class="header-actions">{actions}</div>}
      </header>
      <div class="app-body">
        <nav class="app-nav" aria-label={strings.app.mainNav}>
          <ul>
            {nav.map((n) => (
              <li key={n.id}>
                <Link href={n.href} onNavigate={onNavigate} current={n.id === current}>
                  {n.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" class="app-main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </>
  );
}

/** An in-app link: a plain left click navigates without a page load; anything else is the browser's. */
export function Link({
  href,
  onNavigate,
  current,
  children,
}: {
  href: string;
  onNavigate: (href: string) => void;
  current?: boolean;
  children: ComponentChildren;
}) {
  const click = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    onNavigate(href);
  };
  return (
    <a href={href} onClick={click} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

export function Loading() {
  return <p role="status">{strings.app.loading}</p>;
}

/** An error from loading data, with a retry when one makes sense. */
export function ErrorNotice({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <div class="notice error" role="alert">
      {strings.app.errorPrefix} {error.message}
      {onRetry && (
        <>
          {' '}
          <button type="button" onClick={onRetry}>
            {strings.app.retry}
          </button>
        </>
      )}
    </div>
  );
}

/** Facts as a definition list: `[['Status', <StatusBadge/>], …]`. */
export function Facts({ items }: { items: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {items.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}
