-- 0007: variants and shop fields (catalog-rules.md, "Variants and shop fields").
--
-- A product may declare up to three options (Size, Colour, Material) in `product_options`
-- and then sells through `variants`, one row per combination, each with its own SKU, price,
-- compare-at price, cost, stock, barcode, weight and photo. Products gain the fields shops
-- carry: vendor, product type, handle, compare-at price, cost and weight.
--
-- What a product's own price and stock mean once it has options: `price_minor` is the lowest
-- price of its live (not trashed) variants and `stock` their total, kept by the triggers
-- below so that every other tool reads sensible values; a direct write of other values is
-- refused (`product_sells_through_variants`). A product without options sells as itself, as
-- before. Every sellable SKU is in `products.sku` or `variants.sku`, never both, whatever the
-- case (`sku_taken`).
--
-- No CHECK of an existing table changes, so the new product columns are added in place
-- (nullable, each with its own CHECK) and no 12-step rebuild is needed; the triggers that
-- list the products' columns (audit, deletion log, touch) are re-created to include them.
-- The search index gains a `variants` column (variant SKUs, barcodes and option values), so
-- it is re-created and refilled, with the 16 MiB flush size of 0006.

ALTER TABLE products ADD COLUMN vendor TEXT NULL
  CONSTRAINT vendor_shape CHECK (vendor IS NULL OR (length(vendor) BETWEEN 1 AND 255 AND vendor = trim(vendor)
    AND vendor NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')));
ALTER TABLE products ADD COLUMN product_type TEXT NULL
  CONSTRAINT product_type_shape CHECK (product_type IS NULL OR (length(product_type) BETWEEN 1 AND 255
    AND product_type = trim(product_type) AND product_type NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')));
ALTER TABLE products ADD COLUMN handle TEXT NULL COLLATE NOCASE
  CONSTRAINT handle_shape CHECK (handle IS NULL OR (length(handle) BETWEEN 1 AND 255 AND handle = trim(handle)
    AND handle NOT GLOB '*[ /?#]*' AND handle NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')));
ALTER TABLE products ADD COLUMN compare_at_minor INTEGER NULL
  CONSTRAINT compare_at_not_negative CHECK (compare_at_minor IS NULL OR compare_at_minor BETWEEN 0 AND 1000000000000000);
ALTER TABLE products ADD COLUMN cost_minor INTEGER NULL
  CONSTRAINT cost_not_negative CHECK (cost_minor IS NULL OR cost_minor BETWEEN 0 AND 1000000000000000);
ALTER TABLE products ADD COLUMN weight_grams INTEGER NULL
  CONSTRAINT weight_not_negative CHECK (weight_grams IS NULL OR weight_grams BETWEEN 0 AND 1000000000);
CREATE UNIQUE INDEX product_handle_unique ON products (handle COLLATE NOCASE) WHERE handle IS NOT NULL;

CREATE TABLE product_options (
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  position INTEGER NOT NULL
    CONSTRAINT option_position_range CHECK (position BETWEEN 1 AND 3),
  name TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT option_name_shape CHECK (length(name) BETWEEN 1 AND 255 AND name = trim(name)
      AND name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)),
  PRIMARY KEY (product_id, position)
) STRICT, WITHOUT ROWID;
-- An expression index, so SQLite's refusal names it (a plain one names only its columns).
CREATE UNIQUE INDEX option_name_unique ON product_options (product_id, lower(name));

CREATE TABLE variants (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  sku TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT sku_shape CHECK (length(sku) BETWEEN 1 AND 64 AND sku = trim(sku)
      AND sku NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  position INTEGER NOT NULL DEFAULT 0
    CONSTRAINT variant_position_range CHECK (position BETWEEN 0 AND 100000),
  option1 TEXT NULL COLLATE NOCASE
    CONSTRAINT option_value_shape CHECK (option1 IS NULL OR (length(option1) BETWEEN 1 AND 255 AND option1 = trim(option1)
      AND option1 NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*'))),
  option2 TEXT NULL COLLATE NOCASE
    CONSTRAINT option_value_shape CHECK (option2 IS NULL OR (length(option2) BETWEEN 1 AND 255 AND option2 = trim(option2)
      AND option2 NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*'))),
  option3 TEXT NULL COLLATE NOCASE
    CONSTRAINT option_value_shape CHECK (option3 IS NULL OR (length(option3) BETWEEN 1 AND 255 AND option3 = trim(option3)
      AND option3 NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*'))),
  price_minor INTEGER NOT NULL
    CONSTRAINT price_not_negative CHECK (price_minor >= 0)
    CONSTRAINT price_in_range CHECK (price_minor <= 1000000000000000),
  compare_at_minor INTEGER NULL
    CONSTRAINT compare_at_not_negative CHECK (compare_at_minor IS NULL OR compare_at_minor BETWEEN 0 AND 1000000000000000),
  cost_minor INTEGER NULL
    CONSTRAINT cost_not_negative CHECK (cost_minor IS NULL OR cost_minor BETWEEN 0 AND 1000000000000000),
  stock INTEGER NOT NULL DEFAULT 0
    CONSTRAINT stock_not_negative CHECK (stock >= 0)
    CONSTRAINT stock_in_range CHECK (stock <= 1000000000),
  barcode TEXT NULL
    CONSTRAINT barcode_digits CHECK (barcode IS NULL OR (length(barcode) BETWEEN 8 AND 14
      AND barcode NOT GLOB '*[^0-9]*')),
  weight_grams INTEGER NULL
    CONSTRAINT weight_not_negative CHECK (weight_grams IS NULL OR weight_grams BETWEEN 0 AND 1000000000),
  image_sha256 TEXT NULL REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)),
  deleted_at TEXT NULL
    CONSTRAINT deleted_at_format CHECK (deleted_at IS NULL OR deleted_at IS strftime('%Y-%m-%dT%H:%M:%fZ', deleted_at)),
  version INTEGER NOT NULL DEFAULT 0
    CONSTRAINT version_not_negative CHECK (version >= 0),
  CONSTRAINT variant_sku_unique UNIQUE (sku)
) STRICT;
CREATE INDEX variants_of_product ON variants (product_id, position, id);
CREATE INDEX variants_image ON variants (image_sha256) WHERE image_sha256 IS NOT NULL;
CREATE INDEX variants_barcode ON variants (barcode) WHERE barcode IS NOT NULL;
CREATE INDEX variants_by_stock ON variants (stock, product_id) WHERE deleted_at IS NULL;
-- One live variant per combination (case-insensitive, like the option values themselves).
CREATE UNIQUE INDEX variant_combination_unique ON variants (product_id,
  coalesce(option1, '') COLLATE NOCASE, coalesce(option2, '') COLLATE NOCASE,
  coalesce(option3, '') COLLATE NOCASE) WHERE deleted_at IS NULL;

-- One SKU space for everything a seller sells: a variant's SKU may not equal any product's,
-- and a product's may not equal any variant's (both columns compare without case).
CREATE TRIGGER variants_sku_free_insert BEFORE INSERT ON variants
WHEN EXISTS (SELECT 1 FROM products WHERE sku = NEW.sku)
BEGIN SELECT RAISE(ABORT, 'sku_taken'); END;
CREATE TRIGGER variants_sku_free_update BEFORE UPDATE OF sku ON variants
WHEN EXISTS (SELECT 1 FROM products WHERE sku = NEW.sku)
BEGIN SELECT RAISE(ABORT, 'sku_taken'); END;
CREATE TRIGGER products_sku_free_insert BEFORE INSERT ON products
WHEN EXISTS (SELECT 1 FROM variants WHERE sku = NEW.sku)
BEGIN SELECT RAISE(ABORT, 'sku_taken'); END;
CREATE TRIGGER products_sku_free_update BEFORE UPDATE OF sku ON products
WHEN EXISTS (SELECT 1 FROM variants WHERE sku = NEW.sku)
BEGIN SELECT RAISE(ABORT, 'sku_taken'); END;

-- A variant exists only for a product that declares options, and carries a value for each
-- option the product declares and none for any it does not.
CREATE TRIGGER variants_need_options BEFORE INSERT ON variants
WHEN NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id)
BEGIN SELECT RAISE(ABORT, 'variant_needs_options'); END;
CREATE TRIGGER variants_options_match_insert BEFORE INSERT ON variants
WHEN ((NEW.option1 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 1)) OR ((NEW.option2 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 2)) OR ((NEW.option3 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 3))
BEGIN SELECT RAISE(ABORT, 'variant_options_mismatch'); END;
CREATE TRIGGER variants_options_match_update BEFORE UPDATE OF option1, option2, option3 ON variants
WHEN ((NEW.option1 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 1)) OR ((NEW.option2 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 2)) OR ((NEW.option3 IS NOT NULL) IS NOT EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.product_id AND o.position = 3))
BEGIN SELECT RAISE(ABORT, 'variant_options_mismatch'); END;
-- Its photo is one of its product's photos.
CREATE TRIGGER variants_image_of_product_insert BEFORE INSERT ON variants
WHEN NEW.image_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM product_images AS i
  WHERE i.product_id = NEW.product_id AND i.sha256 = NEW.image_sha256)
BEGIN SELECT RAISE(ABORT, 'variant_image_not_of_product'); END;
CREATE TRIGGER variants_image_of_product_update BEFORE UPDATE OF image_sha256 ON variants
WHEN NEW.image_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM product_images AS i
  WHERE i.product_id = NEW.product_id AND i.sha256 = NEW.image_sha256)
BEGIN SELECT RAISE(ABORT, 'variant_image_not_of_product'); END;

-- Guards, as for products: trash before delete, fixed ids and owners, versions only forward.
CREATE TRIGGER variants_delete_only_from_trash BEFORE DELETE ON variants
WHEN OLD.deleted_at IS NULL
  AND (SELECT deleted_at FROM products WHERE id = OLD.product_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'variant_not_in_trash'); END;
CREATE TRIGGER variants_id_is_fixed BEFORE UPDATE OF id, product_id ON variants
WHEN NEW.id IS NOT OLD.id OR NEW.product_id IS NOT OLD.product_id
BEGIN SELECT RAISE(ABORT, 'variant_id_is_fixed'); END;
CREATE TRIGGER variants_version_only_forward BEFORE UPDATE OF version ON variants
WHEN NEW.version < OLD.version
BEGIN SELECT RAISE(ABORT, 'version_only_forward'); END;
-- An option can't be removed or moved while a variant (live or trashed) has a value for it.
CREATE TRIGGER product_options_delete_refused_while_used BEFORE DELETE ON product_options
WHEN EXISTS (SELECT 1 FROM variants AS v WHERE v.product_id = OLD.product_id
  AND CASE OLD.position WHEN 1 THEN v.option1 WHEN 2 THEN v.option2 ELSE v.option3 END IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'option_in_use'); END;
CREATE TRIGGER product_options_fixed_while_used BEFORE UPDATE OF product_id, position ON product_options
WHEN (NEW.product_id IS NOT OLD.product_id OR NEW.position IS NOT OLD.position)
  AND EXISTS (SELECT 1 FROM variants AS v WHERE v.product_id = OLD.product_id
  AND CASE OLD.position WHEN 1 THEN v.option1 WHEN 2 THEN v.option2 ELSE v.option3 END IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'option_in_use'); END;

-- A photo used as a variant's image is in use, like one shown on a product.
DROP TRIGGER originals_delete_refused_while_used;
CREATE TRIGGER originals_delete_refused_while_used BEFORE DELETE ON originals
WHEN EXISTS (SELECT 1 FROM product_images WHERE sha256 = OLD.sha256)
  OR EXISTS (SELECT 1 FROM variants WHERE image_sha256 = OLD.sha256)
BEGIN SELECT RAISE(ABORT, 'original_in_use'); END;

-- A product with options sells through its variants: its price is their lowest and its stock
-- their total, and nothing else may be written there.
CREATE TRIGGER products_sell_through_variants BEFORE UPDATE OF price_minor, stock ON products
WHEN EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.id)
  AND (NEW.stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = NEW.id AND v.deleted_at IS NULL), 0)
    OR NEW.price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = NEW.id AND v.deleted_at IS NULL), OLD.price_minor))
BEGIN SELECT RAISE(ABORT, 'product_sells_through_variants'); END;

CREATE TRIGGER variants_roll_up_insert AFTER INSERT ON variants
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0)
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id);
END;
CREATE TRIGGER variants_roll_up_update AFTER UPDATE OF price_minor, stock, deleted_at ON variants
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0)
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id);
END;
CREATE TRIGGER variants_roll_up_delete AFTER DELETE ON variants
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0)
  WHERE id = OLD.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id);
