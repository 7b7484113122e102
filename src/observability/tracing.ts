import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { errorMessage } from '../core/errors.ts';

/**
 * OpenTelemetry traces, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: OTLP over HTTP
 * (JSON) to `<endpoint>/v1/traces`. Off, every helper here runs its function directly, so
 * the hot paths pay one boolean check.
 */
let provider: BasicTracerProvider | undefined;
const TRACER = 'plexus';

export interface TracingHandle {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startTracing(env: NodeJS.ProcessEnv = process.env, serviceName = 'plexus'): TracingHandle | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint || provider) return undefined;
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${endpoint.replace(/\/$/, '')}/v1/traces`;
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(p);
  provider = p;
  return {
    flush: () => p.forceFlush(),
    async shutdown() {
      await p.shutdown();
      trace.disable();
      context.disable();
      provider = undefined;
    },
  };
}

function end(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : errorMessage(err));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: err instanceof Error ? err.message.slice(0, 300) : errorMessage(err),
    });
  }
  span.end();
}

/**
 * The span of an operation: the root of a new trace, or a child when the operation runs
 * inside another. `fn` receives the trace id (undefined while tracing is off).
 */
export async function inOperationSpan<T>(
  type: string,
  attrs: Attributes,
  fn: (traceId: string | undefined) => Promise<T>,
): Promise<T> {
  if (!provider) return fn(undefined);
  const parent = trace.getActiveSpan();
  const tracer = trace.getTracer(TRACER);
  return tracer.startActiveSpan(
    `operation ${type}`,
    { attributes: { 'plexus.operation.type': type, ...attrs }, root: !parent },
    async (span) => {
      try {
        const out = await fn(span.spanContext().traceId);
        end(span);
        return out;
      } catch (err) {
        end(span, err);
        throw err;
      }
    },
  );
}

/** A child span (a platform call, database work) around `fn`, when tracing is on. */
export async function inSpan<T>(
  name: string,
  kind: 'client' | 'internal',
  attrs: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!provider || !trace.getActiveSpan()) return fn(undefined);
  return trace
    .getTracer(TRACER)
    .startActiveSpan(
      name,
      { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: attrs },
      async (span) => {
        try {
          const out = await fn(span);
          end(span);
          return out;
        } catch (err) {
          end(span, err);
          throw err;
        }
      },
    );
}

/** The trace id of the active span, if tracing is on and a span is active. */
export function activeTraceId(): string | undefined {
  if (!provider) return undefined;
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceId !== '00000000000000000000000000000000' ? ctx.traceId : undefined;
}
