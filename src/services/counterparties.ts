/**
 * Counterparties of expense and income records: suppliers (CRM "conid") and partners ("partid").
 */
import { requireTitle } from '../domain/text.js';
import type { Db } from '../db/open.js';
import type { Counterparty, CounterpartyKind } from '../generated/prisma/client.js';
import { recordChange } from './changelog.js';
import { inTransaction } from './transaction.js';
import type { Viewer } from './viewer.js';

/** @throws InvalidInputError empty or over-long name */
export async function createCounterparty(db: Db, viewer: Viewer, input: { kind: CounterpartyKind; name: string }): Promise<Counterparty> {
  const name = requireTitle(input.name, 'name');
  return inTransaction(db, async (tx) => {
    const counterparty = await tx.counterparty.create({ data: { organizationId: viewer.organizationId, kind: input.kind, name } });
    await recordChange(tx, viewer, { entityType: 'Counterparty', entityId: counterparty.id, action: 'NEW', comment: name });
    return counterparty;
  });
}
