/**
 * Counterparties of expense and income records: suppliers (CRM "conid") and partners ("partid").
 */
import { InvalidInputError } from '../../domain/errors.js';
import { requireTitle } from '../../domain/text.js';
import type { Counterparty, CounterpartyKind } from '../../generated/prisma/client.js';
import { recordChange } from '../core/changelog.js';
import { service } from '../core/service.js';

/** InvalidInputError: empty or over-long name. */
export const createCounterparty = service(
  [InvalidInputError],
  async ({ tx, viewer }, input: { kind: CounterpartyKind; name: string }): Promise<Counterparty> => {
    const name = requireTitle(input.name, 'name');
    const counterparty = await tx.counterparty.create({ data: { organizationId: viewer.organizationId, kind: input.kind, name } });
    await recordChange(tx, viewer, { entityType: 'Counterparty', entityId: counterparty.id, action: 'NEW', comment: name });
    return counterparty;
  },
);
