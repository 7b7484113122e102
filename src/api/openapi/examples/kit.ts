import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * What an operation's examples are made of: a request body (where the operation takes one)
 * and answers by status. JSON values go under the declared `application/json` media type;
 * `Media` is an answer in another media type (a page, plain text, an event stream), and
 * `Redirect` a 303 whose only content is its `Location`.
 */
import { encodeAdsEntityId } from '../../ads-entity-id.ts';

export class Media {
  constructor(
    readonly mediaType: string,
    readonly value: string | Record<string, unknown>,
    readonly description: string,
    readonly schema: OpenAPIV3_1.SchemaObject = { type: 'string' },
  ) {}
}

export class Redirect {
  constructor(
    readonly location: string,
    readonly description: string,
  ) {}
}

export interface OperationExample {
  /** One line: the situation the example shows. */
  summary: string;
  request?: Record<string, unknown>;
  responses: Record<string, unknown>;
}

export type Examples = Record<string, OperationExample>;

/** Ids that recur across examples, so one example's answer can be another's input. */
export const ID = {
  org: '7d1f4c2a-3b9e-4f61-8a2d-5c6e7f809a1b',
  apiKey: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
  connectSession: 'c8a1e2f3-4b5c-4d6e-8f70-8192a3b4c5d6',
  connection: '5e0c8a7b-2d4f-4a1b-9c3e-6f7a8b9c0d1e',
  wordpress: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  deadLetter: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
  inbound: 'f0e1d2c3-b4a5-4968-8776-655443322110',
  endpoint: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  delivery: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  event: '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f',
  item: '4d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f80',
  batch: '6f7a8b9c-0d1e-4f2a-8b4c-5d6e7f8091a2',
  conflict: '7a8b9c0d-1e2f-4a3b-9c5d-6e7f8091a2b3',
  operation: '8b9c0d1e-2f3a-4b4c-8d6e-7f8091a2b3c4',
  childOperation: '9c0d1e2f-3a4b-4c5d-9e7f-8091a2b3c4d5',
  audit: '0d1e2f3a-4b5c-4d6e-8f80-91a2b3c4d5e6',
  syncRun: 'a1b2c3d4-e5f6-4a7b-8c9d-e0f1a2b3c4d5',
  revision: 'b1c2d3e4-f5a6-4b7c-8d9e-f0a1b2c3d4e5',
} as const;

/** Ads ids as the API gives them: opaque, the connection, level and platform id in one. */
const adsId = (level: string, platformId: string) => encodeAdsEntityId(ID.connection, level, platformId);
export const ADS_ID = {
  account: adsId('account', 'act_1048576001'),
  campaign: adsId('campaign', '120210456789012'),
  adGroup: adsId('ad_group', '120210456789345'),
  ad: adsId('ad', '120210456789678'),
} as const;

export const AT = {
  created: '2026-11-02T09:14:07.512Z',
  earlier: '2026-12-01T06:00:03.118Z',
  recent: '2026-12-07T07:30:12.904Z',
  later: '2026-12-07T07:30:14.377Z',
  expires: '2026-12-07T09:30:12.000Z',
} as const;

/** A list page: `{data, next_cursor}`. */
export const page = <T>(data: T[], next_cursor: string | null = null) => ({ data, next_cursor });
