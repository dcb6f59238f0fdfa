import type { RoleContext } from './AssociationPlan.js';
import type { DimseAssociation } from './library.js';

/**
 * Adds the plan's SCP-role contexts to an A-ASSOCIATE-RQ about to be sent, each a context of its own with the SCP
 * role only: the library's `addAdditionalPresentationContext` drops roles, so they go in through the Association.
 */
export function proposeRoleContexts(association: DimseAssociation, roleContexts: readonly RoleContext[]): void {
  for (const rc of roleContexts) {
    const id = association.addPresentationContext(rc.sopClassUid);
    for (const ts of rc.transferSyntaxes) association.addTransferSyntaxToPresentationContext(id, ts);
    const pc = association.getPresentationContext(id);
    pc.setUserRole(false);
    pc.setProviderRole(true);
  }
}
