-- Timestamps to the millisecond, as the SQLite catalog keeps them (2026-12-02T15:58:01.123Z).
-- With PostgreSQL's microseconds a row saved on the server would not come back the same
-- through a pull, a team backup or a restore, and the two engines' copies of one catalog
-- would differ. The column type rounds what is stored, whoever writes it.
--
-- A column a trigger's WHEN reads can't change type; that trigger is made again after.
DROP TRIGGER products_delete_only_from_trash ON products;
ALTER TABLE users
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN updated_at TYPE timestamptz(3),
  ALTER COLUMN deleted_at TYPE timestamptz(3);
ALTER TABLE categories
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE products
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN updated_at TYPE timestamptz(3),
  ALTER COLUMN deleted_at TYPE timestamptz(3);
ALTER TABLE tags
  ALTER COLUMN created_at TYPE timestamptz(3);
ALTER TABLE product_tags
  ALTER COLUMN created_at TYPE timestamptz(3);
ALTER TABLE originals
  ALTER COLUMN imported_at TYPE timestamptz(3);
ALTER TABLE thumbnails
  ALTER COLUMN created_at TYPE timestamptz(3);
ALTER TABLE product_images
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN deleted_at TYPE timestamptz(3);
ALTER TABLE product_options
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN updated_at TYPE timestamptz(3);
ALTER TABLE variants
  ALTER COLUMN created_at TYPE timestamptz(3),
  ALTER COLUMN updated_at TYPE timestamptz(3),
  ALTER COLUMN deleted_at TYPE timestamptz(3);
ALTER TABLE audit_log
  ALTER COLUMN at TYPE timestamptz(3);
ALTER TABLE deletion_log
  ALTER COLUMN deleted_at TYPE timestamptz(3);
ALTER TABLE settings
  ALTER COLUMN updated_at TYPE timestamptz(3);
CREATE TRIGGER products_delete_only_from_trash BEFORE DELETE ON products
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION refuse_with('product_not_in_trash');
