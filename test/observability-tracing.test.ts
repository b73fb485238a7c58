import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../lib/tracing.js';
import { startTestSystem, type TestSystem } from './support/system.js';

// OpenTelemetry traces (README, "Observability"): off unless OTEL_EXPORTER_OTLP_ENDPOINT is
// set; with it, one request through the gateway gives the gateway's and a subgraph's spans
// one trace id, sent to a local OTLP/HTTP receiver as JSON.

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
}

let receiver: Server;
let endpoint: string;
const spans: ExportedSpan[] = [];
let system: TestSystem;
let tracing: Tracing | null;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
        };
        for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      response.setHeader('content-type', 'application/json');
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  await tracing?.shutdown();
  await system?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('traces', () => {
  it('creates no SDK and no exporter when OTEL_EXPORTER_OTLP_ENDPOINT is unset', () => {
    expect(startTracing('test', {})).toBeNull();
    expect(startTracing('test', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeNull();
  });

  it('sends the gateway span and the subgraph span of one request under one trace id', async () => {
    tracing = startTracing('kz-housing-graph-test', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(tracing).not.toBeNull();
    system = await startTestSystem({ backgroundWork: false });
    const response = await system.query('query Traced { buildings(first: 1) { edges { node { id } } } }');
    expect(response.status).toBe(200);
    const component = (span: ExportedSpan) => span.attributes.find((attribute) => attribute.key === 'service.component')?.value.stringValue;
    // The gateway's span ends just after its answer is sent: flush until it has been exported (bounded).
    for (let attempt = 0; attempt < 50 && !spans.some((span) => component(span) === 'gateway'); attempt += 1) {
      await tracing?.flush();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const gatewaySpan = spans.find((span) => component(span) === 'gateway' && span.name === 'POST /graphql');
    expect(gatewaySpan).toBeDefined();
    const subgraphSpan = spans.find((span) => component(span) === 'buildings' && span.traceId === gatewaySpan?.traceId);
    expect(subgraphSpan).toBeDefined();
    // Apollo's gateway adds its own spans under ours: the subgraph's span is a child of its fetch.
    const fetchSpan = spans.find((span) => span.spanId === subgraphSpan?.parentSpanId);
    expect(fetchSpan).toMatchObject({ name: 'gateway.fetch', traceId: gatewaySpan?.traceId });
  });
});
