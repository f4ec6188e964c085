/**
 * What the product browser shows: the filters, the sort and the rows loaded so far.
 * Rows come from `list_products` a page at a time (keyset paging: `page.next` goes back as
 * `after`), so a 100,000-product catalog never loads more than the user scrolls past.
 */
import { tick } from 'svelte';
import { getProduct, listProducts, perfMark, toCommandError } from '../lib/api';
import type { Change, ProductQuery, ProductSummary, SortKey, Status } from '../lib/api';

export const PAGE_SIZE = 100;

export interface Filters {
  status: Status | null;
  categoryId: number | null;
  tag: string | null;
  lowStock: number | null;
  inTrash: boolean;
}

export type ViewMode = 'grid' | 'table';

class Browser {
  search = $state('');
  filters = $state<Filters>({
    status: null,
    categoryId: null,
    tag: null,
    lowStock: null,
    inTrash: false,
  });
  sort = $state<SortKey>('name');
  descending = $state(false);
  view = $state<ViewMode>('grid');

  items = $state.raw<ProductSummary[]>([]);
  hasMore = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Bumped on every fresh load so views can reset scroll and selection. */
  generation = $state(0);
  /** True once the first load after launch finished: distinguishes "empty" from "not yet". */
  loaded = $state(false);

  #next: ProductQuery['after'] = null;
  #token = 0;
  /** A search is on its way to the core; keystrokes meanwhile only mark `#searchAgain`. */
  #searching = false;
  #searchAgain = false;

  query(after: ProductQuery['after']): ProductQuery {
    const text = this.search.trim();
    return {
      status: this.filters.status,
      category_id: this.filters.categoryId,
      tag: this.filters.tag,
      stock_at_most: this.filters.lowStock,
      in_trash: this.filters.inTrash,
      search: text === '' ? null : text,
      sort: this.sort,
      descending: this.descending,
      after,
      limit: PAGE_SIZE,
    };
  }

  /** Loads the first page again; a newer call makes an older one's answer be ignored. */
  async reload(): Promise<void> {
    const token = ++this.#token;
    this.loading = true;
    try {
      const page = await listProducts(this.query(null));
      perfMark('shelf:list-returned');
      if (token !== this.#token) return;
      this.items = page.items;
      this.#next = page.next ?? null;
      this.hasMore = page.next != null;
      this.error = null;
      this.generation++;
    } catch (err) {
      if (token === this.#token) this.error = toCommandError(err).message;
    } finally {
      if (token === this.#token) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /**
   * Follows a `catalog-changed` batch. Near the top of the list it loads the rows again; deep
   * in a long scroll (more rows loaded than one reload may fetch) it patches the changed
   * products in place instead, so the seller's place in 100,000 products is kept.
   */
  async follow(batch: Change[]): Promise<void> {
    const products = batch.filter((c) => c.entity === 'product');
    const narrowedByTaxonomy = this.filters.tag !== null || this.filters.categoryId !== null;
    // A photo import or reorder changes cards' primary images without touching the products.
    const touchesPhotos = batch.some((c) => c.entity === 'image');
    if (batch.length > 0 && products.length === 0 && !narrowedByTaxonomy && !touchesPhotos) return;
    if (products.length === 0 || this.items.length <= 1000 || products.length > 50) {
      return this.refresh();
    }
    let items = this.items;
    for (const change of products) {
      const id = Number(change.id);
      const index = items.findIndex((p) => p.id === id);
      if (index < 0) continue;
      const leaves =
        change.kind === 'deleted' ||
        (change.kind === 'trashed' && !this.filters.inTrash) ||
        (change.kind === 'restored' && this.filters.inTrash);
      if (leaves) {
        items = items.filter((p) => p.id !== id);
        continue;
      }
      try {
        const product = await getProduct(id);
        items = items.map((p) => (p.id === id ? { ...p, ...product } : p));
      } catch {
        items = items.filter((p) => p.id !== id);
      }
    }
    this.items = items;
  }

  /**
   * After `catalog-changed`: loads again as many rows as are loaded now (up to 1,000) without
   * moving the scroll position, so an edit shows up in place.
   */
  async refresh(): Promise<void> {
    const token = ++this.#token;
    const limit = Math.min(1000, Math.max(PAGE_SIZE, this.items.length));
    try {
      const page = await listProducts({ ...this.query(null), limit });
      if (token !== this.#token) return;
      this.items = page.items;
      this.#next = page.next ?? null;
      this.hasMore = page.next != null;
      this.error = null;
    } catch (err) {
      if (token === this.#token) this.error = toCommandError(err).message;
    } finally {
      if (token === this.#token) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** Appends the next page when the user nears the end of what is loaded. */
  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const token = this.#token;
    this.loading = true;
    try {
      const page = await listProducts(this.query(this.#next));
      if (token !== this.#token) return;
      this.items = [...this.items, ...page.items];
      this.#next = page.next ?? null;
      this.hasMore = page.next != null;
    } catch (err) {
      if (token === this.#token) this.error = toCommandError(err).message;
    } finally {
      if (token === this.#token) this.loading = false;
    }
  }

  /**
   * Search as you type. The first keystroke queries at once (no fixed debounce to wait out);
   * keystrokes that arrive while a query is running are folded into one follow-up query for
   * the latest text, so fast typing never queues a backlog.
   */
  setSearch(text: string): void {
    this.search = text;
    if (this.#searching) {
      this.#searchAgain = true;
      return;
    }
    void this.#runSearch();
  }

  async #runSearch(): Promise<void> {
    this.#searching = true;
    try {
      do {
        this.#searchAgain = false;
        await this.reload();
        await tick();
        perfMark('shelf:grid-updated');
      } while (this.#searchAgain);
    } finally {
      this.#searching = false;
    }
  }

  setFilters(patch: Partial<Filters>): void {
    this.filters = { ...this.filters, ...patch };
    void this.reload();
  }

  setSort(sort: SortKey, descending: boolean): void {
    this.sort = sort;
    this.descending = descending;
    void this.reload();
  }

  /** Whether any filter or search narrows the list (an empty result is then not "empty catalog"). */
  get narrowed(): boolean {
    const f = this.filters;
    return (
      this.search.trim() !== '' ||
      f.status !== null ||
      f.categoryId !== null ||
      f.tag !== null ||
      f.lowStock !== null ||
      f.inTrash
    );
  }
}

export const browser = new Browser();
