/**
 * An in-memory index over one organization's categories: children, ancestors, path, depth and
 * descendants answered without further queries. Pure: built from rows, no I/O.
 */
/**
 * The deepest a category may sit: 0 is a root, so a tree has at most 10 levels and a `path` at
 * most 10 categories. The bound is what makes the tree's lists priceable (src/graphql/field-cost.ts):
 * without it a chain of 1000 made `path { path { path { id } } }` a billion objects. Ten levels is
 * well beyond any chart of accounts (the CRM's own trees have two or three).
 */
export const MAX_CATEGORY_DEPTH = 9;

export interface CategoryNode {
  id: string;
  parentId: string | null;
  title: string;
  kind: 'EXPENSE' | 'INCOME';
}

/** How long the tree's lists can be, for pricing a query before it runs (src/graphql/field-cost.ts). */
export interface CategoryTreeShape {
  /** The number of root categories (the longest `categories` list). */
  roots: number;
  /** The most children any one category has (the longest `children` list). */
  widestFamily: number;
  /** The most categories on one path from a root (the longest `path` list). */
  longestPath: number;
}

export class CategoryTree<Node extends CategoryNode = CategoryNode> {
  private readonly byId = new Map<string, Node>();
  private readonly childrenOf = new Map<string | null, Node[]>();

  constructor(nodes: Iterable<Node>) {
    for (const node of nodes) {
      this.byId.set(node.id, node);
      const siblings = this.childrenOf.get(node.parentId) ?? [];
      siblings.push(node);
      this.childrenOf.set(node.parentId, siblings);
    }
  }

  get(id: string): Node | undefined {
    return this.byId.get(id);
  }

  roots(kind?: Node['kind']): Node[] {
    const roots = this.childrenOf.get(null) ?? [];
    return kind ? roots.filter((node) => node.kind === kind) : roots;
  }

  children(id: string): Node[] {
    return this.childrenOf.get(id) ?? [];
  }

  /** From the root down to and including `id`. */
  path(id: string): Node[] {
    const path: Node[] = [];
    const seen = new Set<string>();
    for (let node = this.byId.get(id); node && !seen.has(node.id); node = node.parentId ? this.byId.get(node.parentId) : undefined) {
      seen.add(node.id);
      path.unshift(node);
    }
    return path;
  }

  /** 0 for a root. */
  depth(id: string): number {
    return Math.max(0, this.path(id).length - 1);
  }

  shape(): CategoryTreeShape {
    let widestFamily = 0;
    for (const [parentId, children] of this.childrenOf) if (parentId !== null) widestFamily = Math.max(widestFamily, children.length);
    let longestPath = 0;
    for (const id of this.byId.keys()) if (this.children(id).length === 0) longestPath = Math.max(longestPath, this.path(id).length);
    return { roots: this.roots().length, widestFamily, longestPath };
  }

  /** How many levels lie below `id`: 0 for a leaf. */
  height(id: string): number {
    let height = 0;
    let level = this.children(id);
    const seen = new Set<string>([id]);
    while (level.length > 0) {
      height += 1;
      level = level.flatMap((node) => this.children(node.id)).filter((node) => !seen.has(node.id) && seen.add(node.id));
    }
    return height;
  }

  /** `id` and everything below it. */
  subtreeIds(id: string): string[] {
    const ids: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (ids.includes(current)) continue;
      ids.push(current);
      for (const child of this.children(current)) stack.push(child.id);
    }
    return ids;
  }

  /** True when `candidateId` is `ancestorId` itself or lies below it. */
  isSelfOrDescendant(candidateId: string, ancestorId: string): boolean {
    return this.path(candidateId).some((node) => node.id === ancestorId);
  }
}
