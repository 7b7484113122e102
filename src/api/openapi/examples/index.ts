import { ADMIN_EXAMPLES } from './admin.ts';
import { ADS_EXAMPLES } from './ads.ts';
import { CONNECTION_EXAMPLES } from './connections.ts';
import { CONTENT_EXAMPLES } from './content.ts';
import type { Examples } from './kit.ts';
import { OPERATION_EXAMPLES } from './operations.ts';
import { ORG_EXAMPLES } from './org.ts';
import { PORTAL_EXAMPLES } from './portal.ts';
import { WEBHOOK_EXAMPLES } from './webhooks.ts';

/**
 * A realistic request and answer for every operation, keyed by operationId (operation-ids.ts),
 * put into the document by `applyExamples`; document.test.ts checks each one covers its
 * operation and validates against its own schema.
 */
export const EXAMPLES: Examples = {
  ...ORG_EXAMPLES,
  ...CONNECTION_EXAMPLES,
  ...WEBHOOK_EXAMPLES,
  ...ADS_EXAMPLES,
  ...CONTENT_EXAMPLES,
  ...OPERATION_EXAMPLES,
  ...PORTAL_EXAMPLES,
  ...ADMIN_EXAMPLES,
};
