import type { components } from './generated/schema.ts';

export type ErrorCode = components['schemas']['ErrorCode'];

/** An error answer of the API, with its stable `code` to switch on. */
export class PlexusError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown) {
    const e = (
      body as { error?: { code?: string; message?: string; details?: unknown; request_id?: string } } | undefined
    )?.error;
    super(e?.message ?? `HTTP ${status}`);
    this.name = 'PlexusError';
    this.code = (e?.code ?? 'internal_error') as ErrorCode;
    this.status = status;
    this.details = e?.details;
    this.requestId = e?.request_id;
  }
}
