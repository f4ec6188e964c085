// What the import dialog calls each format, layout and field. Keyed by the generated union
// types, so a value the Rust side adds or renames fails the type check here.
import type { CsvFormat, Field, Layout } from '../../lib/api';

export const FORMAT_LABELS: Record<CsvFormat, string> = {
  auto: 'Detect from the header row',
  generic: 'Shelfkeeper / spreadsheet CSV',
  shopify: 'Shopify product CSV',
  woocommerce: 'WooCommerce product CSV',
  etsy: 'Etsy listings download',
};

export const LAYOUT_LABELS: Record<Layout, string> = {
  generic: 'Read as a Shelfkeeper or spreadsheet CSV, one product per row',
  shopify_classic: 'Read as a Shopify product CSV (admin export), rows grouped by handle',
  shopify_new: "Read as a Shopify product CSV (Shopify's current template), rows grouped by handle",
  woocommerce: 'Read as a WooCommerce product CSV, variations gathered under their product',
  etsy: 'Read as an Etsy listings download, one listing per row',
};

export const FIELD_LABELS: Record<Field, string> = {
  handle: 'Handle',
  sku: 'SKU',
  name: 'Name',
  description: 'Description',
  price: 'Price',
  sale_price: 'Sale price',
  compare_at: 'Compare-at price',
  cost: 'Cost',
  weight: 'Weight',
  currency: 'Currency',
  stock: 'Stock',
  status: 'Status',
  published: 'Published',
  category: 'Category',
  vendor: 'Vendor',
  product_type: 'Product type',
  tags: 'Tags',
  barcode: 'Barcode',
  images: 'Images (several)',
  image_src: 'Image',
  image_position: 'Image position',
  image_alt: 'Image alt text',
  variant_image: 'Variant image',
  option1_name: 'Option 1 name',
  option1_value: 'Option 1 value',
  option2_name: 'Option 2 name',
  option2_value: 'Option 2 value',
  option3_name: 'Option 3 name',
  option3_value: 'Option 3 value',
  option1_type: 'Option 1 type (Etsy)',
  option2_type: 'Option 2 type (Etsy)',
  shop_id: 'Shop ID',
  kind: 'Product type (WooCommerce)',
  parent: 'Parent',
};
