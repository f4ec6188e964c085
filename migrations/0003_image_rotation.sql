-- 0003: a photo's stored rotation, in clockwise quarter turns, applied to its thumbnail and
-- to exports. The original file itself is never modified. The rotation belongs to the
-- photo (the original), not to one product's use of it, because the thumbnail is shared.
ALTER TABLE originals ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0
  CONSTRAINT rotation_quarter_turns CHECK (rotation IN (0, 90, 180, 270));

-- The audit and deletion-log triggers of originals name every column; re-create them so the
-- JSON they write includes the rotation.
DROP TRIGGER originals_audit_insert;
DROP TRIGGER originals_audit_update;
DROP TRIGGER originals_audit_delete;
DROP TRIGGER originals_deletion_log;

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

CREATE TRIGGER originals_audit_delete AFTER DELETE ON originals
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', OLD.sha256, 'delete', json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at, 'rotation', OLD.rotation), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER originals_deletion_log BEFORE DELETE ON originals
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'originals', OLD.sha256, a.username, json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at, 'rotation', OLD.rotation)
  FROM acting_user AS a;
END;
