/**
 * The demo organization created on first start: the CRM's category tree (seed 004), then the
 * story of src/demo/story.ts (accounts, records, a transfer, budgets), all written through the
 * services so the demo obeys the same rules as real data.
 */
import type { Db } from '../db/open.js';
import type { EntryKind } from '../generated/prisma/client.js';
import { tellDemoStory } from '../demo/story.js';
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

  // Accounts, counterparties, records, a transfer, budgets in WARNING and FROZEN: src/demo/story.ts.
  await tellDemoStory(db, viewer);

  return { organizationId: organization.id, apiKey };
}
