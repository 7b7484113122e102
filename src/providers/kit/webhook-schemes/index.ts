/** The one list of webhook signature schemes; providers name theirs in their definition. */
import type { WebhookSchemeId } from '../../types.ts';
import type { WebhookScheme } from './types.ts';
import { scheme as hmacSha256Base64 } from './hmac-sha256-base64.ts';
import { scheme as hmacSha256HexTimestamped } from './hmac-sha256-hex-timestamped.ts';
import { scheme as hmacSha256Hex } from './hmac-sha256-hex.ts';
import { scheme as jwtRs256 } from './jwt-rs256.ts';
import { scheme as plexusHmac } from './plexus-hmac.ts';
import { scheme as hmacSha256HexTimestampPairs } from './hmac-sha256-hex-timestamp-pairs.ts';

export type { SchemeResult, SignInput, VerifyFailure, VerifyInput, WebhookScheme } from './types.ts';

export const schemes: Record<WebhookSchemeId, WebhookScheme> = {
  'hmac-sha256-hex': hmacSha256Hex,
  'hmac-sha256-base64': hmacSha256Base64,
  'hmac-sha256-hex-timestamped': hmacSha256HexTimestamped,
  'hmac-sha256-hex-timestamp-pairs': hmacSha256HexTimestampPairs,
  'jwt-rs256': jwtRs256,
  'plexus-hmac': plexusHmac,
};

export function schemeFor(id: WebhookSchemeId): WebhookScheme {
  return schemes[id];
}
