import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type EntryPoint, parseEnv, requiredVariables } from '../lib/env.js';

// These machines have no Docker engine, so `docker compose up` cannot run here. This test
// holds docker-compose.yml to what it must do instead: every variable without a default
// stops compose with a message naming it, and every service gets what its entry point needs.
const text = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

interface Service {
  build?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(text, { merge: true }) as { services: Record<string, Service> };

/** `${NAME}`, `${NAME-x}`, `${NAME:-x}`, `${NAME?x}`, `${NAME:?x}`, `${NAME+x}`, `${NAME:+x}`. */
const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}/g;

/** Compose's interpolation of one value; a missing required variable throws compose's error. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(reference, (_whole, name: string, operator: string | undefined, argument: string | undefined) => {
    const set = variables[name] !== undefined;
    const nonEmpty = set && variables[name] !== '';
    switch (operator) {
      case undefined:
        return variables[name] ?? '';
      case ':-':
        return nonEmpty ? (variables[name] as string) : (argument ?? '');
      case '-':
        return set ? (variables[name] as string) : (argument ?? '');
      case ':?':
      case '?':
        if (operator === ':?' ? !nonEmpty : !set) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return variables[name] as string;
      default:
        return (operator === ':+' ? nonEmpty : set) ? (argument ?? '') : '';
    }
  });
}

/** The environment a service's process sees once compose has interpolated the file. */
function environmentOf(service: Service, variables: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), variables)]),
  );
}

/** What an application service runs, by its command (the image's entry point is `node --import tsx`). */
function entryPointOf(service: Service): EntryPoint | 'migrate' {
  const file = service.command?.[0] ?? '';
  if (file === 'gateway/index.ts') return 'gateway';
  if (/^subgraphs\/\w+\/index\.ts$/.test(file)) return 'subgraph';
  if (file === 'scripts/migrate.ts') return 'migrate';
  throw new Error(`Unknown entry point ${file}: teach this test what it requires.`);
}

/**
 * The migration job runs `scripts/migrate.ts`, which `npm run db:migrate` also runs with
 * an embedded database and no token; docker-compose has no embedded database, and a first
 * start there has no other way to get an administrator, so compose requires both.
 */
const migrateJobRequires = ['DATABASE_URL', 'BOOTSTRAP_ADMIN_TOKEN'];

const applicationServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
const secrets = { GATEWAY_SECRET: 'g'.repeat(48), BOOTSTRAP_ADMIN_TOKEN: 'b'.repeat(48) };
const requiredInCompose = [
  ...new Set([...text.matchAll(reference)].filter((match) => match[2] === ':?').map((match) => match[1] as string)),
];

describe('docker-compose.yml', () => {
  it('uses the :? form with a message naming the variable for every variable without a default', () => {
    const references = [...text.matchAll(reference)];
    expect(references.length).toBeGreaterThan(0);
    for (const [whole, name, operator, argument] of references) {
      // An empty default (`${NAME:-}`) is no default: the process gets "" and fails later, unnamed.
      if (operator === ':-' && argument) continue;
      expect(operator, `${whole} must be \${${name}:?…} or have a default`).toBe(':?');
      expect(argument, `the message of ${whole} must name ${name}`).toContain(name);
    }
    // No bare $NAME either: compose would substitute an empty string without a word.
    expect(text.replace(/\$\$/g, '').match(/\$(?!\{)[A-Za-z_]/g)).toBeNull();
  });

  it('requires exactly the variables the README tells an operator to set', () => {
    expect(requiredInCompose.sort()).toEqual(['BOOTSTRAP_ADMIN_TOKEN', 'GATEWAY_SECRET']);
    const command = /```sh\n(export [^\n]*)\ndocker compose up/.exec(readme)?.[1] ?? '';
    for (const name of requiredInCompose) expect(command, `README's docker compose command sets ${name}`).toContain(`${name}=`);
  });

  it('stops with a message naming each required variable that is missing or empty', () => {
    for (const name of requiredInCompose) {
      for (const variables of [
        { ...secrets, [name]: undefined },
        { ...secrets, [name]: '' },
      ]) {
        const defined = Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined)) as Record<string, string>;
        expect(() => applicationServices.map(([, service]) => environmentOf(service, defined))).toThrow(
          new RegExp(`required variable ${name} is missing a value: .*${name}`),
        );
      }
    }
  });

  it.each(applicationServices.map(([name, service]) => ({ name, service })))(
    '$name gets every variable its entry point requires, and they parse',
    ({ service }) => {
      const entryPoint = entryPointOf(service);
      const environment = environmentOf(service, secrets);
      if (entryPoint === 'migrate') {
        for (const variable of migrateJobRequires) expect(environment[variable], variable).toBeTruthy();
        expect(parseEnv(environment).BOOTSTRAP_ADMIN_TOKEN).toBe(secrets.BOOTSTRAP_ADMIN_TOKEN);
      } else {
        expect(() => parseEnv(environment, entryPoint)).not.toThrow();
        for (const variable of requiredVariables[entryPoint]) expect(environment[variable], variable).toBeTruthy();
      }
    },
  );

  it('points the gateway at the port each subgraph listens on, and every health check at its own port', () => {
    const gateway = environmentOf(compose.services.gateway as Service, secrets);
    for (const subgraph of ['buildings', 'condominium', 'utilities', 'access', 'integration']) {
      const own = environmentOf(compose.services[subgraph] as Service, secrets);
      const port = own[`${subgraph.toUpperCase()}_PORT`];
      expect(gateway[`${subgraph.toUpperCase()}_URL`]).toBe(`http://${subgraph}:${port}/`);
      expect(own.PORT_TO_CHECK).toBe(port);
    }
    expect(gateway.PORT_TO_CHECK).toBe(gateway.GATEWAY_PORT);
  });

  it('starts services only after the migration job has completed', () => {
    for (const [name, service] of applicationServices) {
      if (name === 'migrate' || name === 'gateway') continue;
      expect(service.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
    }
    expect(compose.services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
  });
});
