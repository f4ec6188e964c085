-- 0001: the catalog. The contract is ../shared/design/catalog-rules.md; every rule that a
-- plain SQLite client could break is enforced here, because this file is the last line of
-- defence whoever writes to the catalog. Targets SQLite 3.40 (Debian 12's sqlite3): no jsonb,
-- no contentless-delete FTS. Timestamps are TEXT in one format, 'YYYY-MM-DDTHH:MM:SS.sssZ'
-- (UTC), checked by round-tripping through strftime. Connection PRAGMAs live in the Rust
-- connection opener, not here. Append-only: never edit this file once it has shipped.
-- Seller tables use AUTOINCREMENT so an id is never reused after a purge: the audit log
-- and deletion log refer to rows by id, and a new product must not inherit a purged one's
-- history.

-- Reference data: ISO 4217 currencies with the number of minor units (digits after the point).
CREATE TABLE currencies (
  code TEXT PRIMARY KEY NOT NULL
    CONSTRAINT currency_code_shape CHECK (length(code) = 3 AND code NOT GLOB '*[^A-Z]*'),
  name TEXT NOT NULL
    CONSTRAINT currency_name_not_blank CHECK (length(trim(name)) BETWEEN 1 AND 255),
  minor_units INTEGER NOT NULL
    CONSTRAINT minor_units_range CHECK (minor_units BETWEEN 0 AND 4)
) STRICT, WITHOUT ROWID;

INSERT INTO currencies (code, name, minor_units) VALUES
  ('AED', 'UAE dirham', 2),
  ('AFN', 'Afghani', 2),
  ('ALL', 'Lek', 2),
  ('AMD', 'Armenian dram', 2),
  ('ANG', 'Netherlands Antillean guilder', 2),
  ('AOA', 'Kwanza', 2),
  ('ARS', 'Argentine peso', 2),
  ('AUD', 'Australian dollar', 2),
  ('AWG', 'Aruban florin', 2),
  ('AZN', 'Azerbaijan manat', 2),
  ('BAM', 'Convertible mark', 2),
  ('BBD', 'Barbados dollar', 2),
  ('BDT', 'Taka', 2),
  ('BGN', 'Bulgarian lev', 2),
  ('BHD', 'Bahraini dinar', 3),
  ('BIF', 'Burundi franc', 0),
  ('BMD', 'Bermudian dollar', 2),
  ('BND', 'Brunei dollar', 2),
  ('BOB', 'Boliviano', 2),
  ('BOV', 'Mvdol', 2),
  ('BRL', 'Brazilian real', 2),
  ('BSD', 'Bahamian dollar', 2),
  ('BTN', 'Ngultrum', 2),
  ('BWP', 'Pula', 2),
  ('BYN', 'Belarusian ruble', 2),
  ('BZD', 'Belize dollar', 2),
  ('CAD', 'Canadian dollar', 2),
  ('CDF', 'Congolese franc', 2),
  ('CHE', 'WIR euro', 2),
  ('CHF', 'Swiss franc', 2),
  ('CHW', 'WIR franc', 2),
  ('CLF', 'Unidad de fomento', 4),
  ('CLP', 'Chilean peso', 0),
  ('CNY', 'Yuan renminbi', 2),
  ('COP', 'Colombian peso', 2),
  ('COU', 'Unidad de valor real', 2),
  ('CRC', 'Costa Rican colon', 2),
  ('CUP', 'Cuban peso', 2),
  ('CVE', 'Cabo Verde escudo', 2),
  ('CZK', 'Czech koruna', 2),
  ('DJF', 'Djibouti franc', 0),
  ('DKK', 'Danish krone', 2),
  ('DOP', 'Dominican peso', 2),
  ('DZD', 'Algerian dinar', 2),
  ('EGP', 'Egyptian pound', 2),
  ('ERN', 'Nakfa', 2),
  ('ETB', 'Ethiopian birr', 2),
  ('EUR', 'Euro', 2),
  ('FJD', 'Fiji dollar', 2),
  ('FKP', 'Falkland Islands pound', 2),
  ('GBP', 'Pound sterling', 2),
  ('GEL', 'Lari', 2),
  ('GHS', 'Ghana cedi', 2),
  ('GIP', 'Gibraltar pound', 2),
  ('GMD', 'Dalasi', 2),
  ('GNF', 'Guinean franc', 0),
  ('GTQ', 'Quetzal', 2),
  ('GYD', 'Guyana dollar', 2),
  ('HKD', 'Hong Kong dollar', 2),
  ('HNL', 'Lempira', 2),
  ('HTG', 'Gourde', 2),
  ('HUF', 'Forint', 2),
  ('IDR', 'Rupiah', 2),
  ('ILS', 'New Israeli sheqel', 2),
  ('INR', 'Indian rupee', 2),
  ('IQD', 'Iraqi dinar', 3),
  ('IRR', 'Iranian rial', 2),
  ('ISK', 'Iceland krona', 0),
  ('JMD', 'Jamaican dollar', 2),
  ('JOD', 'Jordanian dinar', 3),
  ('JPY', 'Yen', 0),
  ('KES', 'Kenyan shilling', 2),
  ('KGS', 'Som', 2),
  ('KHR', 'Riel', 2),
  ('KMF', 'Comorian franc', 0),
  ('KPW', 'North Korean won', 2),
  ('KRW', 'Won', 0),
  ('KWD', 'Kuwaiti dinar', 3),
  ('KYD', 'Cayman Islands dollar', 2),
  ('KZT', 'Tenge', 2),
  ('LAK', 'Lao kip', 2),
  ('LBP', 'Lebanese pound', 2),
  ('LKR', 'Sri Lanka rupee', 2),
  ('LRD', 'Liberian dollar', 2),
  ('LSL', 'Loti', 2),
  ('LYD', 'Libyan dinar', 3),
  ('MAD', 'Moroccan dirham', 2),
  ('MDL', 'Moldovan leu', 2),
  ('MGA', 'Malagasy ariary', 2),
  ('MKD', 'Denar', 2),
  ('MMK', 'Kyat', 2),
  ('MNT', 'Tugrik', 2),
  ('MOP', 'Pataca', 2),
  ('MRU', 'Ouguiya', 2),
  ('MUR', 'Mauritius rupee', 2),
  ('MVR', 'Rufiyaa', 2),
  ('MWK', 'Malawi kwacha', 2),
  ('MXN', 'Mexican peso', 2),
  ('MXV', 'Mexican unidad de inversion', 2),
  ('MYR', 'Malaysian ringgit', 2),
  ('MZN', 'Mozambique metical', 2),
  ('NAD', 'Namibia dollar', 2),
  ('NGN', 'Naira', 2),
  ('NIO', 'Cordoba oro', 2),
  ('NOK', 'Norwegian krone', 2),
  ('NPR', 'Nepalese rupee', 2),
  ('NZD', 'New Zealand dollar', 2),
  ('OMR', 'Rial Omani', 3),
  ('PAB', 'Balboa', 2),
  ('PEN', 'Sol', 2),
  ('PGK', 'Kina', 2),
  ('PHP', 'Philippine peso', 2),
  ('PKR', 'Pakistan rupee', 2),
  ('PLN', 'Zloty', 2),
  ('PYG', 'Guarani', 0),
  ('QAR', 'Qatari rial', 2),
  ('RON', 'Romanian leu', 2),
  ('RSD', 'Serbian dinar', 2),
  ('RUB', 'Russian ruble', 2),
  ('RWF', 'Rwanda franc', 0),
  ('SAR', 'Saudi riyal', 2),
  ('SBD', 'Solomon Islands dollar', 2),
  ('SCR', 'Seychelles rupee', 2),
  ('SDG', 'Sudanese pound', 2),
  ('SEK', 'Swedish krona', 2),
  ('SGD', 'Singapore dollar', 2),
  ('SHP', 'Saint Helena pound', 2),
  ('SLE', 'Leone', 2),
  ('SOS', 'Somali shilling', 2),
  ('SRD', 'Surinam dollar', 2),
  ('SSP', 'South Sudanese pound', 2),
  ('STN', 'Dobra', 2),
  ('SVC', 'El Salvador colon', 2),
  ('SYP', 'Syrian pound', 2),
  ('SZL', 'Lilangeni', 2),
  ('THB', 'Baht', 2),
  ('TJS', 'Somoni', 2),
  ('TMT', 'Turkmenistan new manat', 2),
  ('TND', 'Tunisian dinar', 3),
  ('TOP', 'Pa''anga', 2),
  ('TRY', 'Turkish lira', 2),
  ('TTD', 'Trinidad and Tobago dollar', 2),
  ('TWD', 'New Taiwan dollar', 2),
  ('TZS', 'Tanzanian shilling', 2),
  ('UAH', 'Hryvnia', 2),
  ('UGX', 'Uganda shilling', 0),
  ('USD', 'US dollar', 2),
  ('USN', 'US dollar (next day)', 2),
  ('UYI', 'Uruguay peso en unidades indexadas', 0),
  ('UYU', 'Peso uruguayo', 2),
  ('UYW', 'Unidad previsional', 4),
  ('UZS', 'Uzbekistan sum', 2),
  ('VED', 'Bolivar soberano', 2),
  ('VES', 'Bolivar soberano', 2),
  ('VND', 'Dong', 0),
  ('VUV', 'Vatu', 0),
  ('WST', 'Tala', 2),
  ('XAF', 'CFA franc BEAC', 0),
  ('XCD', 'East Caribbean dollar', 2),
  ('XCG', 'Caribbean guilder', 2),
  ('XOF', 'CFA franc BCEAO', 0),
  ('XPF', 'CFP franc', 0),
  ('YER', 'Yemeni rial', 2),
  ('ZAR', 'Rand', 2),
  ('ZMW', 'Zambian kwacha', 2),
  ('ZWG', 'Zimbabwe gold', 2);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  username TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT username_shape CHECK (length(username) BETWEEN 1 AND 64
      AND username NOT GLOB '*[^A-Za-z0-9._-]*'),
  display_name TEXT NOT NULL
    CONSTRAINT display_name_not_blank CHECK (length(trim(display_name)) BETWEEN 1 AND 255
      AND display_name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  email TEXT NULL
    CONSTRAINT email_shape CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254
      AND email GLOB '?*@?*.?*' AND email NOT GLOB '*@*@*'
      AND email NOT GLOB '*[ ,;<>()]*' AND email NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*'))),
  role TEXT NOT NULL DEFAULT 'staff'
    CONSTRAINT role_known CHECK (role IN ('owner', 'staff')),
  is_active INTEGER NOT NULL DEFAULT 1
    CONSTRAINT is_active_boolean CHECK (is_active IN (0, 1)),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)),
  deleted_at TEXT NULL
    CONSTRAINT deleted_at_format CHECK (deleted_at IS NULL OR deleted_at IS strftime('%Y-%m-%dT%H:%M:%fZ', deleted_at)),
  CONSTRAINT username_unique UNIQUE (username)
) STRICT;

