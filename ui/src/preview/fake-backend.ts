/**
 * Dev-only (preview.html): a stand-in for Tauri's IPC so the real UI can be looked at in a
 * plain browser. It answers the app's commands from memory at the `__TAURI_INTERNALS__`
 * level, below the api module, so the UI code runs unchanged. Nothing here ships in `dist/`.
 */
import { categories, currencies, makeRows, users, type Row } from './fake-data';

type Args = Record<string, unknown>;
type Callback = (data: unknown) => void;

const callbacks = new Map<number, Callback>();
const listeners = new Map<string, number[]>();
let nextCallback = 1;

export const fake = {
  rows: [] as Row[],
  /** Makes the next update refuse as stale (to look at the conflict view). */
  conflictNext: false,
};

function refuse(kind: string, message: string, field?: string, details?: unknown): never {
  throw { kind, message, field, details };
}

function parsePrice(text: string, currency: string): number {
  const units = currencies.find((c) => c.code === currency)?.minor_units ?? 2;
  const cleaned = text.trim().replace(/,/g, '');
  if (cleaned.startsWith('-')) refuse('validation', "The price can't be negative.", 'price');
  const m = /^(\d*)(?:\.(\d*))?$/.exec(cleaned);
  if (!m || cleaned === '') refuse('validation', `"${text}" is not a price.`, 'price');
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > units)
    refuse('validation', `This currency has ${units} decimal places.`, 'price');
  return Number(m[1] || '0') * 10 ** units + Number(fraction.padEnd(units, '0') || '0');
}

function formatPrice(minor: number, currency: string): string {
  const units = currencies.find((c) => c.code === currency)?.minor_units ?? 2;
  if (units === 0) return String(minor);
  const s = String(minor).padStart(units + 1, '0');
  return `${s.slice(0, -units)}.${s.slice(-units)}`;
}

function list(q: Args): unknown {
  const query = q.query as Args;
  const text = String(query.search ?? '').toLowerCase();
  let rows = fake.rows.filter((r) => (query.in_trash ? r.deleted_at : !r.deleted_at));
  if (text) rows = rows.filter((r) => `${r.name} ${r.sku}`.toLowerCase().includes(text));
  if (query.status) rows = rows.filter((r) => r.status === query.status);
  if (query.category_id) rows = rows.filter((r) => r.category_id === query.category_id);
  if (query.tag) rows = rows.filter((r) => r.tags.includes(String(query.tag)));
  if (query.stock_at_most != null)
    rows = rows.filter((r) => r.stock <= Number(query.stock_at_most));
  const key =
    ({ updated: 'updated_at', price: 'price_minor' } as Record<string, keyof Row>)[
      String(query.sort)
    ] ?? (query.sort as keyof Row);
  rows = [...rows].sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
  if (key === 'price_minor' || key === 'stock')
    rows.sort((a, b) => Number(a[key]) - Number(b[key]));
  if (query.descending) rows.reverse();
  const start = (query.after as { value: number } | null)?.value ?? 0;
  const limit = Number(query.limit) || 100;
  const items = rows.slice(start, start + limit);
  const next = start + limit < rows.length ? { value: start + limit, id: 0 } : null;
  return { items, next };
}

function get(id: unknown): Row {
  const row = fake.rows.find((r) => r.id === id);
  if (!row) refuse('not_found', 'That product no longer exists.');
  return row;
}

function save(fields: Args, existing?: Row): Row {
  if (!String(fields.sku).trim()) refuse('validation', 'Every product needs a SKU.', 'sku');
  if (!String(fields.name).trim()) refuse('validation', 'Every product needs a name.', 'name');
  if (fake.rows.some((r) => r.sku === fields.sku && r !== existing))
    refuse(
      'validation',
      `The SKU ${String(fields.sku)} is already used by another product.`,
      'sku',
    );
  if (Number(fields.stock) < 0) refuse('validation', "Stock can't be negative.", 'stock');
  const row = existing ?? ({ id: fake.rows.length + 1, version: 0 } as Row);
  Object.assign(row, fields, {
    minor_units: currencies.find((c) => c.code === fields.currency)?.minor_units ?? 2,
    version: row.version + 1,
    updated_at: new Date().toISOString(),
    deleted_at: row.deleted_at ?? null,
    primary_image: row.primary_image ?? null,
  });
  if (!existing) fake.rows.push(row);
  emit('catalog-changed', [{ entity: 'product', id: row.id, kind: 'updated' }]);
  return row;
}

