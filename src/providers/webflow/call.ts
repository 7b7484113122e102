import { contentCalls } from '../kit/content-call.ts';

// Webflow allows 60 or 120 requests a minute per token; a 429's `Retry-After` is usually 60 s (cms.md §5.5).
export const { call: wfCall, find: wfFind } = contentCalls({ maxInlineWaitMs: 65_000, defaultWaitMs: 60_000 });
