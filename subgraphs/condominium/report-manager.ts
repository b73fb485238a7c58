import type { ChangeDeclaration } from '../../lib/changes.js';
import type { Executor } from '../../lib/db.js';
import { badUserInput, conflict, notFound } from '../../lib/errors.js';
import type { TrustStore } from '../../lib/signatures/signatures.js';
import { almatyDate } from '../../lib/working-calendar.js';
import type { ConflictMessages } from '../../lib/write.js';
import type { ReportChannel } from '../../schema/condominium.js';
import { DocumentManager } from './document-manager.js';
import { DocumentRepository } from './document-repository.js';
import { ManagementRepository } from './management-repository.js';
import { reportCanonicalBytes, reportTitle } from './report-content.js';
import { checkReportInput, type DraftReportInput } from './report-input.js';
import { ReportRepository, type ReportRow } from './report-repository.js';
import { type PublicationRow, type RequiredSigner, SignedPublications } from './signed-publication.js';

/** Who acts: the subject managing the building now (the rights module found it, in this transaction), and the actor. */
export interface Acting {
  managerSubjectId: string;
  /** `actorOf(caller)`. */
  actor: string;
  /** When the request arrived. */
  at: Date;
}

export interface ReportOutcome {
  report: ReportRow;
  changes: ChangeDeclaration[];
}

/** The unique indexes a report can lose a race on. */
export const reportConflicts: ConflictMessages = {
  reports_unpublished_key: {
    message: 'A report for this building and period is already in the making; sign and publish it, or discard it first.',
    field: 'input.buildingId',
  },
  reports_version_key: { message: 'Another version of this report was recorded at the same time; read the reports and retry.' },
  signed_publications_record_key: { message: 'This report was signed at the same time by another call.', field: 'reportId' },
};

/**
 * Reports (p.5): drafting with totals that add up, signing with the manager's EDS (p.8),
 * publishing, and corrections as new versions. Authorization (who may act for the building)
 * is the rules' and the rights module's; this class decides what a report may become.
 * Give it the write's transaction.
 */
export class ReportManager {
  private readonly reports: ReportRepository;

  constructor(private readonly executor: Executor) {
    this.reports = new ReportRepository(executor);
  }

  /**
   * A new draft (version 1, or a correction of the newest published version). BAD_USER_INPUT
   * for anything `checkReportInput` refuses, for a first report of a period that already has
   * a published one (a correction must name it) and for a correction of anything but the
   * newest published version; CONFLICT when a report of the period is in the making.
   */
  async draft(input: DraftReportInput, acting: Acting): Promise<ReportOutcome> {
    const checked = checkReportInput(input, almatyDate(acting.at));
    const katoCode = await new ManagementRepository(this.executor).buildingKato(input.buildingId);
    if (katoCode === null) throw notFound('The building given in input.buildingId', 'input.buildingId');
    const versions = await this.reports.versionsForUpdate(input.buildingId, input.kind, checked.period.start);
    if (versions.some((row) => row.status !== 'PUBLISHED'))
      throw conflict(reportConflicts.reports_unpublished_key?.message ?? '', 'input.buildingId');
    const newestPublished = versions.find((row) => row.status === 'PUBLISHED') ?? null;
    if (input.replacesReportId === null && newestPublished)
      throw badUserInput({
        field: 'input.replacesReportId',
        message: `A report for this period is published (${newestPublished.id}); a correction must name it in input.replacesReportId, with input.correctionReason.`,
      });
    if (input.replacesReportId !== null && input.replacesReportId !== newestPublished?.id)
      throw badUserInput({
        field: 'input.replacesReportId',
        message: 'input.replacesReportId must be the newest published version of this building’s report for this period.',
      });

    const report = await this.reports.insert({
      ...checked.content,
      report: {
        ...checked.content.report,
        version: (versions[0]?.version ?? 0) + 1,
        managerSubjectId: acting.managerSubjectId,
        draftedBy: acting.actor,
      },
    });
    await new DocumentManager(this.executor).attach('REPORT', report.id, report.buildingId, input.documentIds, 'input.documentIds');
    return { report, changes: [this.change(report, katoCode, 'CREATED')] };
  }

