import { useEffect, useState } from 'preact/hooks';
import { PORTAL_BASE } from './context.ts';

export interface Route {
  section: string | undefined;
  rest: string[];
  query: URLSearchParams;
}

/** `/portal/connections/abc?x=1` → section `connections`, rest `['abc']`. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.startsWith(PORTAL_BASE)
    ? pathname.slice(PORTAL_BASE.length).split('/').filter(Boolean).map(decodeURIComponent)
    : [];
  return { section: parts[0], rest: parts.slice(1), query: new URLSearchParams(search) };
}

/** The current route, following pushState navigation and the back button. */
export function useRoute(): [Route, (path: string) => void] {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const onPop = () => setRoute(read());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (path: string) => {
    if (path === location.pathname + location.search) return;
    history.pushState(null, '', path);
    setRoute(read());
    // The new page's heading is where keyboard and screen-reader users continue.
    requestAnimationFrame(() => document.getElementById('main')?.focus());
  };
  return [route, navigate];
}
