/**
 * One stable `operationId` per operation ("METHOD /path" as Fastify declares it). A route
 * missing here still gets one, derived from its method and path (see `deriveOperationId`), so
 * the server runs; but document.test.ts fails until it is named here, because the name is the
 * SDK's method name and the key of its examples (examples/index.ts).
 */
export const OPERATION_IDS: Record<string, string> = {
  'GET /v1/org': 'getOrg',
  'PATCH /v1/org': 'updateOrg',
  'DELETE /v1/org': 'eraseOrg',
  'GET /v1/org/retention': 'getRetention',
  'PATCH /v1/org/retention': 'updateRetention',
  'GET /v1/audit': 'listAuditEntries',
  'GET /v1/operations': 'listOperations',
  'GET /v1/operations/:id': 'getOperation',
  'GET /v1/operations/:id/stream': 'streamOperation',
  'GET /v1/connections/:id/diagnostics': 'getConnectionDiagnostics',
  'POST /v1/portal-sessions': 'createPortalSession',
  'DELETE /v1/portal-sessions/:id': 'revokePortalSession',
  'GET /v1/portal-session': 'getPortalSession',
  'GET /v1/org/portal': 'getPortalSettings',
  'PATCH /v1/org/portal': 'updatePortalSettings',
  'GET /v1/providers': 'listProviders',
  'GET /v1/api-keys': 'listApiKeys',
  'POST /v1/api-keys': 'createApiKey',
  'DELETE /v1/api-keys/:id': 'revokeApiKey',
  'GET /v1/dead-letters': 'listDeadLetters',
  'GET /v1/dead-letters/:id': 'getDeadLetter',
  'POST /v1/dead-letters/:id/replay': 'replayDeadLetter',
  'POST /v1/connect-sessions': 'createConnectSession',
  'GET /v1/connect-sessions/:id': 'getConnectSession',
  'GET /v1/connections': 'listConnections',
  'GET /v1/connections/:id': 'getConnection',
  'PATCH /v1/connections/:id': 'updateConnection',
  'DELETE /v1/connections/:id': 'deleteConnection',
  'POST /v1/connections/:id/refresh': 'refreshConnection',
  'POST /v1/connections/:id/webhook-secret': 'createConnectionWebhookSecret',
  'POST /v1/connections/:id/syncs': 'createSync',
  'GET /v1/connections/:id/syncs': 'listSyncs',
  'GET /v1/sync-runs': 'listSyncRuns',
  'GET /v1/webhooks/inbound': 'listInboundWebhooks',
  'GET /v1/webhooks/inbound/:id': 'getInboundWebhook',
  'POST /v1/webhook-endpoints': 'createWebhookEndpoint',
  'GET /v1/webhook-endpoints': 'listWebhookEndpoints',
  'GET /v1/webhook-endpoints/:id': 'getWebhookEndpoint',
  'PATCH /v1/webhook-endpoints/:id': 'updateWebhookEndpoint',
  'DELETE /v1/webhook-endpoints/:id': 'deleteWebhookEndpoint',
  'POST /v1/webhook-endpoints/:id/rotate-secret': 'rotateWebhookEndpointSecret',
  'GET /v1/webhook-endpoints/:id/deliveries': 'listWebhookDeliveries',
  'POST /v1/webhook-endpoints/:id/test': 'testWebhookEndpoint',
  'GET /v1/webhook-deliveries/:id': 'getWebhookDelivery',
  'POST /v1/webhook-deliveries/:id/redeliver': 'redeliverWebhookDelivery',
  'GET /v1/ads/accounts': 'listAdAccounts',
  'GET /v1/ads/campaigns': 'listCampaigns',
  'POST /v1/ads/campaigns': 'createCampaign',
  'PATCH /v1/ads/campaigns/:id': 'updateCampaign',
  'DELETE /v1/ads/campaigns/:id': 'deleteCampaign',
  'GET /v1/ads/ad-groups': 'listAdGroups',
  'GET /v1/ads/ads': 'listAds',
  'GET /v1/ads/metrics': 'getAdMetrics',
  'GET /v1/ads/metrics/revisions': 'listAdMetricRevisions',
  'GET /v1/ads/campaigns/:id/metrics': 'getCampaignMetrics',
  'GET /v1/ads/campaigns/:id/metrics/revisions': 'listCampaignDayRevisions',
  'POST /v1/ads/campaigns/:id/pause': 'pauseCampaign',
  'POST /v1/ads/campaigns/:id/resume': 'resumeCampaign',
  'POST /v1/ads/ad-groups/:id/pause': 'pauseAdGroup',
  'POST /v1/ads/ad-groups/:id/resume': 'resumeAdGroup',
  'POST /v1/ads/ads/:id/pause': 'pauseAd',
  'POST /v1/ads/ads/:id/resume': 'resumeAd',
  'POST /v1/content': 'upsertContentItem',
  'GET /v1/content': 'listContentItems',
  'GET /v1/content/:id': 'getContentItem',
  'PATCH /v1/content/:id': 'updateContentItem',
  'POST /v1/content/media': 'uploadContentMedia',
  'GET /v1/content/targets': 'listContentTargets',
  'POST /v1/publish': 'createPublishBatch',
  'GET /v1/publish': 'listPublishBatches',
  'GET /v1/publish/:id': 'getPublishBatch',
  'POST /v1/publish/:id/rollback': 'rollbackPublishBatch',
  'GET /v1/conflicts': 'listConflicts',
  'GET /v1/conflicts/:id': 'getConflict',
  'POST /v1/conflicts/:id/resolve': 'resolveConflict',
  'GET /v1/conflicts/:id/body-blocks': 'getConflictBodyBlocks',
  'POST /v1/admin/orgs': 'adminCreateOrg',
  'GET /v1/admin/orgs': 'adminListOrgs',
  'GET /v1/admin/orgs/:id': 'adminGetOrg',
  'DELETE /v1/admin/orgs/:id': 'adminEraseOrg',
  'GET /v1/admin/health': 'adminGetHealth',
  'GET /v1/admin/dead-letters': 'adminListDeadLetters',
  'POST /v1/admin/dead-letters/:id/replay': 'adminReplayDeadLetter',
  'GET /v1/admin/platform-rates': 'adminGetPlatformRates',
  'GET /v1/admin/provider-versions': 'adminListProviderVersions',
  'GET /connect/:token': 'getConnectPage',
  'POST /connect/:token/authorize': 'authorizeConnect',
  'POST /connect/:token/credentials': 'submitConnectCredentials',
  'GET /oauth/callback/:provider': 'oauthCallback',
  'POST /webhooks/:provider': 'receivePlatformWebhook',
  'GET /webhooks/:provider': 'answerPlatformWebhookChallenge',
  'POST /webhooks/:provider/:connectionId': 'receiveConnectionWebhook',
  'GET /webhooks/:provider/:connectionId': 'answerConnectionWebhookChallenge',
};

const camel = (parts: string[]) =>
  parts
    .flatMap((p) => p.split(/[-_]/))
    .filter(Boolean)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');

/** `GET /v1/widgets/:id/parts` → `getWidgetsParts`: unique because method + static segments are. */
export function deriveOperationId(method: string, url: string): string {
  const statics = url.split('/').filter((s) => s && s !== 'v1' && !s.startsWith(':'));
  const byParam = url
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => `by-${s.slice(1)}`);
  return camel([method, ...statics, ...byParam]);
}

export function operationIdOf(method: string, url: string): string {
  return OPERATION_IDS[`${method} ${url}`] ?? deriveOperationId(method, url);
}
