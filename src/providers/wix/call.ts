import { contentCalls } from '../kit/content-call.ts';

// Wix throttles an app instance past about 200 requests a minute with a 429, `Retry-After` a minute when absent (cms.md §6.5).
export const { call: wixCall, find: wixFind } = contentCalls({ maxInlineWaitMs: 65_000, defaultWaitMs: 60_000 });