CREATE TABLE categories (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL
    CONSTRAINT category_name_not_blank CHECK (length(trim(name)) BETWEEN 1 AND 255
      AND name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  parent_id INTEGER NULL REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)),
  CONSTRAINT category_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
) STRICT;
CREATE INDEX categories_parent ON categories (parent_id);
CREATE UNIQUE INDEX category_name_unique_in_parent
  ON categories (coalesce(parent_id, 0), name COLLATE NOCASE);

CREATE TABLE products (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  sku TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT sku_shape CHECK (length(sku) BETWEEN 1 AND 64 AND sku = trim(sku)
      AND sku NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  name TEXT NOT NULL
    CONSTRAINT name_not_blank CHECK (length(trim(name)) BETWEEN 1 AND 255)
    CONSTRAINT name_no_control_chars CHECK (name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  description TEXT NOT NULL DEFAULT ''
    CONSTRAINT description_length CHECK (length(description) <= 100000),
  price_minor INTEGER NOT NULL
    CONSTRAINT price_not_negative CHECK (price_minor >= 0)
    CONSTRAINT price_in_range CHECK (price_minor <= 1000000000000000),
  currency TEXT NOT NULL DEFAULT 'USD'
    REFERENCES currencies (code) ON DELETE RESTRICT ON UPDATE RESTRICT,
  stock INTEGER NOT NULL DEFAULT 0
    CONSTRAINT stock_not_negative CHECK (stock >= 0)
    CONSTRAINT stock_in_range CHECK (stock <= 1000000000),
  status TEXT NOT NULL DEFAULT 'draft'
    CONSTRAINT status_known CHECK (status IN ('draft', 'active', 'archived')),
  category_id INTEGER NULL REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  owner_id INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  barcode TEXT NULL
    CONSTRAINT barcode_digits CHECK (barcode IS NULL OR (length(barcode) BETWEEN 8 AND 14
      AND barcode NOT GLOB '*[^0-9]*')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT updated_at_format CHECK (updated_at IS strftime('%Y-%m-%dT%H:%M:%fZ', updated_at)),
  deleted_at TEXT NULL
    CONSTRAINT deleted_at_format CHECK (deleted_at IS NULL OR deleted_at IS strftime('%Y-%m-%dT%H:%M:%fZ', deleted_at)),
  version INTEGER NOT NULL DEFAULT 0
    CONSTRAINT version_not_negative CHECK (version >= 0),
  CONSTRAINT sku_unique UNIQUE (sku)
) STRICT;
CREATE INDEX products_category ON products (category_id);
CREATE INDEX products_owner ON products (owner_id);
CREATE INDEX products_currency ON products (currency);
CREATE INDEX products_barcode ON products (barcode) WHERE barcode IS NOT NULL;
-- Keyset pagination: one index per sort order, id as the tie-breaker.
CREATE INDEX products_by_name ON products (name COLLATE NOCASE, id);
CREATE INDEX products_by_price ON products (price_minor, id);
CREATE INDEX products_by_stock ON products (stock, id);
CREATE INDEX products_by_updated ON products (updated_at, id);
CREATE INDEX products_in_trash ON products (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  name TEXT NOT NULL COLLATE NOCASE
    CONSTRAINT tag_name_shape CHECK (length(name) BETWEEN 1 AND 64 AND name = trim(name)
      AND name NOT GLOB '*,*' AND name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  CONSTRAINT tag_name_unique UNIQUE (name)
) STRICT;

CREATE TABLE product_tags (
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  PRIMARY KEY (product_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX product_tags_tag ON product_tags (tag_id);

-- Original photos: the file lives at originals/<first 2 hex>/<sha256>.<ext>, derived from the
-- hash and the mime type, never from a stored path.
CREATE TABLE originals (
  sha256 TEXT PRIMARY KEY NOT NULL
    CONSTRAINT sha256_shape CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  byte_size INTEGER NOT NULL
    CONSTRAINT byte_size_positive CHECK (byte_size > 0),
  mime TEXT NOT NULL
    CONSTRAINT image_mime_known CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp',
      'image/gif', 'image/tiff', 'image/bmp')),
  width INTEGER NOT NULL
    CONSTRAINT width_in_range CHECK (width BETWEEN 1 AND 30000),
  height INTEGER NOT NULL
    CONSTRAINT height_in_range CHECK (height BETWEEN 1 AND 30000),
  file_name TEXT NOT NULL
    CONSTRAINT file_name_shape CHECK (length(file_name) BETWEEN 1 AND 1024
      AND file_name NOT GLOB ('*[' || char(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,127) || ']*')),
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT imported_at_format CHECK (imported_at IS strftime('%Y-%m-%dT%H:%M:%fZ', imported_at))
) STRICT, WITHOUT ROWID;

-- Thumbnails: about 256 px on the long side, capped at 64 KiB so the catalog stays small.
CREATE TABLE thumbnails (
  sha256 TEXT PRIMARY KEY NOT NULL REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  bytes BLOB NOT NULL
    CONSTRAINT thumbnail_size_cap CHECK (length(bytes) BETWEEN 1 AND 65536),
  mime TEXT NOT NULL
    CONSTRAINT thumbnail_mime_known CHECK (mime IN ('image/webp', 'image/jpeg', 'image/png')),
  width INTEGER NOT NULL
    CONSTRAINT thumbnail_width_range CHECK (width BETWEEN 1 AND 512),
  height INTEGER NOT NULL
    CONSTRAINT thumbnail_height_range CHECK (height BETWEEN 1 AND 512),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at))
) STRICT, WITHOUT ROWID;

CREATE TABLE product_images (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  sha256 TEXT NOT NULL REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  position INTEGER NOT NULL DEFAULT 0
    CONSTRAINT position_not_negative CHECK (position >= 0),
  alt_text TEXT NOT NULL DEFAULT ''
    CONSTRAINT alt_text_length CHECK (length(alt_text) <= 512),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT created_at_format CHECK (created_at IS strftime('%Y-%m-%dT%H:%M:%fZ', created_at)),
  deleted_at TEXT NULL
    CONSTRAINT deleted_at_format CHECK (deleted_at IS NULL OR deleted_at IS strftime('%Y-%m-%dT%H:%M:%fZ', deleted_at))
) STRICT;
CREATE UNIQUE INDEX product_image_once_per_product ON product_images (product_id, sha256);
CREATE INDEX product_images_by_position ON product_images (product_id, position);
CREATE INDEX product_images_sha256 ON product_images (sha256);

-- The logs. Append-only: triggers below refuse UPDATE and DELETE on both.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT at_format CHECK (at IS strftime('%Y-%m-%dT%H:%M:%fZ', at)),
  actor TEXT NOT NULL DEFAULT 'external'
    CONSTRAINT actor_not_blank CHECK (length(actor) BETWEEN 1 AND 64),
  actor_id INTEGER NULL, -- deliberately no foreign key: the log outlives its users
  table_name TEXT NOT NULL
    CONSTRAINT audit_table_name_not_blank CHECK (length(table_name) BETWEEN 1 AND 64),
  row_id ANY NOT NULL,
  action TEXT NOT NULL
    CONSTRAINT audit_action_known CHECK (action IN ('insert', 'update', 'delete')),
  old_values TEXT NULL
    CONSTRAINT old_values_json CHECK (old_values IS NULL OR json_valid(old_values)),
  new_values TEXT NULL
    CONSTRAINT new_values_json CHECK (new_values IS NULL OR json_valid(new_values))
) STRICT;
CREATE INDEX audit_log_by_row ON audit_log (table_name, row_id, id);

CREATE TABLE deletion_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  table_name TEXT NOT NULL
    CONSTRAINT deletion_table_name_not_blank CHECK (length(table_name) BETWEEN 1 AND 64),
  record_id ANY NOT NULL,
  deleted_by TEXT NOT NULL DEFAULT 'external'
    CONSTRAINT deleted_by_not_blank CHECK (length(deleted_by) BETWEEN 1 AND 64),
  deleted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
    CONSTRAINT deleted_at_format CHECK (deleted_at IS strftime('%Y-%m-%dT%H:%M:%fZ', deleted_at)),
  backup_data TEXT NOT NULL
    CONSTRAINT backup_data_json CHECK (json_valid(backup_data))
) STRICT;
CREATE INDEX deletion_log_by_record ON deletion_log (table_name, record_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log_append_only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log_append_only'); END;
CREATE TRIGGER deletion_log_no_update BEFORE UPDATE ON deletion_log
BEGIN SELECT RAISE(ABORT, 'deletion_log_append_only'); END;
CREATE TRIGGER deletion_log_no_delete BEFORE DELETE ON deletion_log
BEGIN SELECT RAISE(ABORT, 'deletion_log_append_only'); END;

-- Who is acting. SQLite has no session variables, so the app sets actor_id at the start of
-- each of its write transactions and clears it before commit; writes serialise, so no other
-- connection ever sees it set, and writes from other tools are logged as 'external'.
CREATE TABLE write_context (
  id INTEGER PRIMARY KEY NOT NULL
    CONSTRAINT write_context_single_row CHECK (id = 1),
  actor_id INTEGER NULL
) STRICT;
INSERT INTO write_context (id, actor_id) VALUES (1, NULL);
CREATE TRIGGER write_context_keep_row BEFORE DELETE ON write_context
BEGIN SELECT RAISE(ABORT, 'write_context_required'); END;

CREATE VIEW acting_user (id, username) AS
  SELECT u.id, coalesce(u.username, 'external')
  FROM write_context AS w LEFT JOIN users AS u ON u.id = w.actor_id
  WHERE w.id = 1;

-- Guards: nothing disappears by accident, and each refusal names its rule.
CREATE TRIGGER products_delete_only_from_trash BEFORE DELETE ON products
WHEN OLD.deleted_at IS NULL
BEGIN SELECT RAISE(ABORT, 'product_not_in_trash'); END;

CREATE TRIGGER products_id_is_fixed BEFORE UPDATE OF id ON products
WHEN NEW.id IS NOT OLD.id
BEGIN SELECT RAISE(ABORT, 'product_id_is_fixed'); END;

CREATE TRIGGER products_version_only_forward BEFORE UPDATE OF version ON products
WHEN NEW.version < OLD.version
BEGIN SELECT RAISE(ABORT, 'version_only_forward'); END;

CREATE TRIGGER product_images_delete_only_from_trash BEFORE DELETE ON product_images
WHEN OLD.deleted_at IS NULL
  AND (SELECT deleted_at FROM products WHERE id = OLD.product_id) IS NULL
BEGIN SELECT RAISE(ABORT, 'image_not_in_trash'); END;

CREATE TRIGGER users_delete_refused_while_owning BEFORE DELETE ON users
WHEN EXISTS (SELECT 1 FROM products WHERE owner_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'user_owns_products'); END;

CREATE TRIGGER categories_delete_refused_while_used BEFORE DELETE ON categories
WHEN EXISTS (SELECT 1 FROM products WHERE category_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'category_in_use'); END;

CREATE TRIGGER categories_delete_refused_with_children BEFORE DELETE ON categories
WHEN EXISTS (SELECT 1 FROM categories WHERE parent_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'category_has_children'); END;

CREATE TRIGGER categories_no_cycles BEFORE UPDATE OF parent_id ON categories
WHEN NEW.parent_id IS NOT NULL AND NEW.id IN (
  WITH RECURSIVE up(id) AS (
    SELECT NEW.parent_id
    UNION
    SELECT c.parent_id FROM categories AS c JOIN up ON c.id = up.id WHERE c.parent_id IS NOT NULL
  ) SELECT id FROM up)
BEGIN SELECT RAISE(ABORT, 'category_cycle'); END;

CREATE TRIGGER tags_delete_refused_while_used BEFORE DELETE ON tags
WHEN EXISTS (SELECT 1 FROM product_tags WHERE tag_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'tag_in_use'); END;

CREATE TRIGGER originals_delete_refused_while_used BEFORE DELETE ON originals
WHEN EXISTS (SELECT 1 FROM product_images WHERE sha256 = OLD.sha256)
BEGIN SELECT RAISE(ABORT, 'original_in_use'); END;

CREATE TRIGGER originals_are_immutable BEFORE UPDATE OF sha256, byte_size, mime ON originals
WHEN NEW.sha256 IS NOT OLD.sha256 OR NEW.byte_size IS NOT OLD.byte_size OR NEW.mime IS NOT OLD.mime
BEGIN SELECT RAISE(ABORT, 'original_is_immutable'); END;

-- users: audit and deletion log
CREATE TRIGGER users_audit_insert AFTER INSERT ON users
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'users', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'username', NEW.username, 'display_name', NEW.display_name, 'email', NEW.email, 'role', NEW.role, 'is_active', NEW.is_active, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER users_audit_update AFTER UPDATE ON users
WHEN OLD.id IS NOT NEW.id OR OLD.username IS NOT NEW.username OR OLD.display_name IS NOT NEW.display_name OR OLD.email IS NOT NEW.email OR OLD.role IS NOT NEW.role OR OLD.is_active IS NOT NEW.is_active OR OLD.created_at IS NOT NEW.created_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'users', NEW.id, 'update', json_object('id', OLD.id, 'username', OLD.username, 'display_name', OLD.display_name, 'email', OLD.email, 'role', OLD.role, 'is_active', OLD.is_active, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at), json_object('id', NEW.id, 'username', NEW.username, 'display_name', NEW.display_name, 'email', NEW.email, 'role', NEW.role, 'is_active', NEW.is_active, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER users_audit_delete AFTER DELETE ON users
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'users', OLD.id, 'delete', json_object('id', OLD.id, 'username', OLD.username, 'display_name', OLD.display_name, 'email', OLD.email, 'role', OLD.role, 'is_active', OLD.is_active, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER users_deletion_log BEFORE DELETE ON users
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'users', OLD.id, a.username, json_object('id', OLD.id, 'username', OLD.username, 'display_name', OLD.display_name, 'email', OLD.email, 'role', OLD.role, 'is_active', OLD.is_active, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at)
  FROM acting_user AS a;
END;

-- Edits from any client move updated_at (and the version, so a stale edit in the app is
-- detected even when the other edit came from another tool).
CREATE TRIGGER users_touch AFTER UPDATE ON users
WHEN NEW.updated_at IS OLD.updated_at AND NOT (OLD.id IS NEW.id AND OLD.username IS NEW.username AND OLD.display_name IS NEW.display_name AND OLD.email IS NEW.email AND OLD.role IS NEW.role AND OLD.is_active IS NEW.is_active AND OLD.created_at IS NEW.created_at AND OLD.deleted_at IS NEW.deleted_at)
BEGIN
  UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = NEW.id;
END;

-- categories: audit and deletion log
CREATE TRIGGER categories_audit_insert AFTER INSERT ON categories
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'categories', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'name', NEW.name, 'parent_id', NEW.parent_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER categories_audit_update AFTER UPDATE ON categories
WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.parent_id IS NOT NEW.parent_id OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'categories', NEW.id, 'update', json_object('id', OLD.id, 'name', OLD.name, 'parent_id', OLD.parent_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at), json_object('id', NEW.id, 'name', NEW.name, 'parent_id', NEW.parent_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER categories_audit_delete AFTER DELETE ON categories
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'categories', OLD.id, 'delete', json_object('id', OLD.id, 'name', OLD.name, 'parent_id', OLD.parent_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER categories_deletion_log BEFORE DELETE ON categories
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'categories', OLD.id, a.username, json_object('id', OLD.id, 'name', OLD.name, 'parent_id', OLD.parent_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at)
  FROM acting_user AS a;
END;

-- Edits from any client move updated_at (and the version, so a stale edit in the app is
-- detected even when the other edit came from another tool).
CREATE TRIGGER categories_touch AFTER UPDATE ON categories
WHEN NEW.updated_at IS OLD.updated_at AND NOT (OLD.id IS NEW.id AND OLD.name IS NEW.name AND OLD.parent_id IS NEW.parent_id AND OLD.created_at IS NEW.created_at)
BEGIN
  UPDATE categories SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = NEW.id;
END;

-- products: audit and deletion log
CREATE TRIGGER products_audit_insert AFTER INSERT ON products
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'sku', NEW.sku, 'name', NEW.name, 'description', NEW.description, 'price_minor', NEW.price_minor, 'currency', NEW.currency, 'stock', NEW.stock, 'status', NEW.status, 'category_id', NEW.category_id, 'owner_id', NEW.owner_id, 'barcode', NEW.barcode, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER products_audit_update AFTER UPDATE ON products
WHEN OLD.id IS NOT NEW.id OR OLD.sku IS NOT NEW.sku OR OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description OR OLD.price_minor IS NOT NEW.price_minor OR OLD.currency IS NOT NEW.currency OR OLD.stock IS NOT NEW.stock OR OLD.status IS NOT NEW.status OR OLD.category_id IS NOT NEW.category_id OR OLD.owner_id IS NOT NEW.owner_id OR OLD.barcode IS NOT NEW.barcode OR OLD.created_at IS NOT NEW.created_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', NEW.id, 'update', json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), json_object('id', NEW.id, 'sku', NEW.sku, 'name', NEW.name, 'description', NEW.description, 'price_minor', NEW.price_minor, 'currency', NEW.currency, 'stock', NEW.stock, 'status', NEW.status, 'category_id', NEW.category_id, 'owner_id', NEW.owner_id, 'barcode', NEW.barcode, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'version', NEW.version)
  FROM acting_user AS a;
END;

CREATE TRIGGER products_audit_delete AFTER DELETE ON products
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'products', OLD.id, 'delete', json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER products_deletion_log BEFORE DELETE ON products
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'products', OLD.id, a.username, json_object('id', OLD.id, 'sku', OLD.sku, 'name', OLD.name, 'description', OLD.description, 'price_minor', OLD.price_minor, 'currency', OLD.currency, 'stock', OLD.stock, 'status', OLD.status, 'category_id', OLD.category_id, 'owner_id', OLD.owner_id, 'barcode', OLD.barcode, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'deleted_at', OLD.deleted_at, 'version', OLD.version)
  FROM acting_user AS a;
END;

-- Edits from any client move updated_at (and the version, so a stale edit in the app is
-- detected even when the other edit came from another tool).
CREATE TRIGGER products_touch AFTER UPDATE ON products
WHEN NEW.version IS OLD.version AND NOT (OLD.id IS NEW.id AND OLD.sku IS NEW.sku AND OLD.name IS NEW.name AND OLD.description IS NEW.description AND OLD.price_minor IS NEW.price_minor AND OLD.currency IS NEW.currency AND OLD.stock IS NEW.stock AND OLD.status IS NEW.status AND OLD.category_id IS NEW.category_id AND OLD.owner_id IS NEW.owner_id AND OLD.barcode IS NEW.barcode AND OLD.created_at IS NEW.created_at AND OLD.deleted_at IS NEW.deleted_at)
BEGIN
  UPDATE products SET version = OLD.version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = NEW.id;
END;

-- tags: audit and deletion log
CREATE TRIGGER tags_audit_insert AFTER INSERT ON tags
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'tags', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'name', NEW.name, 'created_at', NEW.created_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER tags_audit_update AFTER UPDATE ON tags
WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'tags', NEW.id, 'update', json_object('id', OLD.id, 'name', OLD.name, 'created_at', OLD.created_at), json_object('id', NEW.id, 'name', NEW.name, 'created_at', NEW.created_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER tags_audit_delete AFTER DELETE ON tags
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'tags', OLD.id, 'delete', json_object('id', OLD.id, 'name', OLD.name, 'created_at', OLD.created_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER tags_deletion_log BEFORE DELETE ON tags
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'tags', OLD.id, a.username, json_object('id', OLD.id, 'name', OLD.name, 'created_at', OLD.created_at)
  FROM acting_user AS a;
END;

-- product_tags: audit and deletion log
CREATE TRIGGER product_tags_audit_insert AFTER INSERT ON product_tags
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_tags', NEW.product_id || ':' || NEW.tag_id, 'insert', NULL, json_object('product_id', NEW.product_id, 'tag_id', NEW.tag_id, 'created_at', NEW.created_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_tags_audit_update AFTER UPDATE ON product_tags
WHEN OLD.product_id IS NOT NEW.product_id OR OLD.tag_id IS NOT NEW.tag_id OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_tags', NEW.product_id || ':' || NEW.tag_id, 'update', json_object('product_id', OLD.product_id, 'tag_id', OLD.tag_id, 'created_at', OLD.created_at), json_object('product_id', NEW.product_id, 'tag_id', NEW.tag_id, 'created_at', NEW.created_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_tags_audit_delete AFTER DELETE ON product_tags
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_tags', OLD.product_id || ':' || OLD.tag_id, 'delete', json_object('product_id', OLD.product_id, 'tag_id', OLD.tag_id, 'created_at', OLD.created_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER product_tags_deletion_log BEFORE DELETE ON product_tags
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'product_tags', OLD.product_id || ':' || OLD.tag_id, a.username, json_object('product_id', OLD.product_id, 'tag_id', OLD.tag_id, 'created_at', OLD.created_at)
  FROM acting_user AS a;
END;

-- originals: audit and deletion log
CREATE TRIGGER originals_audit_insert AFTER INSERT ON originals
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', NEW.sha256, 'insert', NULL, json_object('sha256', NEW.sha256, 'byte_size', NEW.byte_size, 'mime', NEW.mime, 'width', NEW.width, 'height', NEW.height, 'file_name', NEW.file_name, 'imported_at', NEW.imported_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER originals_audit_update AFTER UPDATE ON originals
WHEN OLD.sha256 IS NOT NEW.sha256 OR OLD.byte_size IS NOT NEW.byte_size OR OLD.mime IS NOT NEW.mime OR OLD.width IS NOT NEW.width OR OLD.height IS NOT NEW.height OR OLD.file_name IS NOT NEW.file_name OR OLD.imported_at IS NOT NEW.imported_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', NEW.sha256, 'update', json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at), json_object('sha256', NEW.sha256, 'byte_size', NEW.byte_size, 'mime', NEW.mime, 'width', NEW.width, 'height', NEW.height, 'file_name', NEW.file_name, 'imported_at', NEW.imported_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER originals_audit_delete AFTER DELETE ON originals
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'originals', OLD.sha256, 'delete', json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER originals_deletion_log BEFORE DELETE ON originals
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'originals', OLD.sha256, a.username, json_object('sha256', OLD.sha256, 'byte_size', OLD.byte_size, 'mime', OLD.mime, 'width', OLD.width, 'height', OLD.height, 'file_name', OLD.file_name, 'imported_at', OLD.imported_at)
  FROM acting_user AS a;
END;

-- product_images: audit and deletion log
CREATE TRIGGER product_images_audit_insert AFTER INSERT ON product_images
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_images', NEW.id, 'insert', NULL, json_object('id', NEW.id, 'product_id', NEW.product_id, 'sha256', NEW.sha256, 'position', NEW.position, 'alt_text', NEW.alt_text, 'created_at', NEW.created_at, 'deleted_at', NEW.deleted_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_images_audit_update AFTER UPDATE ON product_images
WHEN OLD.id IS NOT NEW.id OR OLD.product_id IS NOT NEW.product_id OR OLD.sha256 IS NOT NEW.sha256 OR OLD.position IS NOT NEW.position OR OLD.alt_text IS NOT NEW.alt_text OR OLD.created_at IS NOT NEW.created_at OR OLD.deleted_at IS NOT NEW.deleted_at
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_images', NEW.id, 'update', json_object('id', OLD.id, 'product_id', OLD.product_id, 'sha256', OLD.sha256, 'position', OLD.position, 'alt_text', OLD.alt_text, 'created_at', OLD.created_at, 'deleted_at', OLD.deleted_at), json_object('id', NEW.id, 'product_id', NEW.product_id, 'sha256', NEW.sha256, 'position', NEW.position, 'alt_text', NEW.alt_text, 'created_at', NEW.created_at, 'deleted_at', NEW.deleted_at)
  FROM acting_user AS a;
END;

CREATE TRIGGER product_images_audit_delete AFTER DELETE ON product_images
BEGIN
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  SELECT a.username, a.id, 'product_images', OLD.id, 'delete', json_object('id', OLD.id, 'product_id', OLD.product_id, 'sha256', OLD.sha256, 'position', OLD.position, 'alt_text', OLD.alt_text, 'created_at', OLD.created_at, 'deleted_at', OLD.deleted_at), NULL
  FROM acting_user AS a;
END;

CREATE TRIGGER product_images_deletion_log BEFORE DELETE ON product_images
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  SELECT 'product_images', OLD.id, a.username, json_object('id', OLD.id, 'product_id', OLD.product_id, 'sha256', OLD.sha256, 'position', OLD.position, 'alt_text', OLD.alt_text, 'created_at', OLD.created_at, 'deleted_at', OLD.deleted_at)
  FROM acting_user AS a;
END;


-- Search: an FTS5 table with its own copy of the searchable text (it cannot be a foreign-key
-- parent or child; these triggers keep it in sync, and `check` runs its integrity-check).
-- rowid = products.id. Prefix indexes keep 2- and 3-letter search-as-you-type fast.
CREATE VIRTUAL TABLE product_search USING fts5 (
  sku, name, description, tags,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TRIGGER product_search_insert AFTER INSERT ON products
BEGIN
  INSERT INTO product_search (rowid, sku, name, description, tags)
  VALUES (NEW.id, NEW.sku, NEW.name, NEW.description, '');
END;

CREATE TRIGGER product_search_update AFTER UPDATE OF sku, name, description ON products
WHEN OLD.sku IS NOT NEW.sku OR OLD.name IS NOT NEW.name OR OLD.description IS NOT NEW.description
BEGIN
  UPDATE product_search SET sku = NEW.sku, name = NEW.name, description = NEW.description
  WHERE rowid = NEW.id;
END;

CREATE TRIGGER product_search_delete AFTER DELETE ON products
BEGIN
  DELETE FROM product_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER product_search_tag_added AFTER INSERT ON product_tags
BEGIN
  UPDATE product_search SET tags = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM product_tags AS pt
    JOIN tags AS t ON t.id = pt.tag_id WHERE pt.product_id = NEW.product_id)
  WHERE rowid = NEW.product_id;
END;

CREATE TRIGGER product_search_tag_removed AFTER DELETE ON product_tags
BEGIN
  UPDATE product_search SET tags = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM product_tags AS pt
    JOIN tags AS t ON t.id = pt.tag_id WHERE pt.product_id = OLD.product_id)
  WHERE rowid = OLD.product_id;
END;

CREATE TRIGGER product_search_tag_renamed AFTER UPDATE OF name ON tags
WHEN OLD.name IS NOT NEW.name
BEGIN
  UPDATE product_search SET tags = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM product_tags AS pt
    JOIN tags AS t ON t.id = pt.tag_id WHERE pt.product_id = product_search.rowid)
  WHERE rowid IN (SELECT product_id FROM product_tags WHERE tag_id = NEW.id);
END;