  /**
   * Signs a draft: the signature must be a valid detached CMS over the report's canonical
   * bytes (`Report.canonicalContent`) by the manager (its BIN in the certificate, or the IIN of
   * an owners' representative), else BAD_USER_INPUT on `signature` with the reason. CONFLICT
   * for a report already signed or published, or drafted under another manager.
   */
  async sign(reportId: string, signature: string, trust: TrustStore | null, acting: Acting) {
    const report = await this.lockForManager(reportId, acting);
    if (report.status !== 'DRAFT') throw conflict(`The report is ${report.status.toLowerCase()}; only a draft can be signed.`, 'reportId');
    const content = await this.canonicalBytesOf(report);
    const signer = await this.requiredSigner(report.managerSubjectId);
    const { publication } = await new SignedPublications(this.executor).sign({
      recordKind: 'REPORT',
      recordId: report.id,
      buildingId: report.buildingId,
      title: reportTitle(report),
      content,
      signature,
      expected: signer,
      trust,
      at: acting.at,
      field: 'signature',
    });
    const signed = await this.reports.setStatus(report.id, 'SIGNED');
    return { report: signed, publication, changes: [this.change(signed, await this.katoOf(signed), 'UPDATED')] };
  }

  /**
   * Publishes a signed report, saying how it reaches the owners (p.5: through digital objects
   * and/or posted publicly; BAD_USER_INPUT for none or one twice); from then on it never
   * changes. CONFLICT unless it is SIGNED.
   */
  async publish(
    reportId: string,
    acting: Acting,
    channels: readonly ReportChannel[] = ['DIGITAL_OBJECT'],
  ): Promise<ReportOutcome & { publication: PublicationRow }> {
    if (channels.length === 0 || new Set(channels).size !== channels.length)
      throw badUserInput({ field: 'channels', message: 'channels must name each way the report reaches the owners once, at least one.' });
    const report = await this.lockForManager(reportId, acting);
    if (report.status !== 'SIGNED')
      throw conflict(
        report.status === 'DRAFT' ? 'The report is not signed; sign it with the manager’s EDS first.' : 'The report is already published.',
        'reportId',
      );
    const publication = await new SignedPublications(this.executor).publish('REPORT', report.id, acting.at);
    if (!publication) throw new Error('A signed report has no signature.');
    const published = await this.reports.setStatus(report.id, 'PUBLISHED', { at: acting.at, channels: [...channels] });
    return { report: published, publication, changes: [this.change(published, await this.katoOf(published), 'UPDATED')] };
  }

  /** Discards a report in the making (DRAFT or SIGNED) and its signature; CONFLICT for a published one. */
  async discard(reportId: string, acting: Acting): Promise<ReportOutcome> {
    const report = await this.lockForManager(reportId, acting);
    if (report.status === 'PUBLISHED') throw conflict('A published report never changes; publish a correction instead.', 'reportId');
    await new SignedPublications(this.executor).discard('REPORT', report.id);
    await new DocumentRepository(this.executor).detachAll('REPORT', report.id);
    await this.reports.deleteUnpublished(report.id);
    return { report, changes: [this.change(report, await this.katoOf(report), 'DELETED')] };
  }

  /** The bytes a report is signed over, from the stored rows. */
  async canonicalBytesOf(report: ReportRow): Promise<Uint8Array> {
    const [lines, works, attached] = await Promise.all([
      this.reports.linesOf([report.id]),
      this.reports.worksOf([report.id]),
      new DocumentRepository(this.executor).attachedTo('REPORT', [report.id]),
    ]);
    return reportCanonicalBytes(
      report,
      lines,
      works,
      attached.map((row) => row.document),
    );
  }

  private requiredSigner(subjectId: string): Promise<RequiredSigner> {
    return requiredSignerOf(this.executor, subjectId);
  }

  private async lockForManager(reportId: string, acting: Acting): Promise<ReportRow> {
    const report = await this.reports.lock(reportId);
    if (!report) throw notFound('The report given in reportId', 'reportId');
    if (report.managerSubjectId !== acting.managerSubjectId)
      throw conflict('The report was drafted under another manager of the building; draft it anew.', 'reportId');
    return report;
  }

  private async katoOf(report: ReportRow): Promise<string | null> {
    return new ManagementRepository(this.executor).buildingKato(report.buildingId);
  }

  private change(report: ReportRow, katoCode: string | null, operation: ChangeDeclaration['operation']): ChangeDeclaration {
    return { type: 'REPORT', id: report.id, operation, katoCode, subjectId: report.managerSubjectId };
  }
}

/**
 * Whose EDS a record of the managing subject needs (reports, meeting protocols): the manager's
 * BIN (an OSI, a company) or the IIN of an owners' representative (direct joint management).
 */
export async function requiredSignerOf(executor: Executor, subjectId: string): Promise<RequiredSigner> {
  const subject = await new ReportRepository(executor).subjectIdentification(subjectId);
  if (!subject) throw new Error('The managing subject has no identification number.');
  if (subject.kind === 'PREMISES_OWNER') return { iin: subject.identificationNumber };
  const [organisation] = await new ManagementRepository(executor).organisationNames([subjectId]);
  return { bin: subject.identificationNumber, organisationName: organisation?.name ?? null };
}
