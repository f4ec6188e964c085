-- History on a team catalog: a product's tag entries are keyed 'product_id:tag_id', and
-- "Undo last change" looks for the login's latest product change. Both read a log that grows
-- with every edit, so each gets an index of its own (a range on the text key would depend on
-- the database's collation; the product id split out does not).
CREATE INDEX audit_log_tags_by_product ON audit_log ((split_part(row_id, ':', 1)), id)
  WHERE table_name = 'product_tags';
CREATE INDEX audit_log_products_by_actor ON audit_log (actor_id, id)
  WHERE table_name = 'products';
