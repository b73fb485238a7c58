import { z } from 'zod';

/**
 * The whole configuration, parsed once. Every problem is listed at once so an
 * operator fixes a deployment in one pass instead of one variable per restart.
 */
const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /**
   * Streaming replicas of DATABASE_URL that analytics reads may go to, comma-separated. Writes
   * and every access check stay on the primary (`lib/read-replicas.ts`).
   */
  DATABASE_REPLICA_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().url('each of DATABASE_REPLICA_URLS must be a URL'))),
  /** A replica further behind the primary than this serves no analytics read (they go to the primary meanwhile). */
  DATABASE_REPLICA_MAX_LAG_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
  /** How often each replica's lag is measured. */
  DATABASE_REPLICA_CHECK_SECONDS: z.coerce.number().min(0.1).max(600).default(1),
  /** Folder of the embedded PostgreSQL used when DATABASE_URL is absent. */
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  BUILDINGS_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  CONDOMINIUM_PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  UTILITIES_PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  ACCESS_PORT: z.coerce.number().int().min(0).max(65535).default(4004),
  INTEGRATION_PORT: z.coerce.number().int().min(0).max(65535).default(4005),
  SUBGRAPH_HOST: z.string().default('127.0.0.1'),
  /** Subgraph URLs for the gateway when subgraphs run elsewhere (docker-compose). */
  BUILDINGS_URL: z.string().url().optional(),
  CONDOMINIUM_URL: z.string().url().optional(),
  UTILITIES_URL: z.string().url().optional(),
  ACCESS_URL: z.string().url().optional(),
  INTEGRATION_URL: z.string().url().optional(),
  /** The access service's caller endpoint the gateway resolves each request's caller at; default: `caller` under ACCESS_URL. */
  ACCESS_CALLER_URL: z.string().url().optional(),
  /** Shared secret the access service signs callers with (`POST /caller`); every subgraph refuses anything else. The gateway does not need it. */
  GATEWAY_SECRET: z.string().min(32, 'GATEWAY_SECRET must be at least 32 characters').optional(),
  /** Token of the first administrator, created at first start when no administrator exists. */
  BOOTSTRAP_ADMIN_TOKEN: z.string().min(32, 'BOOTSTRAP_ADMIN_TOKEN must be at least 32 characters').optional(),
  /** EDS sign-in and signature verification (lib/signatures): the trusted CA roots, PEM text or comma-separated PEM file paths; unset: EDS sign-in refused. */
  SIGNATURE_TRUST_ROOTS: z.string().optional(),
  /** The CAs' revocation lists, PEM text or comma-separated PEM/DER file paths; unset: revocation not checked. */
  SIGNATURE_CRLS: z.string().optional(),
  /** Apollo inline tracing (ftv1) from subgraphs; off unless asked for. */
  SUBGRAPH_INLINE_TRACES: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Introspection and the IDE page on the gateway. */
  GATEWAY_INTROSPECTION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Browser origins allowed to call the gateway (CORS), comma-separated; `*` for any. */
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  /** The gateway's request limits and quotas (README, "Limits and quotas"); each refusal has its own code. */
  GATEWAY_MAX_DEPTH: z.coerce.number().int().min(1).default(15),
  GATEWAY_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().min(10).default(5_000),
  GATEWAY_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  GATEWAY_MAX_COST: z.coerce.number().int().min(1).default(100_000),
  GATEWAY_COST_LIST_SIZE: z.coerce.number().int().min(1).default(10),
  /** 10 MiB each. */
  GATEWAY_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(10_485_760),
  GATEWAY_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(10_485_760),
  GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Per-caller budgets of cost points per window; `false` turns them off (a load test, a gateway behind another limiter). */
  GATEWAY_QUOTAS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  GATEWAY_QUOTA_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  GATEWAY_QUOTA_ANONYMOUS: z.coerce.number().int().min(1).default(100_000),
  GATEWAY_QUOTA_PERSON: z.coerce.number().int().min(1).default(500_000),
  GATEWAY_QUOTA_MACHINE: z.coerce.number().int().min(1).default(2_000_000),
  /** Reverse proxies in front of the gateway that append to X-Forwarded-For; 0 counts the connection's peer as the client. */
  GATEWAY_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** The gateway serves GET /metrics on this port (not published) instead of its public one; unset: on its own port. */
  GATEWAY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Largest page a connection returns. */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  /** Demo data size loaded by `npm start` into an empty database. */
  DEMO_BUILDINGS: z.coerce.number().int().min(0).default(2000),
  SMTP_URL: z.string().url().optional(),
  SMTP_FROM: z.string().default('noreply@housing.example.kz'),
  /**
   * Webhook targets on loopback or private addresses, and plain http: off by default (only
   * https to public addresses); tests and a local receiver during development turn it on.
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Consecutive failed attempts after which a webhook subscription pauses (and its owner is told). */
  WEBHOOK_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(10),
  /** How long one webhook delivery may take to be answered. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How often the integration subgraph's monitor checks the database and every subgraph's /health (p.34); 0 turns it off. */
  MONITOR_INTERVAL_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  /** Consecutive failed checks that make an incident (and notify the owners of digital objects). */
  MONITOR_FAILURE_CHECKS: z.coerce.number().int().min(1).max(100).default(2),
  /** How long one check may wait for its answer. */
  MONITOR_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

