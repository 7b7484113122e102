import type { JSX } from 'preact';
import type { ApiClient } from '../shared/api.ts';

/** What a console page gets: the typed API client (cookie + CSRF), navigation and its query. */
export interface ConsolePageProps {
  api: ApiClient;
  navigate: (path: string) => void;
  query: URLSearchParams;
}

export interface ConsolePage {
  id: string;
  title: string;
  Page: (props: ConsolePageProps) => JSX.Element | null;
}
