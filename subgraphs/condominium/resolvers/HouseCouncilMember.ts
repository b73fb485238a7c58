import type { HouseCouncilMemberRow } from '../house-council-repository.js';

/** A membership is served from its row; the premises is a reference the buildings subgraph resolves. */
export const HouseCouncilMember = {
  premise: (row: HouseCouncilMemberRow) => ({ id: row.premiseId }),
};
