import type { OpenAPIV3_1 } from 'openapi-types';
import { AT, ID, Media, page, Redirect, type Examples } from './kit.ts';

const inbound = {
  id: ID.inbound,
  provider: 'meta',
  connection_id: ID.connection,
  topic: 'ad_account',
  account_ref: '10229384756012345',
  status: 'processed',
  attempts: 1,
  last_error: null,
  received_at: AT.recent,
  processed_at: AT.later,
};
const eventTypes = ['connection.reauth_required', 'sync.failed', 'publish.completed'];
const endpoint = {
  id: ID.endpoint,
  url: 'https://app.northwind.example/hooks/plexus',
  description: 'Production receiver',
  event_types: eventTypes,
  status: 'active',
  disabled_reason: null,
  disabled_at: null,
  previous_secret_expires_at: null,
  consecutive_failures: 0,
  failing_since: null,
  last_success_at: AT.recent,
  created_at: AT.created,
  updated_at: AT.created,
};
const delivery = {
  id: ID.delivery,
  endpoint_id: ID.endpoint,
  event_id: ID.event,
  event_type: 'publish.completed',
  status: 'succeeded',
  attempts: 1,
  next_attempt_at: null,
  last_status_code: 200,
  last_latency_ms: 84,
  last_response_excerpt: '{"ok":true}',
  last_error: null,
  created_at: AT.recent,
  delivered_at: AT.later,
};
const RECEIVED: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  properties: { received: { type: 'integer', minimum: 0 } },
  required: ['received'],
  additionalProperties: false,
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const page200 = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1></main></body></html>`;
const returnUrl = `https://app.northwind.example/integrations/done?connect_session_id=${ID.connectSession}&status=success&connection_id=${ID.connection}`;

/** LinkedIn signs the challenge: `{challengeCode, challengeResponse}` as JSON. */
const CHALLENGE_JSON = new Media(
  'application/json',
  {
    challengeCode: '890e4aa5-3b4f-4b12-9d2c-6a1f8e3c2b71',
    challengeResponse: '6f1ed002ab5595859014ebf0951522d9f8c4a7e3b1d0c2a5f6e7d8c9b0a1f2e3',
  },
  'The challenge and its HMAC, for platforms that sign it (LinkedIn).',
  {
    type: 'object',
    required: ['challengeCode', 'challengeResponse'],
    properties: { challengeCode: { type: 'string' }, challengeResponse: { type: 'string' } },
  },
);

