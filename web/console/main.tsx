import { render } from 'preact';
import '../shared/styles.css';
import './console.css';
import { createApi } from '../shared/api.ts';
import { ErrorNotice, Layout, Loading } from '../shared/layout.tsx';
import { strings } from '../shared/strings.ts';
import { ToastProvider } from '../shared/toasts.tsx';
import type { ConsolePage } from './context.ts';
import { DeadLettersPage } from './pages/dead-letters.tsx';
import { HealthPage } from './pages/health.tsx';
import { OrgsPage } from './pages/orgs.tsx';
import { PlatformsPage } from './pages/platforms.tsx';
import { VersionsPage } from './pages/versions.tsx';
import { CONSOLE_BASE, useConsoleRoute } from './router.ts';
import { consoleStrings as t } from './strings.ts';

/**
 * The operator console: signed in by its session cookie (the sign-in form is served by the
 * server), it reads the admin API and sends the session's CSRF token on every write.
 */
const PAGES: ConsolePage[] = [
  { id: 'orgs', title: t.nav.orgs, Page: OrgsPage },
  { id: 'health', title: t.nav.health, Page: HealthPage },
  { id: 'platforms', title: t.nav.platforms, Page: PlatformsPage },
  { id: 'versions', title: t.nav.versions, Page: VersionsPage },
  { id: 'dead-letters', title: t.nav.deadLetters, Page: DeadLettersPage },
];

let csrf: string | undefined;
const api = createApi({ csrfToken: () => csrf });

function SignOut({ token }: { token: string }) {
  return (
    <form method="post" action="/console/sign-out">
      <input type="hidden" name="csrf" value={token} />
      <button type="submit">{t.signOut}</button>
    </form>
  );
}

function App({ token }: { token: string }) {
  const [route, navigate] = useConsoleRoute();
  const current = PAGES.find((p) => p.id === route.page) ?? (route.page === undefined ? PAGES[0] : undefined);
  document.title = current ? `${current.title} · ${t.title}` : t.title;
  return (
    <Layout
      brand={{ name: t.title }}
      nav={PAGES.map((p) => ({ id: p.id, title: p.title, href: `${CONSOLE_BASE}/${p.id}` }))}
      current={current?.id}
      onNavigate={navigate}
      actions={<SignOut token={token} />}
    >
      {current ? (
        <current.Page key={current.id} api={api} navigate={navigate} query={route.query} />
      ) : (
        <p>{strings.app.notFound}</p>
      )}
    </Layout>
  );
}

async function start(root: HTMLElement) {
  render(<Loading />, root);
  try {
    const res = await fetch('/console/session', { credentials: 'same-origin' });
    if (res.status === 401) {
      location.assign('/console/sign-in');
      return;
    }
    const s = (await res.json()) as { csrf_token: string };
    csrf = s.csrf_token;
    render(
      <ToastProvider>
        <App token={s.csrf_token} />
      </ToastProvider>,
      root,
    );
  } catch (err) {
    render(<ErrorNotice error={err as Error} />, root);
  }
}

void start(document.getElementById('app')!);
