import { readFileSync } from 'node:fs';
import { loadTrustStore, type TrustStore } from './signatures.js';

/**
 * The trust store of a running service, from its configuration:
 * - `SIGNATURE_TRUST_ROOTS`: the roots, PEM text itself or comma-separated paths of PEM
 *   files (the national CA's root certificates in production);
 * - `SIGNATURE_CRLS`: the revocation lists, PEM text itself or comma-separated paths of PEM
 *   or DER files. Every certificate below a root must then be covered by a current CRL of
 *   its issuer; without any CRL revocation is not checked.
 *
 * Read when first needed and again whenever the variables change (tests, a rotation
 * through a restart); a file's content is read at that moment, so a renewed CRL is
 * picked up by changing the variable or restarting.
 */
export function configuredTrustStore(source: NodeJS.ProcessEnv = process.env): TrustStore | null {
  const roots = source.SIGNATURE_TRUST_ROOTS?.trim() ?? '';
  const crls = source.SIGNATURE_CRLS?.trim() ?? '';
  if (!roots) return null;
  const key = `${roots}\u0000${crls}`;
  if (cached?.key === key) return cached.store;
  const store = loadTrustStore({ rootsPem: pemSources(roots).join('\n'), crls: crls ? crlSources(crls) : [] });
  cached = { key, store };
  return store;
}

let cached: { key: string; store: TrustStore } | undefined;

function pemSources(value: string): string[] {
  if (value.includes('-----BEGIN')) return [value];
  return value.split(',').map((path) => readFileSync(path.trim(), 'utf8'));
}

function crlSources(value: string): (string | Uint8Array)[] {
  if (value.includes('-----BEGIN')) return [value];
  return value.split(',').map((path) => {
    const bytes = readFileSync(path.trim());
    const text = bytes.toString('latin1');
    return text.includes('-----BEGIN') ? text : new Uint8Array(bytes);
  });
}
