-- 0002: per-catalog settings (default currency for new products, the inbox folder to watch,
-- automatic backup preferences). Reference data for the app, editable by the seller.
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL
    CONSTRAINT setting_key_shape CHECK (length(key) BETWEEN 1 AND 64
      AND key NOT GLOB '*[^a-z0-9_.]*'),
  value TEXT NOT NULL
    CONSTRAINT setting_value_json CHECK (json_valid(value)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at))
) STRICT, WITHOUT ROWID;

INSERT INTO settings (key, value) VALUES
  ('default_currency', '"USD"');

CREATE TRIGGER settings_currency_known BEFORE UPDATE ON settings
WHEN NEW.key = 'default_currency'
  AND NOT EXISTS (SELECT 1 FROM currencies WHERE code = json_extract(NEW.value, '$'))
BEGIN SELECT RAISE(ABORT, 'currency_unknown'); END;
