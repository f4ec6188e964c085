-- 0009: photos straight off phones. HEIC and HEIF (iPhones, Samsung and Xiaomi phones, the
-- `.hif` of Sony and Fujifilm cameras) and AVIF join the image types an original may be. A
-- CHECK can only change by rebuilding the table (SQLite's 12-step procedure): the migration
-- runner turns foreign keys off around this one transaction and runs `foreign_key_check`
-- before it commits. Every column keeps its name, type, order and named constraint; the
-- rows are copied as they are (no audit entries: nothing about a photo changed), and the
-- triggers that dropping the table took with it are made again exactly as they were.
CREATE TABLE originals_rebuilt (
  sha256 TEXT PRIMARY KEY NOT NULL
    CONSTRAINT sha256_shape CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  byte_size INTEGER NOT NULL
    CONSTRAINT byte_size_positive CHECK (byte_size > 0),
  mime TEXT NOT NULL
    CONSTRAINT image_mime_known CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp',
      'image/gif', 'image/tiff', 'image/bmp', 'image/heic', 'image/heif', 'image/avif')),
  width INTEGER NOT NULL
    CONSTRAINT width_in_range CHECK (width BETWEEN 1 AND 30000),
  height INTEGER NOT NULL
    CONSTRAINT height_in_range CHECK (height BETWEEN 1 AND 30000),
  file_name TEXT NOT NULL
    CONSTRAINT file_name_shape CHECK (length(file_name) BETWEEN 1 AND 1024
      AND file_name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT imported_at_format CHECK (imported_at IS strftime('%Y-%m-%dT%H:%M:%fZ', imported_at)),
  rotation INTEGER NOT NULL DEFAULT 0
    CONSTRAINT rotation_quarter_turns CHECK (rotation IN (0, 90, 180, 270))
) STRICT, WITHOUT ROWID;

INSERT INTO originals_rebuilt (sha256, byte_size, mime, width, height, file_name, imported_at, rotation)
  SELECT sha256, byte_size, mime, width, height, file_name, imported_at, rotation FROM originals;

DROP TABLE originals;
ALTER TABLE originals_rebuilt RENAME TO originals;

CREATE TRIGGER originals_are_immutable BEFORE UPDATE OF sha256, byte_size, mime ON originals
WHEN NEW.sha256 IS NOT OLD.sha256 OR NEW.byte_size IS NOT OLD.byte_size OR NEW.mime IS NOT OLD.mime
BEGIN SELECT RAISE(ABORT, 'original_is_immutable'); END;
CREATE TRIGGER originals_audit_delete AFTER DELETE ON originals
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', OLD.sha256, 'delete', json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at, 'rotation', OLD.rotation), NULL
  FROM acting_user AS a;
END;
CREATE TRIGGER originals_audit_insert AFTER INSERT ON originals
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', NEW.sha256, 'insert', NULL, json_object('sha256', NEW.sha256, 'byte_size', NEW.byte_size, 'mime', NEW.mime, 'width', NEW.width, 'height', NEW.height, 'file_name', NEW.file_name, 'imported_at', NEW.imported_at, 'rotation', NEW.rotation)
  FROM acting_user AS a;
END;
CREATE TRIGGER originals_audit_update AFTER UPDATE ON originals
WHEN OLD.sha256 IS NOT NEW.sha256 OR OLD.byte_size IS NOT NEW.byte_size OR OLD.mime IS NOT NEW.mime OR OLD.width IS NOT NEW.width OR OLD.height IS NOT NEW.height OR OLD.file_name IS NOT NEW.file_name OR OLD.imported_at IS NOT NEW.imported_at OR OLD.rotation IS NOT NEW.rotation
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', NEW.sha256, 'update', json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at, 'rotation', OLD.rotation), json_object('sha256', NEW.sha256, 'byte_size', NEW.byte_size, 'mime', NEW.mime, 'width', NEW.width, 'height', NEW.height, 'file_name', NEW.file_name, 'imported_at', NEW.imported_at, 'rotation', NEW.rotation)
  FROM acting_user AS a;
END;
CREATE TRIGGER originals_delete_refused_while_used BEFORE DELETE ON originals
WHEN EXISTS (SELECT 1 FROM product_images WHERE sha256 = OLD.sha256)
  OR EXISTS (SELECT 1 FROM variants WHERE image_sha256 = OLD.sha256)
BEGIN SELECT RAISE(ABORT, 'original_in_use'); END;
CREATE TRIGGER originals_deletion_log BEFORE DELETE ON originals
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'originals', OLD.sha256, a.username, json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at, 'rotation', OLD.rotation)
  FROM acting_user AS a;
END;
