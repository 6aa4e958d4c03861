/** The account rules, called on the service layer directly against a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAccount, createAccount, updateAccount } from '../../../src/services/ledger/accounts.js';
import { expectRefusedWithoutChange, openServiceFixture, randomId, type ServiceFixture } from '../../support/service-fixture.js';
import { runService } from '../../../src/services/core/service.js';

let f: ServiceFixture;
beforeAll(async () => {
  f = await openServiceFixture();
});
afterAll(() => f.database.close());

const valid = { name: 'Main', bank: 'Bank', currency: 'EUR', openingBalance: '10.00' };

describe('createAccount', () => {
  it('stores the opening balance as exact minor units and logs the opening', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, name: 'Opening', openingBalance: '12665.07' });
    const row = await f.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.openingBalanceMinor).toBe(1266507n);
    expect(row.balanceMinor).toBe(1266507n);
    expect(row.currency).toBe('EUR');
    const events = await f.db.changelogEvent.findMany({ where: { entityId: account.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'NEW', entityType: 'Account', userId: f.viewer.userId });
    expect(events[0]!.comment).toContain('12665.07 EUR');
  });

  it('defaults a missing opening balance to zero and normalises the currency code', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { name: 'Cash', currency: ' jpy ' });
    expect(account.currency).toBe('JPY');
    expect(account.openingBalanceMinor).toBe(0n);
    expect(account.bank).toBeNull();
  });

  it.each([
    ['an empty name', { name: '   ' }, 'INVALID_INPUT'],
    ['a 501-character name', { name: 'x'.repeat(501) }, 'INVALID_INPUT'],
    ['a 501-character bank', { bank: 'b'.repeat(501) }, 'INVALID_INPUT'],
    ['an unknown currency', { currency: 'XYZ' }, 'UNKNOWN_CURRENCY'],
    ['a negative opening balance', { openingBalance: '-1.00' }, 'INVALID_AMOUNT'],
    ['an over-precise opening balance', { openingBalance: '1.001' }, 'INVALID_AMOUNT'],
    ['a non-numeric opening balance', { openingBalance: 'ten' }, 'INVALID_AMOUNT'],
    ['a JPY balance with decimals', { currency: 'JPY', openingBalance: '1.5' }, 'INVALID_AMOUNT'],
  ])('refuses %s and writes nothing', async (_label, override, code) => {
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, createAccount, { ...valid, ...override }), code);
  });

  it('accepts a name of exactly 500 characters', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, name: 'n'.repeat(500) });
    expect(account.name).toHaveLength(500);
  });
});

describe('updateAccount', () => {
  it('keeps omitted fields, clears bank with null and logs from → to', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, name: 'Before', bank: 'Old bank' });
    await runService(f.db, f.viewer, updateAccount, { id: account.id, name: 'After' });
    let row = await f.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ name: 'After', bank: 'Old bank', currency: 'EUR', balanceMinor: 1000n });

    await runService(f.db, f.viewer, updateAccount, { id: account.id, bank: null });
    row = await f.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ name: 'After', bank: null });

    const events = await f.db.changelogEvent.findMany({ where: { entityId: account.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['NEW', 'UPDATED', 'UPDATED']);
    expect(events[1]!.changes).toEqual({ name: { from: 'Before', to: 'After' } });
    expect(events[2]!.changes).toEqual({ bank: { from: 'Old bank', to: null } });
  });

  it('writes no event when nothing changes', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, name: 'Same' });
    await runService(f.db, f.viewer, updateAccount, { id: account.id, name: 'Same', bank: 'Bank' });
    expect(await f.db.changelogEvent.count({ where: { entityId: account.id } })).toBe(1);
  });

  it('refuses an empty name, an unknown id and another organization’s account, changing nothing', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, name: 'Stays' });
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, updateAccount, { id: account.id, name: '' }), 'INVALID_INPUT');
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, updateAccount, { id: randomId(), name: 'X' }), 'NOT_FOUND');
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.otherViewer, updateAccount, { id: account.id, name: 'X' }), 'NOT_FOUND');
    expect((await f.db.account.findUniqueOrThrow({ where: { id: account.id } })).name).toBe('Stays');
  });
});

describe('closeAccount', () => {
  it('is refused with ACCOUNT_NOT_EMPTY while the account holds money', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, openingBalance: '0.01' });
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, closeAccount, { id: account.id }), 'ACCOUNT_NOT_EMPTY');
    expect((await f.db.account.findUniqueOrThrow({ where: { id: account.id } })).closedAt).toBeNull();
  });

  it('closes an empty account once, logs it, and refuses the second close with ACCOUNT_CLOSED', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, openingBalance: '0' });
    const closed = await runService(f.db, f.viewer, closeAccount, { id: account.id });
    expect(closed.closedAt).toBeInstanceOf(Date);
    const events = await f.db.changelogEvent.findMany({ where: { entityId: account.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['NEW', 'CLOSED']);

    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.viewer, closeAccount, { id: account.id }), 'ACCOUNT_CLOSED');
    const row = await f.db.account.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.closedAt?.getTime()).toBe(closed.closedAt!.getTime());
  });

  it('answers NOT_FOUND for another organization’s account and leaves it open', async () => {
    const account = await runService(f.db, f.viewer, createAccount, { ...valid, openingBalance: '0' });
    await expectRefusedWithoutChange(f.db, () => runService(f.db, f.otherViewer, closeAccount, { id: account.id }), 'NOT_FOUND');
    expect((await f.db.account.findUniqueOrThrow({ where: { id: account.id } })).closedAt).toBeNull();
  });
});
