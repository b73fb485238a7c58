// Imported first by bench/run.ts, so the settings hold before any module reads them (imports run before the importer's body).

// The benchmark measures the system, not its quotas: a few clients send far more than a
// caller's budget on purpose.
process.env.GATEWAY_QUOTAS ??= 'false';
// One log line per request would drown the report.
process.env.LOG_LEVEL ??= 'warn';
// Measured as deployed (the Dockerfile's NODE_ENV): graphql-js checks every `instanceof` for
// duplicate module copies outside production, which cost a tenth of a 10,000-reading call.
process.env.NODE_ENV ??= 'production';