END;
CREATE TRIGGER product_options_roll_up AFTER INSERT ON product_options
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0)
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id);
END;

-- products: the audit, deletion-log and touch triggers, re-created with the new columns.
DROP TRIGGER products_audit_insert;
DROP TRIGGER products_audit_update;
DROP TRIGGER products_audit_delete;
DROP TRIGGER products_deletion_log;
DROP TRIGGER products_touch;

CREATE TRIGGER products_audit_insert AFTER INSERT ON products
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'sku', NEW.sku, 'name', NEW.name, 'description', NEW.description, 'price_minor', NEW.price_minor, 'currency', NEW.currency, 'stock', NEW.stock, 'status', NEW.status, 'category_id', NEW.category_id, 'owner_id', NEW.owner_id, 'barcode', NEW.barcode, 'vendor', NEW.vendor, 'product_type', NEW.product_type, 'handle', NEW.handle, 'compare_at_minor', NEW.compare_at_minor, 'cost_minor', NEW.cost_minor, 'weight_grams', NEW.weight_grams, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER products_audit_update AFTER UPDATE ON products
WHEN OLD.id IS NOT NEW.id OR OLD.sku IS NOT NEW.sku OR OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description OR OLD.price_minor IS NOT NEW.price_minor OR OLD.currency IS NOT NEW.currency OR OLD.stock IS NOT NEW.stock OR OLD.status IS NOT NEW.status OR OLD.category_id IS NOT NEW.category_id OR OLD.owner_id IS NOT NEW.owner_id OR OLD.barcode IS NOT NEW.barcode OR OLD.vendor IS NOT NEW.vendor OR OLD.product_type IS NOT NEW.product_type OR OLD.handle IS NOT NEW.handle OR OLD.compare_at_minor IS NOT NEW.compare_at_minor OR OLD.cost_minor IS NOT NEW.cost_minor OR OLD.weight_grams IS NOT NEW.weight_grams OR OLD.created_at IS NOT NEW.created_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', NEW.id, 'update', json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'vendor', OLD.vendor, 'product_type', OLD.product_type, 'handle', OLD.handle, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'weight_grams', OLD.weight_grams, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), json_object('id', NEW.id, 'sku', NEW.sku, 'name', NEW.name, 'description', NEW.description, 'price_minor', NEW.price_minor, 'currency', NEW.currency, 'stock', NEW.stock, 'status', NEW.status, 'category_id', NEW.category_id, 'owner_id', NEW.owner_id, 'barcode', NEW.barcode, 'vendor', NEW.vendor, 'product_type', NEW.product_type, 'handle', NEW.handle, 'compare_at_minor', NEW.compare_at_minor, 'cost_minor', NEW.cost_minor, 'weight_grams', NEW.weight_grams, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER products_audit_delete AFTER DELETE ON products
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', OLD.id, 'delete', json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'vendor', OLD.vendor, 'product_type', OLD.product_type, 'handle', OLD.handle, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'weight_grams', OLD.weight_grams, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER products_deletion_log BEFORE DELETE ON products
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'products', OLD.id, a.username, json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'vendor', OLD.vendor, 'product_type', OLD.product_type, 'handle', OLD.handle, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'weight_grams', OLD.weight_grams, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version)
  FROM acting_user AS a;
