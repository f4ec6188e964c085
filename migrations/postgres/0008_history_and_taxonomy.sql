-- History on a team catalog: a product's tag entries are keyed 'product_id:tag_id', and
-- "Undo last change" looks for the login's latest product change. Both read a log that grows
-- with every edit, so each gets an index of its own (a range on the text key would depend on
-- the database's collation; the product id split out does not).
CREATE INDEX audit_log_tags_by_product ON audit_log ((split_part(row_id, ':', 1)), id)
  WHERE table_name = 'product_tags';
CREATE INDEX audit_log_products_by_actor ON audit_log (actor_id, id)
  WHERE table_name = 'products';

-- The categories and tags screen works on a team catalog: a category or tag renamed, moved
-- or deleted on one computer shows in every other open window (its pickers, and the
-- category paths on products), as product changes do.
CREATE TRIGGER categories_notify_insert AFTER INSERT ON categories REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER categories_notify_update AFTER UPDATE ON categories REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER categories_notify_delete AFTER DELETE ON categories REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER tags_notify_insert AFTER INSERT ON tags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER tags_notify_update AFTER UPDATE ON tags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER tags_notify_delete AFTER DELETE ON tags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
