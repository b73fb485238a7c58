import type { IncomingMessage } from 'node:http';
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set: without it no SDK
 * and no exporter exist, and the spans below are the API's no-ops (nothing leaves the
 * process). With it, spans go to `<endpoint>/v1/traces` as OTLP over HTTP with JSON bodies.
 *
 * Spans are made by the HTTP front (one server span per request, continuing the caller's
 * W3C `traceparent`) and the gateway injects the current context into each subgraph
 * fetch: explicit, so it works for ESM imports of `node:http`, which the SDK's automatic
 * HTTP instrumentation cannot patch without a loader hook.
 */
export interface Tracing {
  shutdown(): Promise<void>;
  /** Sends what is buffered now (tests). */
  flush(): Promise<void>;
}

let running: Tracing | null = null;

/** Starts the SDK once per process when configured; null when `OTEL_EXPORTER_OTLP_ENDPOINT` is unset. */
export function startTracing(serviceName = 'kz-housing-graph', environment: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (running) return running;
  const endpoint = environment.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return null;
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  const sdk = new NodeSDK({
    serviceName: environment.OTEL_SERVICE_NAME ?? serviceName,
    traceExporter: exporter,
    instrumentations: [],
    // No cloud or host detectors: they probe metadata addresses.
    resourceDetectors: [],
  });
  sdk.start();
  const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  running = {
    shutdown: async () => {
      running = null;
      await sdk.shutdown();
    },
    flush: async () => {
      await provider.getDelegate?.().forceFlush?.();
    },
  };
  return running;
}

const tracer = () => trace.getTracer('kz-housing-graph');

/** Runs `work` inside a server span for `request`, continuing the trace of its `traceparent` header. */
export function withServerSpan<T>(service: string, request: IncomingMessage, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), request.headers);
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  return tracer().startActiveSpan(
    `${request.method ?? 'GET'} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'service.component': service, 'http.request.method': request.method ?? 'GET', 'url.path': path },
    },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Adds the current trace context (`traceparent`) to outgoing headers. */
export function injectTraceContext(set: (key: string, value: string) => void): void {
  propagation.inject(context.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
}
