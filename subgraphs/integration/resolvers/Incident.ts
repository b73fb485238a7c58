import type { IncidentRow } from '../incident-repository.js';

/** An incident is served from its row as it is; `component` holds the enum's value. */
export const Incident = {
  component: (row: IncidentRow) => row.component,
};