function setTrash(ids: unknown, trashed: boolean): number {
  const set = new Set(ids as number[]);
  let n = 0;
  for (const r of fake.rows)
    if (set.has(r.id)) {
      r.deleted_at = trashed ? new Date().toISOString() : null;
      n++;
    }
  emit('catalog-changed', [{ entity: 'product', id: 0, kind: 'updated' }]);
  return n;
}

async function importImages(a: Args): Promise<unknown> {
  const channel = (a.onProgress ?? a.on_progress) as { id: number } | undefined;
  const paths = a.paths as string[];
  const items = [];
  for (let i = 0; i < paths.length; i++) {
    const name = paths[i].split('/').pop() ?? paths[i];
    const bad = name.includes('corrupt');
    items.push({
      name,
      outcome: bad ? 'refused' : 'done',
      message: bad ? 'This file is not an image that can be read (JPEG data ends early).' : '',
    });
    if (channel) {
      const last = items[items.length - 1];
      const message = {
        done: i + 1,
        total: paths.length,
        bytes: (i + 1) * 812345,
        current: name,
        last,
      };
      callbacks.get(channel.id)?.({ message, index: i });
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { items, cancelled: false };
}

const handlers: Record<string, (a: Args) => unknown> = {
  library_info: () => ({
    root: '/home/seller/.local/share/shelfkeeper',
    schema_version: 2,
    app_version: '0.1.0',
    acting_user: users[0],
    product_count: fake.rows.filter((r) => !r.deleted_at).length,
    team_server: null,
    default_currency: 'USD',
  }),
  team_status: () => ({ address: null, problem: null }),
  list_products: list,
  get_product: (a) => get(a.id),
  create_product: (a) => save(a.fields as Args),
  update_product: (a) => {
    const row = get(a.id);
    if (fake.conflictNext || a.expectedVersion !== row.version) {
      fake.conflictNext = false;
      const theirs = { ...row, name: `${row.name} (renamed)`, price_minor: row.price_minor + 100 };
      theirs.version = row.version + 1;
      Object.assign(row, theirs);
      refuse('conflict', 'Someone else changed this product.', undefined, theirs);
    }
    return save(a.fields as Args, row);
  },
  parse_price: (a) => parsePrice(String(a.text), String(a.currency)),
  format_price: (a) => formatPrice(Number(a.minor), String(a.currency)),
  list_currencies: () => currencies,
  trash_products: (a) => setTrash(a.ids, true),
  restore_products: (a) => setTrash(a.ids, false),
  purge_products: (a) => (a.ids as number[]).length,
  empty_trash: () => 0,
  bulk_edit: (a) => (a.ids as number[]).length,
  product_history: () => [
    {
      audit_id: 2,
      at: '2026-11-20T09:30:00.000Z',
      actor: 'Dana Owner',
      what: 'edited',
      changes: [
        { field: 'price_minor', before: 1299, after: 1499 },
        { field: 'name', before: 'Blue mug', after: 'Blue stoneware mug' },
      ],
    },
    {
      audit_id: 1,
      at: '2026-11-01T08:00:00.000Z',
      actor: 'Sam Staff',
      what: 'created',
      changes: [],
    },
  ],
  restore_version: (a) => get(a.id),
  undo_last_change: () => fake.rows[0] ?? null,
  list_users: () => users,
  list_categories: () => categories,
  list_tags: () => [{ id: 1, name: 'gift', product_count: 12 }],
  get_setting: () => null,
  set_default_currency: () => null,
  check_catalog: () => ({
    findings: [
      {
        kind: 'original_missing',
        message:
          'The photo mug-front.jpg (of Blue mug (MUG-00012)) is missing from the library folder: it belongs at ~/Shelfkeeper/originals/3f/3fa1….jpg. Put the file back there (from a backup or where you first had it).',
      },
    ],
  }),
  import_images: importImages,
  cancel_job: () => true,
  product_images: (a) =>
    ['1a2b', '3c4d', '5e6f'].map((hex, i) => ({
      id: i + 1,
      product_id: a.productId,
      sha256: hex + 'a'.repeat(60),
      position: i,
      alt_text: i === 0 ? 'Front' : '',
      width: 4000,
      height: 3000,
      mime: 'image/jpeg',
      byte_size: 2_400_000,
      file_name: `photo-${i + 1}.jpg`,
      rotation: 0,
      deleted_at: null,
    })),
  pick_images: () => [],
  pick_csv: () => '/home/seller/shop-export.csv',
  preview_csv: () => ({
    layout: 'shopify_classic',
    headers: ['Handle', 'Title', 'Option1 Name', 'Option1 Value', 'Variant SKU', 'Variant Price'],
    mapping: ['handle', 'name', 'option1_name', 'option1_value', 'sku', 'price'],
    remembered: false,
    problem: null,
    fields: ['sku', 'name', 'price', 'stock', 'option1_name', 'option1_value', 'handle'],
    rows: [
      ['tee', 'Organic tee', 'Size', 'S', 'TEE-S', '20.00'],
      ['tee', '', '', 'M', 'TEE-M', '22.00'],
    ],
  }),
  import_csv: (a) => ({
    layout: 'shopify_classic',
    dry_run: (a.options as Args).dry_run,
    committed: false,
    cancelled: false,
    rows_read: 2,
    created: 1,
    updated: 0,
    unchanged: 0,
    variants: 2,
    refused: 1,
    warnings: 0,
    variants_not_imported: 0,
    images_imported: 0,
    images_not_fetched: 0,
    images_not_imported: 0,
    issues: [
      {
        line: 3,
        sku: 'POT-1',
        kind: 'refused',
        message: "The price can't be negative.",
        field: 'price',
      },
    ],
    issues_truncated: false,
    report_file: null,
  }),
  load_sample_catalog: () => {
    fake.rows = makeRows(40);
    emit('catalog-changed', [{ entity: 'product', id: 0, kind: 'created' }]);
    return {
      items: fake.rows.map((r) => ({ name: r.sku, outcome: 'done', message: '' })),
      cancelled: false,
    };
  },
  'plugin:event|listen': (a) => {
    const ids = listeners.get(String(a.event)) ?? [];
    listeners.set(String(a.event), [...ids, Number(a.handler)]);
    return Number(a.handler);
  },
  'plugin:event|unlisten': () => null,
};

export function emit(event: string, payload: unknown): void {
  for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
}

export function installFakeBackend(rowCount: number): void {
  fake.rows = makeRows(rowCount);
  const internals = {
    metadata: {
      currentWindow: { label: 'main' },
      currentWebview: { windowLabel: 'main', label: 'main' },
    },
    transformCallback(callback: Callback): number {
      const id = nextCallback++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback(id: number): void {
      callbacks.delete(id);
    },
    // Thumbnails become small generated SVGs so the grid looks like it has photos.
    convertFileSrc: (path: string) => {
      const hue = parseInt(path.slice(0, 4), 16) % 360;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="hsl(${hue} 45% 70%)"/><circle cx="5" cy="5.5" r="2.6" fill="hsl(${hue} 40% 40%)"/></svg>`;
      return `data:image/svg+xml,${encodeURIComponent(svg)}`;
    },
    async invoke(cmd: string, args: Args = {}): Promise<unknown> {
      const handler = handlers[cmd];
      if (!handler) {
        console.warn('fake backend: no command', cmd, args);
        return null;
      }
      await new Promise((r) => setTimeout(r, 5));
      return handler(args);
    },
  };
  Object.assign(window, {
    __TAURI_INTERNALS__: internals,
    __TAURI_EVENT_PLUGIN_INTERNALS__: { unregisterListener: () => {} },
  });
}