export const WEBHOOK_EXAMPLES: Examples = {
  listInboundWebhooks: { summary: 'Platform events as they arrived', responses: { '200': page([inbound]) } },
  getInboundWebhook: {
    summary: 'One platform event with its payload',
    responses: {
      '200': {
        ...inbound,
        payload: {
          object: 'ad_account',
          entry: [
            {
              id: '10229384756012345',
              time: 1796542212,
              changes: [{ field: 'with_issues_ad_objects', value: { id: '120210456789678', level: 'AD' } }],
            },
          ],
        },
      },
    },
  },
  createWebhookEndpoint: {
    summary: 'Receive reconnects, failed syncs and finished publishes',
    request: {
      url: 'https://app.northwind.example/hooks/plexus',
      description: 'Production receiver',
      event_types: eventTypes,
    },
    responses: { '201': { ...endpoint, last_success_at: null, secret } },
  },
  listWebhookEndpoints: { summary: 'The organisation’s endpoints', responses: { '200': page([endpoint]) } },
  getWebhookEndpoint: { summary: 'One endpoint', responses: { '200': endpoint } },
  updateWebhookEndpoint: {
    summary: 'Pause deliveries to an endpoint',
    request: { status: 'disabled' },
    responses: {
      '200': {
        ...endpoint,
        status: 'disabled',
        disabled_reason: 'disabled by the API',
        disabled_at: AT.later,
        updated_at: AT.later,
      },
    },
  },
  deleteWebhookEndpoint: { summary: 'Deleted', responses: { '200': { id: ID.endpoint, deleted: true } } },
  rotateWebhookEndpointSecret: {
    summary: 'A new secret; the old one is accepted for 24 hours',
    responses: {
      '200': {
        ...endpoint,
        previous_secret_expires_at: '2026-12-08T07:30:12.904Z',
        secret: 'whsec_ZnV0dXJlIHNlY3JldCBmb3IgdGhlIGVuZHBvaW50',
      },
    },
  },
  listWebhookDeliveries: { summary: 'Deliveries to an endpoint, newest first', responses: { '200': page([delivery]) } },
  testWebhookEndpoint: {
    summary: 'A `webhook.test` event queued to the endpoint',
    responses: {
      '202': {
        ...delivery,
        event_type: 'webhook.test',
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_latency_ms: null,
        last_response_excerpt: null,
        delivered_at: null,
      },
    },
  },
  getWebhookDelivery: {
    summary: 'A delivery that succeeded on its second attempt',
    responses: {
      '200': {
        ...delivery,
        attempts: 2,
        attempt_log: [
          {
            attempt: 1,
            status_code: 502,
            latency_ms: 3012,
            response_excerpt: 'Bad Gateway',
            error: null,
            at: AT.recent,
          },
          { attempt: 2, status_code: 200, latency_ms: 84, response_excerpt: '{"ok":true}', error: null, at: AT.later },
        ],
      },
    },
  },
  redeliverWebhookDelivery: {
    summary: 'Send the same event again',
    responses: { '202': { ...delivery, status: 'pending', next_attempt_at: AT.later, delivered_at: null } },
  },
  getConnectPage: {
    summary: 'The page your user opens from a connect session’s `url`',
    responses: { '200': new Media('text/html', page200('Connect Meta'), 'The connect page.') },
  },
  authorizeConnect: {
    summary: 'Off to the platform’s consent page',
    responses: {
      '303': new Redirect(
        'https://www.facebook.com/v25.0/dialog/oauth?client_id=1234567890&redirect_uri=https%3A%2F%2Fplexus.northwind.example%2Foauth%2Fcallback%2Fmeta&state=Zk9xT2w4&response_type=code',
        'To the platform’s consent page.',
      ),
    },
  },
  submitConnectCredentials: {
    summary: 'Site credentials accepted: back to your app, or a page saying so',
    responses: {
      '200': new Media('text/html', page200('WordPress connected'), 'Connected (the session has no `return_url`).'),
      '303': new Redirect(returnUrl, 'Back to the session’s `return_url` with the outcome.'),
    },
  },
  oauthCallback: {
    summary: 'The platform sends your user back: back to your app, or a page saying so',
    responses: {
      '200': new Media('text/html', page200('Meta connected'), 'Connected (the session has no `return_url`).'),
      '303': new Redirect(returnUrl, 'Back to the session’s `return_url` with the outcome.'),
    },
  },
  receivePlatformWebhook: {
    summary: 'A signed delivery accepted with its events',
    responses: {
      '200': new Media('application/json', { received: 2 }, 'Verified and stored: how many events it held.', RECEIVED),
    },
  },
  receiveConnectionWebhook: {
    summary: 'A signed delivery from one site accepted',
    responses: {
      '200': new Media('application/json', { received: 1 }, 'Verified and stored: how many events it held.', RECEIVED),
    },
  },
  answerPlatformWebhookChallenge: {
    summary: 'Meta’s subscription check, answered with its challenge',
    responses: {
      '200': [
        new Media('text/plain', '1158201444', 'The challenge, echoed (JSON for platforms that sign it).'),
        CHALLENGE_JSON,
      ],
    },
  },
  answerConnectionWebhookChallenge: {
    summary: 'A site’s subscription check, answered',
    responses: {
      '200': [
        new Media('text/plain', '1158201444', 'The challenge, echoed (JSON for platforms that sign it).'),
        CHALLENGE_JSON,
      ],
    },
  },
};
