/** Field names as the core spells them, in words for people (history diffs, banners). */
export const FIELD_LABELS: Record<string, string> = {
  sku: 'SKU',
  name: 'Name',
  description: 'Description',
  price: 'Price',
  price_minor: 'Price',
  currency: 'Currency',
  stock: 'Stock',
  status: 'Status',
  category: 'Category',
  category_id: 'Category',
  barcode: 'Barcode',
  tags: 'Tags',
  tag: 'Tags',
  deleted_at: 'In the trash since',
  primary_image: 'Primary image',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field.replace(/_/g, ' ');
}
