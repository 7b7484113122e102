import type { ProviderApp } from './app.ts';

/** One platform event found in a verified delivery (a delivery may carry several: Meta batches). */
export interface InboundEvent {
  /** The platform's event id; absent → a hash of the event is used. */
  eventId?: string;
  topic: string;
  /** The account, shop or site id the event names; absent when the URL names the connection. */
  accountRef?: string;
  payload: unknown;
}

/** What processing an event means for a connection. */
export type WebhookAction = { kind: 'sync'; reason: string } | { kind: 'reauth'; reason: string } | { kind: 'none' };

/** The reply to a subscription handshake: a status and a text or JSON body. */
export type HandshakeAnswer = { status: number; type: 'text' | 'json'; body: string | Record<string, string> };

/**
 * A provider's webhook semantics, beside its definition's verification settings: how to
 * split a delivery into events and route them, and what each topic asks Plexus to do.
 */
export interface WebhookAdapter {
  events(body: unknown, headers: Readonly<Record<string, string | undefined>>): InboundEvent[];
  action(event: { topic: string; payload: unknown }): WebhookAction;
  /**
   * Answers the platform's GET that checks a callback URL before it sends events. Without a
   * configured token or secret it refuses (fail closed). A platform that signs the answer with
   * the key that also signs event bodies must answer only values of its own challenge format,
   * and never one that parses as JSON, or the endpoint would sign any body (a signing oracle).
   */
  handshake?(query: Readonly<Record<string, string | undefined>>, app: ProviderApp): HandshakeAnswer;
}
