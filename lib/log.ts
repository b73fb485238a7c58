import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * What a log line may not carry, found by pattern in any text (messages and string
 * values): bearer credentials and our tokens, IIN/BIN-like 12-digit numbers, e-mail addresses.
 */
const secretPatterns: Array<[RegExp, string]> = [
  [/\bBearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  [/\bkzh_[A-Za-z0-9_-]+/g, '[token]'],
  [/(?<!\d)\d{12}(?!\d)/g, '[iin]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
];

/** `text` with every credential, IIN-like number and e-mail address replaced. */
export function scrub(text: string): string {
  let result = text;
  for (const [pattern, replacement] of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}

/** Scrubs the strings of a logged object (bounded depth: log objects are small). */
function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubValue(item, depth + 1);
  return copy;
}

/** Keys removed wherever they appear (two levels deep): credentials and personal data by name. */
const sensitiveKeys = [
  'authorization',
  'x-housing-caller',
  'cookie',
  'token',
  'password',
  'holderIin',
  'holderName',
  'fullName',
  'iin',
  'email',
];
const redactPaths = sensitiveKeys.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `*.*["${key}"]`]);

/** The request a log line belongs to: set by the HTTP front for everything its request runs. */
export interface RequestScope {
  requestId: string;
  service: string;
}
const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `work` with every log line inside it (whichever logger writes it) carrying `requestScope`'s request id. */
export function withRequestScope<T>(requestScope: RequestScope, work: () => T): T {
  return scope.run(requestScope, work);
}

export function currentRequestScope(): RequestScope | undefined {
  return scope.getStore();
}

export const REQUEST_ID_HEADER = 'x-request-id';
const safeRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

/** The client's `x-request-id` when it is short and of safe characters, else a fresh UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value && safeRequestId.test(value) ? value : randomUUID();
}

/** Swappable so that tests can read what is logged; standard output otherwise. */
const sink: DestinationStream & { target: DestinationStream } = {
  target: pino.destination({ dest: 1, sync: true }),
  write(line: string) {
    this.target.write(line);
  },
};

/** Sends log lines to `stream` until the returned function is called (tests). */
export function redirectLogs(stream: DestinationStream): () => void {
  const previous = sink.target;
  sink.target = stream;
  return () => {
    sink.target = previous;
  };
}

const levels = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** A logger with the redaction rules of this file, writing JSON lines (pino's standard fields: level, time, msg). */
export function createLogger(destination: DestinationStream = sink, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level: levels.has(level) ? level : 'info',
      base: { pid: process.pid },
      redact: { paths: redactPaths, censor: '[redacted]' },
      mixin: () => {
        const current = scope.getStore();
        return current ? { requestId: current.requestId, service: current.service } : {};
      },
      formatters: { log: (object) => scrubValue(object, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as typeof args;
          method.apply(this, cleaned);
        },
      },
    },
    destination,
  );
}

/** The process's logger; services take children of it (`log.child({ service })`). */
export const log: Logger = createLogger();
