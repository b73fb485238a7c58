// Imported first by bench/run.ts, so the settings hold before any module reads them (imports run before the importer's body).

// The benchmark measures the system, not its quotas: a few clients send far more than a
// caller's budget on purpose.
process.env.GATEWAY_QUOTAS ??= 'false';
// One log line per request would drown the report.
process.env.LOG_LEVEL ??= 'warn';
