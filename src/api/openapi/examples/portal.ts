import { syncRun } from './connections.ts';
import { AT, ID, type Examples } from './kit.ts';

const SESSION_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const session = {
  id: SESSION_ID,
  mode: 'manage',
  sections: ['connections', 'syncs', 'webhooks', 'failures'],
  end_user_ref: 'user_4821',
  lifetime_seconds: 3600,
  enter_expires_at: '2026-12-07T07:32:12.904Z',
  entered_at: null,
  expires_at: null,
  revoked_at: null,
  created_at: AT.recent,
};
const settings = {
  allowed_origins: ['https://app.northwind.example'],
  display_name: 'Northwind integrations',
  logo_url: 'https://app.northwind.example/logo.svg',
  accent_color: '#0f766e',
};

const runningSync = {
  ...syncRun,
  connection_id: ID.connection,
  provider: 'meta',
  job_id: 48402,
  reason: 'on_demand',
  status: 'running',
  pages: 12,
  records: 1840,
  rate_limit_waits: 1,
  finished_at: null,
};

export const PORTAL_EXAMPLES: Examples = {
  listSyncRuns: {
    summary: 'What syncs now across the organisation',
    responses: { '200': { data: [runningSync], next_cursor: null } },
  },
  createPortalSession: {
    summary: 'A one-hour portal session that may act, limited to four sections; put `url` in an iframe or open it',
    request: {
      end_user_ref: 'user_4821',
      sections: ['connections', 'syncs', 'webhooks', 'failures'],
      mode: 'manage',
      lifetime_seconds: 3600,
    },
    responses: {
      '201': {
        ...session,
        url: `https://plexus.northwind.example/portal/enter?token=pxe_${ID.org.replaceAll('-', '')}_Zr3kq9VwT2mXbL8nPc4yHd6sJf1gAe0uOi5tRk7vNwQ`,
      },
    },
  },
  revokePortalSession: {
    summary: 'A session ended early',
    responses: { '200': { ...session, entered_at: AT.recent, expires_at: AT.expires, revoked_at: AT.later } },
  },
  getPortalSession: {
    summary: 'What the portal page learns about its own session',
    responses: {
      '200': {
        id: SESSION_ID,
        org_id: ID.org,
        mode: 'manage',
        sections: ['connections', 'syncs', 'webhooks', 'failures'],
        expires_at: AT.expires,
        csrf_token: 'mB7yQ2c9XkVt4LpR8sN1wZ6hJ3fD0gAeU5oIiTrKqYc',
        branding: {
          display_name: 'Northwind integrations',
          logo_url: 'https://app.northwind.example/logo.svg',
          accent_color: '#0f766e',
        },
      },
    },
  },
  getPortalSettings: {
    summary: 'Framed by the host app, with its name, logo and colour',
    responses: { '200': settings },
  },
  updatePortalSettings: {
    summary: 'Allow the host app’s origin to frame the portal',
    request: { allowed_origins: ['https://app.northwind.example'], accent_color: '#0f766e' },
    responses: { '200': settings },
  },
};
