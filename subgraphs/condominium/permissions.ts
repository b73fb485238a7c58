import { entitiesRule, openEntity } from '../../lib/auth/entities.js';
import { deny, type IRules, isAdministrator, isOpenPart, visibleWithParent } from '../../lib/auth/shield.js';
import type { PersonalDataOf } from '../../lib/subgraph-schema.js';
import type { AssignmentRow } from './management-repository.js';

/**
 * A rule for every field of every type (the subgraph refuses to start otherwise). Who
 * manages a building is open part (p.21); assigning is the Administrator's, and the rule's
 * reliance (`relyOnAdministrator`) is what the write path re-checks.
 */
export const permissions = {
  Query: {
    managementHistory: isOpenPart,
    // Until the rights that follow the building land: the Administrator only.
    document: isAdministrator,
    verifyPublication: isOpenPart,
    report: isOpenPart,
    reports: isOpenPart,
    reportDrafts: isAdministrator,
    reportCompliance: isAdministrator,
    _entities: entitiesRule({ Building: openEntity }),
    _service: deny,
  },
  Mutation: {
    assignManagement: isAdministrator,
    uploadDocument: isAdministrator,
    appendDocumentPart: isAdministrator,
    draftReport: isAdministrator,
    signReport: isAdministrator,
    publishReport: isAdministrator,
    discardReport: isAdministrator,
  },
  // Published reports are open part (no personal data); drafts are reached only through their manager's fields.
  Report: { '*': visibleWithParent, documents: isAdministrator },
  ReportLine: { '*': visibleWithParent },
  CapitalRepairMovement: { '*': visibleWithParent },
  ReportWork: { '*': visibleWithParent },
  ReportCompliance: { '*': visibleWithParent },
  ReportComplianceEdge: { '*': visibleWithParent },
  ReportComplianceConnection: { '*': visibleWithParent },
  PageInfo: { '*': visibleWithParent },
  ReportPayload: { '*': visibleWithParent },
  DiscardReportPayload: { '*': visibleWithParent },
  // Reachable only through `document` or a record whose rule already decided who sees it.
  Document: { '*': visibleWithParent },
  DocumentPayload: { '*': visibleWithParent },
  // Published records are open part; a signed draft's signature is reached only through its draft.
  SignedPublication: { '*': visibleWithParent },
  PublicationSigner: { '*': visibleWithParent },
  Building: { '*': isOpenPart },
  ManagementAssignment: { '*': isOpenPart },
  // Reachable only as the answer of a mutation its rule already allowed.
  ManagementAssignmentPayload: { '*': visibleWithParent },
  Receipt: { '*': visibleWithParent },
} satisfies IRules;

/** Personal data (p.9, p.24): none. Management subjects are organisations, known by their ids. */
export const personalData: PersonalDataOf<{ ManagementAssignment: AssignmentRow }> = {};
