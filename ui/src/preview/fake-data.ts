/**
 * Dev-only (preview.html): sample rows for the fake command layer. Shapes follow the core's
 * types; nothing here ships in `dist/`.
 */
import type { ProductOption, ShopFields, Variant } from '../lib/api';
export interface Row {
  id: number;
  sku: string;
  name: string;
  description: string;
  price_minor: number;
  currency: string;
  minor_units: number;
  stock: number;
  status: 'draft' | 'active' | 'archived';
  category_id: number | null;
  category_path: string | null;
  owner_id: number;
  barcode: string | null;
  tags: string[];
  primary_image: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  version: number;
  shop: ShopFields;
  options: ProductOption[];
  variants: Variant[];
  price_max_minor: number | null;
  variant_count: number;
}

const NOUNS = ['Mug', 'Tote bag', 'Notebook', 'Candle', 'Poster', 'Tea towel', 'Pin', 'Scarf'];
const ADJECTIVES = ['Blue', 'Speckled', 'Linen', 'Forest', 'Sunrise', 'Stoneware', 'Mini', 'Large'];

export const categories = [
  { id: 1, name: 'Kitchen', parent_id: null, path: 'Kitchen', product_count: 0 },
  { id: 2, name: 'Mugs', parent_id: 1, path: 'Kitchen › Mugs', product_count: 0 },
  { id: 3, name: 'Paper', parent_id: null, path: 'Paper', product_count: 0 },
];

export const currencies = [
  { code: 'USD', name: 'US dollar', minor_units: 2 },
  { code: 'EUR', name: 'Euro', minor_units: 2 },
  { code: 'JPY', name: 'Japanese yen', minor_units: 0 },
  { code: 'KWD', name: 'Kuwaiti dinar', minor_units: 3 },
];

export const users = [
  {
    id: 1,
    username: 'owner',
    display_name: 'Dana Owner',
    email: null,
    role: 'owner',
    is_active: true,
    created_at: '2026-01-01T00:00:00.000Z',
    deleted_at: null,
  },
  {
    id: 2,
    username: 'sam',
    display_name: 'Sam Staff',
    email: 'sam@example.com',
    role: 'staff',
    is_active: true,
    created_at: '2026-02-01T00:00:00.000Z',
    deleted_at: null,
  },
];

export function makeRows(count: number): Row[] {
  const rows: Row[] = [];
  for (let i = 1; i <= count; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const category = noun === 'Mug' ? categories[1] : noun === 'Notebook' ? categories[2] : null;
    rows.push({
      id: i,
      sku: `${noun.slice(0, 3).toUpperCase()}-${String(i).padStart(5, '0')}`,
      name: `${ADJECTIVES[(i * 7) % ADJECTIVES.length]} ${noun.toLowerCase()} ${i}`,
      description: '',
      price_minor: 499 + ((i * 137) % 9000),
      currency: i % 11 === 0 ? 'JPY' : 'USD',
      minor_units: i % 11 === 0 ? 0 : 2,
      stock: (i * 13) % 40,
      status: i % 5 === 0 ? 'draft' : i % 17 === 0 ? 'archived' : 'active',
      category_id: category?.id ?? null,
      category_path: category?.path ?? null,
      owner_id: 1,
      barcode: null,
      tags: i % 3 === 0 ? ['gift'] : [],
      primary_image: i % 9 === 4 ? null : (i.toString(16) + 'a'.repeat(64)).slice(0, 64),
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: new Date(Date.UTC(2026, 9, 1) + i * 60000).toISOString(),
      deleted_at: null,
      version: 1,
      shop: {
        vendor: null,
        product_type: null,
        handle: null,
        compare_at_minor: null,
        cost_minor: null,
        weight_grams: null,
      },
      options: [],
      variants: [],
      price_max_minor: null,
      variant_count: 0,
    });
  }
  return rows;
}