END;

-- Edits from any client move updated_at (and the version, so a stale edit in the app is
-- detected even when the other edit came from another tool).
CREATE TRIGGER products_touch AFTER UPDATE ON products
WHEN NEW.version IS OLD.version AND NOT (OLD.id IS NEW.id AND OLD.sku IS NEW.sku AND OLD.name IS NEW.name AND OLD.description IS NEW.description AND OLD.price_minor IS NEW.price_minor AND OLD.currency IS NEW.currency AND OLD.stock IS NEW.stock AND OLD.status IS NEW.status AND OLD.category_id IS NEW.category_id AND OLD.owner_id IS NEW.owner_id AND OLD.barcode IS NEW.barcode AND OLD.vendor IS NEW.vendor AND OLD.product_type IS NEW.product_type AND OLD.handle IS NEW.handle AND OLD.compare_at_minor IS NEW.compare_at_minor AND OLD.cost_minor IS NEW.cost_minor AND OLD.weight_grams IS NEW.weight_grams AND OLD.created_at IS NEW.created_at AND OLD.deleted_at IS NEW.deleted_at)
BEGIN
  UPDATE products SET version = OLD.version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = NEW.id;
END;

-- variants: audit, deletion log, touch.
CREATE TRIGGER variants_audit_insert AFTER INSERT ON variants
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'variants', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'product_id', NEW.product_id, 'sku', NEW.sku, 'position', NEW.position, 'option1', NEW.option1, 'option2', NEW.option2, 'option3', NEW.option3, 'price_minor', NEW.price_minor, 'compare_at_minor', NEW.compare_at_minor, 'cost_minor', NEW.cost_minor, 'stock', NEW.stock, 'barcode', NEW.barcode, 'weight_grams', NEW.weight_grams, 'image_sha256', NEW.image_sha256, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER variants_audit_update AFTER UPDATE ON variants
WHEN OLD.id IS NOT NEW.id OR OLD.product_id IS NOT NEW.product_id OR OLD.sku IS NOT NEW.sku OR OLD.position IS NOT NEW.position OR OLD.option1 IS NOT NEW.option1 OR OLD.option2 IS NOT NEW.option2 OR OLD.option3 IS NOT NEW.option3 OR OLD.price_minor IS NOT NEW.price_minor OR OLD.compare_at_minor IS NOT NEW.compare_at_minor OR OLD.cost_minor IS NOT NEW.cost_minor OR OLD.stock IS NOT NEW.stock OR OLD.barcode IS NOT NEW.barcode OR OLD.weight_grams IS NOT NEW.weight_grams OR OLD.image_sha256 IS NOT NEW.image_sha256 OR OLD.created_at IS NOT NEW.created_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'variants', NEW.id, 'update', json_object('id', OLD.id, 'product_id', OLD.product_id, 'sku', OLD.sku, 'position', OLD.position, 'option1', OLD.option1, 'option2', OLD.option2, 'option3', OLD.option3, 'price_minor', OLD.price_minor, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'stock', OLD.stock, 'barcode', OLD.barcode, 'weight_grams', OLD.weight_grams, 'image_sha256', OLD.image_sha256, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), json_object('id', NEW.id, 'product_id', NEW.product_id, 'sku', NEW.sku, 'position', NEW.position, 'option1', NEW.option1, 'option2', NEW.option2, 'option3', NEW.option3, 'price_minor', NEW.price_minor, 'compare_at_minor', NEW.compare_at_minor, 'cost_minor', NEW.cost_minor, 'stock', NEW.stock, 'barcode', NEW.barcode, 'weight_grams', NEW.weight_grams, 'image_sha256', NEW.image_sha256, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER variants_audit_delete AFTER DELETE ON variants
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'variants', OLD.id, 'delete', json_object('id', OLD.id, 'product_id', OLD.product_id, 'sku', OLD.sku, 'position', OLD.position, 'option1', OLD.option1, 'option2', OLD.option2, 'option3', OLD.option3, 'price_minor', OLD.price_minor, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'stock', OLD.stock, 'barcode', OLD.barcode, 'weight_grams', OLD.weight_grams, 'image_sha256', OLD.image_sha256, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER variants_deletion_log BEFORE DELETE ON variants
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'variants', OLD.id, a.username, json_object('id', OLD.id, 'product_id', OLD.product_id, 'sku', OLD.sku, 'position', OLD.position, 'option1', OLD.option1, 'option2', OLD.option2, 'option3', OLD.option3, 'price_minor', OLD.price_minor, 'compare_at_minor', OLD.compare_at_minor, 'cost_minor', OLD.cost_minor, 'stock', OLD.stock, 'barcode', OLD.barcode, 'weight_grams', OLD.weight_grams, 'image_sha256', OLD.image_sha256, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER variants_touch AFTER UPDATE ON variants
WHEN NEW.version IS OLD.version AND NOT (OLD.id IS NEW.id AND OLD.product_id IS NEW.product_id AND OLD.sku IS NEW.sku AND OLD.position IS NEW.position AND OLD.option1 IS NEW.option1 AND OLD.option2 IS NEW.option2 AND OLD.option3 IS NEW.option3 AND OLD.price_minor IS NEW.price_minor AND OLD.compare_at_minor IS NEW.compare_at_minor AND OLD.cost_minor IS NEW.cost_minor AND OLD.stock IS NEW.stock AND OLD.barcode IS NEW.barcode AND OLD.weight_grams IS NEW.weight_grams AND OLD.image_sha256 IS NEW.image_sha256 AND OLD.created_at IS NEW.created_at AND OLD.deleted_at IS NEW.deleted_at)
BEGIN
  UPDATE variants SET version = OLD.version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = NEW.id;
END;

-- product_options: audit, deletion log, touch (keyed 'product_id:position').
CREATE TRIGGER product_options_audit_insert AFTER INSERT ON product_options
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_options', NEW.product_id || ':' || NEW.position, 'insert', NULL, json_object('product_id', NEW.product_id, 'position', NEW.position, 'name', NEW.name, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_options_audit_update AFTER UPDATE ON product_options
WHEN OLD.product_id IS NOT NEW.product_id OR OLD.position IS NOT NEW.position OR OLD.name IS NOT NEW.name OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_options', NEW.product_id || ':' || NEW.position, 'update', json_object('product_id', OLD.product_id, 'position', OLD.position, 'name', OLD.name, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at), json_object('product_id', NEW.product_id, 'position', NEW.position, 'name', NEW.name, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_options_audit_delete AFTER DELETE ON product_options
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_options', OLD.product_id || ':' || OLD.position, 'delete', json_object('product_id', OLD.product_id, 'position', OLD.position, 'name', OLD.name, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER product_options_deletion_log BEFORE DELETE ON product_options
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'product_options', OLD.product_id || ':' || OLD.position, a.username, json_object('product_id', OLD.product_id, 'position', OLD.position, 'name', OLD.name, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_options_touch AFTER UPDATE ON product_options
WHEN NEW.updated_at IS OLD.updated_at AND NOT (OLD.product_id IS NEW.product_id AND OLD.position IS NEW.position AND OLD.name IS NEW.name AND OLD.created_at IS NEW.created_at)
BEGIN
  UPDATE product_options SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE product_id = NEW.product_id AND position = NEW.position;
END;

-- Search: the variants' SKUs, barcodes and option values find their product.
DROP TABLE product_search;
CREATE VIRTUAL TABLE product_search USING fts5 (
  sku, name, description, tags, variants,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5 6'
);
INSERT INTO product_search (product_search, rank) VALUES ('hashsize', 16777216);
INSERT INTO product_search (rowid, sku, name, description, tags, variants)
  SELECT p.id, p.sku, p.name, p.description,
    (SELECT coalesce(group_concat(t.name, ' '), '') FROM product_tags AS pt
      JOIN tags AS t ON t.id = pt.tag_id WHERE pt.product_id = p.id), ''
  FROM products AS p;

DROP TRIGGER product_search_insert;
CREATE TRIGGER product_search_insert AFTER INSERT ON products
WHEN (SELECT search_deferred FROM write_context WHERE id = 1) = 0
BEGIN
  INSERT INTO product_search (rowid, sku, name, description, tags, variants)
  VALUES (NEW.id, NEW.sku, NEW.name, NEW.description, '', '');
END;

CREATE TRIGGER product_search_variant_added AFTER INSERT ON variants
BEGIN
  UPDATE product_search SET variants = (
    SELECT coalesce(group_concat(v.sku || ' ' || coalesce(v.barcode, '') || ' ' || coalesce(v.option1, '')
      || ' ' || coalesce(v.option2, '') || ' ' || coalesce(v.option3, ''), ' '), '')
    FROM variants AS v WHERE v.product_id = NEW.product_id AND v.deleted_at IS NULL)
  WHERE rowid = NEW.product_id;
END;
CREATE TRIGGER product_search_variant_changed AFTER UPDATE OF sku, barcode, option1, option2, option3, deleted_at ON variants
BEGIN
  UPDATE product_search SET variants = (
    SELECT coalesce(group_concat(v.sku || ' ' || coalesce(v.barcode, '') || ' ' || coalesce(v.option1, '')
      || ' ' || coalesce(v.option2, '') || ' ' || coalesce(v.option3, ''), ' '), '')
    FROM variants AS v WHERE v.product_id = NEW.product_id AND v.deleted_at IS NULL)
  WHERE rowid = NEW.product_id;
END;
CREATE TRIGGER product_search_variant_removed AFTER DELETE ON variants
BEGIN
  UPDATE product_search SET variants = (
    SELECT coalesce(group_concat(v.sku || ' ' || coalesce(v.barcode, '') || ' ' || coalesce(v.option1, '')
      || ' ' || coalesce(v.option2, '') || ' ' || coalesce(v.option3, ''), ' '), '')
    FROM variants AS v WHERE v.product_id = OLD.product_id AND v.deleted_at IS NULL)
  WHERE rowid = OLD.product_id;
END;
