/**
 * An in-memory index over one organization's categories: children, ancestors, path, depth and
 * descendants answered without further queries. Pure: built from rows, no I/O.
 */
export interface CategoryNode {
  id: string;
  parentId: string | null;
  title: string;
  kind: 'EXPENSE' | 'INCOME';
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
