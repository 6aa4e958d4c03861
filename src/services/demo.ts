/**
 * The demo organization created on first start: the CRM's category tree (seed 004), a bank
 * account, and the "EMEA Marketing FY25" budget (seed 000), all written through the services so
 * the demo obeys the same rules as real data.
 */
import type { Db } from '../db/open.js';
import type { EntryKind } from '../generated/prisma/client.js';
import { createAccount } from './ledger/accounts.js';
import { createBudget, createBudgetGroup } from './budgets/budgets.js';
import { createCategory } from './ledger/categories.js';
import { createOrganization } from './core/organizations.js';
import type { Viewer } from './core/viewer.js';
import { runService } from './core/service.js';

/** The CRM's `category` response, translated into a list of roots with their subcategories. */
export const CRM_CATEGORY_TREE: Record<EntryKind, Array<{ title: string; sub: string[] }>> = {
  INCOME: [{ title: 'Прочие поступления', sub: ['Инвестиции', 'Наличка', 'Прочие доходы'] }],
  EXPENSE: [
    { title: 'Расходы на офис', sub: ['Аренда офиса', 'Оборудование', 'Почтовые расходы', 'Продукты питания', 'Телефония'] },
    { title: 'Расчеты с контрагентами', sub: ['Бюджет: налоги, взносы, пфр', 'Партнеры', 'Поставщики'] },
    { title: 'Реклама', sub: ['100CRM', 'Direct Mail', 'Вебинары', 'Интернет-реклама', 'Справочник'] },
    { title: 'Сотрудники', sub: ['Зарплата', 'Командировочные', 'Премия'] },
  ],
};

export async function seedDemoOrganization(db: Db): Promise<{ organizationId: string; apiKey: string }> {
  const { organization, apiKey, key } = await createOrganization(db, { name: 'Allot demo', isDemo: true });
  const viewer: Viewer = { organizationId: organization.id, userId: key.userId };

  for (const kind of ['INCOME', 'EXPENSE'] as const) {
    for (const root of CRM_CATEGORY_TREE[kind]) {
      const parent = await runService(db, viewer, createCategory, { title: root.title, kind });
      for (const title of root.sub) await runService(db, viewer, createCategory, { title, kind, parentId: parent.id });
    }
  }

  await runService(db, viewer, createAccount, { name: 'Расчётный счёт', bank: 'Модульбанк (ИП)', currency: 'RUB', openingBalance: '250000.00' });

  const group = await runService(db, viewer, createBudgetGroup, { name: 'EMEA Marketing' });
  await runService(db, viewer, createBudget, {
    name: 'EMEA Marketing FY25',
    type: 'GLOBAL',
    granularity: 'MONTH',
    dateFrom: new Date('2024-01-01T00:00:00Z'),
    dateTo: new Date('2024-12-31T00:00:00Z'),
    budgetGroupId: group.id,
    config: ['SPEND_ALERTS', 'AUTO_FREEZE'],
    limit: '120000.00',
    currency: 'EUR',
  });

  return { organizationId: organization.id, apiKey };
}
