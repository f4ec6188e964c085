/**
 * Things most screens need and that change rarely: the library, the acting user, currencies,
 * categories and tags. Refreshed on start and when `catalog-changed` says they changed.
 */
import { libraryInfo, listCategories, listCurrencies, listTags } from '../lib/api';
import type { Category, Currency, LibraryInfo, Tag } from '../lib/api';
import { toCommandError } from '../lib/api';

class Session {
  info = $state<LibraryInfo | null>(null);
  currencies = $state.raw<Currency[]>([]);
  categories = $state.raw<Category[]>([]);
  tags = $state.raw<Tag[]>([]);
  defaultCurrency = $state('USD');
  error = $state<string | null>(null);

  async refreshInfo(): Promise<void> {
    try {
      this.info = await libraryInfo();
      this.defaultCurrency = this.info.default_currency;
      this.error = null;
    } catch (err) {
      this.error = toCommandError(err).message;
    }
  }

  async refreshTaxonomy(): Promise<void> {
    try {
      const [categories, tags] = await Promise.all([listCategories(), listTags()]);
      this.categories = categories;
      this.tags = tags;
    } catch (err) {
      this.error = toCommandError(err).message;
    }
  }

  async refreshCurrencies(): Promise<void> {
    try {
      this.currencies = await listCurrencies();
    } catch (err) {
      this.error = toCommandError(err).message;
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.refreshInfo(), this.refreshTaxonomy(), this.refreshCurrencies()]);
  }

  minorUnits(code: string): number {
    return this.currencies.find((c) => c.code === code)?.minor_units ?? 2;
  }
}

export const session = new Session();
