import type { AgreementRow, GrantRow } from './grant-repository.js';
import { isExpired, isInEffect } from './grant-repository.js';

export interface GrantAssessment {
  grant: GrantRow;
  /** The grant, then its parent, up to the root grant. */
  chain: GrantRow[];
  allows: boolean;
  reason: string;
}

export interface AccessExplanation {
  allowed: boolean;
  reason: string;
  /** The grant that allows, when allowed. */
  grant: GrantRow | null;
  chain: GrantRow[];
  agreementId: string | null;
  assessments: GrantAssessment[];
}

function chainOf(grant: GrantRow, byId: Map<string, GrantRow>): GrantRow[] {
  const chain: GrantRow[] = [];
  const seen = new Set<string>();
  for (let current: GrantRow | undefined = grant; current && !seen.has(current.id); current = current.parentGrantId ? byId.get(current.parentGrantId) : undefined) {
    seen.add(current.id);
    chain.push(current);
  }
  return chain;
}

function assess(grant: GrantRow, chain: GrantRow[], fn: string, agreement: AgreementRow | undefined, instant: Date): string {
  if (grant.state === 'ENDED') return `The grant ended on ${grant.stateChangedAt.toISOString()} (${grant.endGround}).`;
  if (isExpired(grant, instant)) {
    if (agreement?.validUntil && agreement.validUntil.getTime() <= instant.getTime()) {
      return `The agreement's term ended on ${agreement.validUntil.toISOString()} (AGREEMENT_EXPIRED).`;
    }
    const ancestor = chain.slice(1).find((a) => a.validUntil && a.validUntil.getTime() === grant.validUntil?.getTime());
    return ancestor
      ? `The delegating grant ${ancestor.id} ran out on ${grant.validUntil?.toISOString()} (AGREEMENT_EXPIRED).`
      : `The grant's term ran out on ${grant.validUntil?.toISOString()} (AGREEMENT_EXPIRED).`;
  }
  if (grant.state === 'PENDING') return 'The grant is pending activation.';
  if (grant.state === 'SUSPENDED') return 'The grant is suspended pending review of false data (FALSE_DATA).';
  if (grant.ancestorSuspended) {
    const suspended = chain.slice(1).find((a) => a.state === 'SUSPENDED');
    return `${suspended ? `The delegating grant ${suspended.id}` : 'A delegating grant'} is suspended (FALSE_DATA), so this one has no effect.`;
  }
  if (grant.validFrom.getTime() > instant.getTime()) return `The grant takes effect only on ${grant.validFrom.toISOString()}.`;
  if (!grant.functions.includes(fn)) return `The grant does not include ${fn}; it allows ${grant.functions.join(', ')}.`;
  return `The grant is in effect and includes ${fn}.`;
}

/**
 * Why `personId` may or may not use `fn` for `subjectId`, from the person's grants for
 * that subject and their ancestors. The verdict on each grant is the per-request check
 * itself (`isInEffect`), so the explanation never disagrees with enforcement.
 */
export function explainAccess(
  personId: string,
  fn: string,
  subjectId: string,
  rows: GrantRow[],
  agreementsById: Map<string, AgreementRow>,
  instant: Date,
): AccessExplanation {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const candidates = rows
    .filter((row) => row.personId === personId && row.subjectId === subjectId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  const assessments = candidates.map((grant): GrantAssessment => {
    const chain = chainOf(grant, byId);
    const allows = isInEffect(grant, instant) && grant.functions.includes(fn);
    return { grant, chain, allows, reason: assess(grant, chain, fn, agreementsById.get(grant.agreementId), instant) };
  });
  const winner = assessments.find((a) => a.allows);
  if (winner) {
    return {
      allowed: true,
      reason: `Allowed by grant ${winner.grant.id}${winner.chain.length > 1 ? `, delegated through ${winner.chain.length - 1} grant(s)` : ''}, under agreement ${winner.grant.agreementId}.`,
      grant: winner.grant,
      chain: winner.chain,
      agreementId: winner.grant.agreementId,
      assessments,
    };
  }
  return {
    allowed: false,
    reason: assessments.length
      ? `No grant of the person for this subject allows ${fn}: ${assessments.map((a) => `${a.grant.id}: ${a.reason}`).join(' ')}`
      : 'The person holds no grant for this subject.',
    grant: null,
    chain: [],
    agreementId: null,
    assessments,
  };
}
