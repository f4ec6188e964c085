/**
 * The editor's working copy of a product. Price and stock stay text while the seller types;
 * the price becomes minor units only through the core's `parse_price`.
 */
import type { Product, ProductFields, ShopFields, Status } from '../lib/api';

export interface Draft {
  sku: string;
  name: string;
  priceText: string;
  currency: string;
  stockText: string;
  status: Status;
  categoryId: number | null;
  tags: string[];
  barcode: string;
  description: string;
  /** Vendor, type, handle, compare-at, cost, weight: kept as they are through an edit. */
  shop: ShopFields;
}

const NO_SHOP_FIELDS: ShopFields = {
  vendor: null,
  product_type: null,
  handle: null,
  compare_at_minor: null,
  cost_minor: null,
  weight_grams: null,
};

export function blankDraft(currency: string): Draft {
  return {
    sku: '',
    name: '',
    priceText: '',
    currency,
    stockText: '0',
    status: 'draft',
    categoryId: null,
    tags: [],
    barcode: '',
    description: '',
    shop: { ...NO_SHOP_FIELDS },
  };
}

export function draftFrom(product: Product, priceText: string): Draft {
  return {
    sku: product.sku,
    name: product.name,
    priceText,
    currency: product.currency,
    stockText: String(product.stock),
    status: product.status,
    categoryId: product.category_id ?? null,
    tags: [...product.tags],
    barcode: product.barcode ?? '',
    description: product.description,
    shop: { ...product.shop },
  };
}

/** Stock is a count, not money: whole numbers only, checked here so the message is immediate. */
export function parseStock(text: string): number | null {
  const trimmed = text.trim();
  return /^-?\d{1,15}$/.test(trimmed) ? Number(trimmed) : null;
}

export function fieldsFrom(draft: Draft, priceMinor: number, stock: number): ProductFields {
  const barcode = draft.barcode.trim();
  return {
    sku: draft.sku,
    name: draft.name,
    description: draft.description,
    price_minor: priceMinor,
    currency: draft.currency,
    stock,
    status: draft.status,
    category_id: draft.categoryId,
    barcode: barcode === '' ? null : barcode,
    tags: draft.tags,
    shop: draft.shop,
  };
}
