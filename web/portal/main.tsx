import { render } from 'preact';
import '../shared/styles.css';
import { applyAccent } from '../shared/accent.ts';
import { createApi, unwrap } from '../shared/api.ts';
import { ErrorNotice, Layout, Loading } from '../shared/layout.tsx';
import { strings } from '../shared/strings.ts';
import { ToastProvider } from '../shared/toasts.tsx';
import { sectionHref, type PortalContext, type PortalSession } from './context.ts';
import { useRoute } from './router.ts';
import { sections } from './sections/index.ts';

/**
 * The portal app: it asks the API who the session is (org, branding, mode, sections), then
 * routes `/portal/<section>/…` to the section's page. Everything goes through the public API.
 */
let csrf: string | undefined;
const api = createApi({ csrfToken: () => csrf });

function App({ session }: { session: PortalSession }) {
  const [route, navigate] = useRoute();
  const allowed = sections.filter((s) => session.sections.includes(s.id));
  const ctx: PortalContext = { api, session, navigate, strings };
  const current = allowed.find((s) => s.id === route.section) ?? (route.section === undefined ? allowed[0] : undefined);
  if (current) document.title = `${current.title} · ${session.orgName}`;
  return (
    <Layout
      brand={{
        name: session.orgName,
        logoUrl: session.logoUrl,
        badge: session.readOnly ? strings.app.readOnly : undefined,
      }}
      nav={allowed.map((s) => ({ id: s.id, title: s.title, href: sectionHref(s.id) }))}
      current={current?.id}
      onNavigate={navigate}
    >
      {current ? (
        <current.Page
          key={current.id}
          ctx={ctx}
          path={route.section === undefined ? [] : route.rest}
          query={route.query}
        />
      ) : (
        <p>{strings.app.notFound}</p>
      )}
    </Layout>
  );
}

async function start(root: HTMLElement) {
  render(<Loading />, root);
  try {
    const s = await unwrap(api.GET('/v1/portal-session'));
    csrf = s.csrf_token ?? undefined;
    applyAccent(s.branding.accent_color ?? undefined);
    const session: PortalSession = {
      orgId: s.org_id,
      orgName: s.branding.display_name,
      logoUrl: s.branding.logo_url ?? undefined,
      accent: s.branding.accent_color ?? undefined,
      readOnly: s.mode === 'read_only',
      sections: s.sections,
    };
    render(
      <ToastProvider>
        <App session={session} />
      </ToastProvider>,
      root,
    );
  } catch (err) {
    const status = (err as { status?: number }).status;
    render(
      status === 401 ? (
        <p class="notice info" role="alert">
          {strings.app.sessionEnded}
        </p>
      ) : (
        <ErrorNotice error={err as Error} />
      ),
      root,
    );
  }
}

void start(document.getElementById('app')!);