export type Env = z.infer<typeof envSchema>;

/**
 * What each entry point cannot run without when it runs as its own process (the
 * docker-compose shape). `npm start` runs everything in one process and needs none of them.
 */
export const requiredVariables = {
  // No database and no secret: the gateway resolves callers at the access service (ACCESS_CALLER_URL).
  gateway: ['BUILDINGS_URL', 'CONDOMINIUM_URL', 'UTILITIES_URL', 'ACCESS_URL', 'INTEGRATION_URL'],
  subgraph: ['DATABASE_URL', 'GATEWAY_SECRET'],
} as const satisfies Record<string, ReadonlyArray<keyof Env>>;

export type EntryPoint = keyof typeof requiredVariables;

/** The configuration of `entryPoint`, its required variables known to be present. */
export type RequiredEnv<E extends EntryPoint> = Env & { [K in (typeof requiredVariables)[E][number]]-?: NonNullable<Env[K]> };

const entryPointNames: Record<EntryPoint, string> = {
  gateway: 'the gateway running as its own process (`npm start` runs everything in one)',
  subgraph: 'a subgraph running as its own process (`npm start` runs everything in one)',
};

/**
 * Parses `source`; with `entryPoint`, its required variables must be present. An empty
 * variable counts as unset, as with docker-compose's `${VAR:?}` and `${VAR:-default}`.
 */
export function parseEnv(source?: NodeJS.ProcessEnv): Env;
export function parseEnv<E extends EntryPoint>(source: NodeJS.ProcessEnv | undefined, entryPoint: E): RequiredEnv<E>;
export function parseEnv(source: NodeJS.ProcessEnv = process.env, entryPoint?: EntryPoint): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = envSchema.safeParse(present);
  const problems = new Map<string, string>(result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message]));
  for (const name of entryPoint ? requiredVariables[entryPoint] : []) {
    if (problems.has(name) || present[name] !== undefined) continue;
    problems.set(name, `${name} is required by ${entryPointNames[entryPoint as EntryPoint]} and is unset or empty`);
  }
  if (!result.success || problems.size > 0) {
    throw new Error(`Invalid configuration:\n${[...problems].map(([name, message]) => `  - ${name}: ${message}`).join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** The configuration of an entry point running as its own process; stops naming every missing variable. */
export function requireEnv<E extends EntryPoint>(entryPoint: E): RequiredEnv<E> {
  return parseEnv(process.env, entryPoint);
}
