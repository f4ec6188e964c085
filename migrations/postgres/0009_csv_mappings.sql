-- CSV imports on a team catalog (issue 14). The columns a person maps by hand in the import
-- preview are remembered per header row in the catalog's settings, as in a library, so the
-- next file from the same shop is read the same way on every computer. Staff may import but
-- may not change settings, so remembering goes through this function, which writes only a
-- `csv_mapping.<16 hex digits>` key and leaves every other setting (the default currency) to
-- owners.
CREATE FUNCTION remember_csv_mapping(mapping_key text, mapping jsonb) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF mapping_key !~ '^csv_mapping\.[0-9a-f]{16}$' THEN
    PERFORM refuse('csv_mapping_key');
  END IF;
  INSERT INTO settings (key, value) VALUES (mapping_key, mapping)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now();
END $$;
REVOKE ALL ON FUNCTION remember_csv_mapping(text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION remember_csv_mapping(text, jsonb) TO shelf_staff, shelf_owner;
