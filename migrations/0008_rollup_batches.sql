-- 0008: a product's rolled-up price and stock, written once per change instead of twice.
--
-- 1. The roll-up triggers of 0007 updated the product on every variant written, even when
--    its lowest price and total stock stayed the same, and left the version bump to
--    `products_touch`, which is a second UPDATE with its own audit row. They now update only
--    when a value changes, and bump `version` and `updated_at` in the same statement.
--
-- 2. A CSV import writes a batch of new products with their options and variants in a few
--    statements. Row triggers still rolled each product up once per variant (four variants,
--    four product updates, four audit rows), though the import already wrote the product
--    with its variants' lowest price and total stock. Inside its own write transaction the
--    core now sets `write_context.rollup_deferred`, inserts the options and variants, clears
--    the flag and rolls the batch's products up in one statement (which changes nothing when
--    the products were written right). As with `search_deferred` (0004), the flag is only set
--    inside one of the app's transactions, a rollback takes it back, and every other write,
--    from the app or another tool, sees it at 0 and is rolled up by the triggers.

ALTER TABLE write_context ADD COLUMN rollup_deferred INTEGER NOT NULL DEFAULT 0
  CONSTRAINT rollup_deferred_boolean CHECK (rollup_deferred IN (0, 1));

DROP TRIGGER variants_roll_up_insert;
DROP TRIGGER variants_roll_up_update;
DROP TRIGGER variants_roll_up_delete;
DROP TRIGGER product_options_roll_up;

CREATE TRIGGER variants_roll_up_insert AFTER INSERT ON variants
WHEN (SELECT rollup_deferred FROM write_context WHERE id = 1) = 0
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0),
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
    AND (price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor) OR stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0));
END;
CREATE TRIGGER variants_roll_up_update AFTER UPDATE OF price_minor, stock, deleted_at ON variants
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0),
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
    AND (price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor) OR stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0));
END;
CREATE TRIGGER variants_roll_up_delete AFTER DELETE ON variants
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0),
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = OLD.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
    AND (price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor) OR stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0));
END;
CREATE TRIGGER product_options_roll_up AFTER INSERT ON product_options
WHEN (SELECT rollup_deferred FROM write_context WHERE id = 1) = 0
BEGIN
  UPDATE products SET
    price_minor = coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor),
    stock = coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0),
    version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE id = NEW.product_id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = products.id)
    AND (price_minor IS NOT coalesce((SELECT min(v.price_minor) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), price_minor) OR stock IS NOT coalesce((SELECT sum(v.stock) FROM variants AS v WHERE v.product_id = products.id AND v.deleted_at IS NULL), 0));
END;
