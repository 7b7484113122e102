import { useEffect, useState } from 'preact/hooks';

export const CONSOLE_BASE = '/console';

export interface ConsoleRoute {
  page: string | undefined;
  query: URLSearchParams;
}

const read = (): ConsoleRoute => {
  const rest = location.pathname.startsWith(CONSOLE_BASE) ? location.pathname.slice(CONSOLE_BASE.length) : '';
  return { page: rest.split('/').filter(Boolean)[0], query: new URLSearchParams(location.search) };
};

/** `/console/<page>?…`, following pushState navigation and the back button. */
export function useConsoleRoute(): [ConsoleRoute, (path: string) => void] {
  const [route, setRoute] = useState<ConsoleRoute>(read);
  useEffect(() => {
    const onPop = () => setRoute(read());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (path: string) => {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    setRoute(read());
    // Keyboard and screen-reader users continue at the new page's content.
    requestAnimationFrame(() => document.getElementById('main')?.focus());
  };
  return [route, navigate];
}
