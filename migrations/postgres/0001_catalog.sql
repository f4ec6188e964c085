-- 0001 (team server): the whole catalog on PostgreSQL 15, for a shop whose two to five
-- people share one catalog (issue 14). The contract is ../shared/design/catalog-rules.md,
-- with the same table, column and rule names as the SQLite migrations 0001 to 0009, so a
-- refusal names the same rule whichever engine refused it. Every rule is enforced by the
-- server against any client (psql, a script, the app), for every role.
--
-- Where the engines differ, the PostgreSQL way is used:
-- * Types are enforced by the column types themselves (bigint, timestamptz, jsonb, bytea):
--   the SQLite `*_format` CHECKs on timestamps have no counterpart, the type refuses a bad
--   date. Case-insensitive names (SKUs, usernames, handles, tags, option names and values)
--   are `citext`, which compares as SQLite's NOCASE does for the names sellers type.
-- * Who acts is the login: every person connects as their own role, and the logs record
--   `session_user`, mapped to `users.username` (SQLite has no sessions and needs its
--   `write_context` row). A role that maps to no user is logged under its role name.
-- * Derived data (the search documents, the SKU register, the rolled-up price and stock of
--   a product with variants, the change notifications) is written by statement-level
--   triggers from the statement's transition tables: one statement of 10,000 rows rolls up
--   and indexes in one pass, so nothing needs the deferral flags of SQLite 0004 and 0008.
-- * The one-SKU-space rule (`sku_taken`) is a unique register, `sellable_skus`, so two
--   people adding 'TEE-1' as a product and 'tee-1' as a variant at the same moment cannot
--   both succeed; a trigger that only looked would race under READ COMMITTED.
-- * Photos live in the server: `originals.bytes` holds the file, and the server checks that
--   its SHA-256 is the row's key, so a row without its file or a file under the wrong name
--   cannot exist.
-- * Grants: the groups `shelf_owner` and `shelf_staff` (created here if missing). Staff may
--   read and edit, put things in the trash and take them out; only owners may purge, manage
--   users or replace the catalog (a restore). The logs and derived tables are written only
--   by the triggers (SECURITY DEFINER functions owned by whoever ran this migration), so no
--   login can write, edit or delete a log row. Group roles are cluster-wide: one shop per
--   cluster (or per managed server).
--
-- Append-only, like the SQLite migrations: never edit this file once it has shipped.

CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shelf_staff') THEN
    CREATE ROLE shelf_staff NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'shelf_owner') THEN
    CREATE ROLE shelf_owner NOLOGIN;
  END IF;
END $$;

-- Shapes shared by many columns. A domain keeps its CHECK's name, and the columns that use
-- it read as what they are.
-- No control characters (U+0001 to U+001F and U+007F; PostgreSQL text cannot hold U+0000).
CREATE FUNCTION no_control_chars(value text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN value !~ '[\x01-\x1f\x7f]';

-- Reference data: ISO 4217 currencies with the number of minor units (digits after the point).
CREATE TABLE currencies (
  code text PRIMARY KEY NOT NULL
    CONSTRAINT currency_code_shape CHECK (code ~ '^[A-Z]{3}$'),
  name text NOT NULL
    CONSTRAINT currency_name_not_blank CHECK (length(btrim(name)) BETWEEN 1 AND 255),
  minor_units integer NOT NULL
    CONSTRAINT minor_units_range CHECK (minor_units BETWEEN 0 AND 4)
);

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
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  username citext NOT NULL
    CONSTRAINT username_shape CHECK (length(username) BETWEEN 1 AND 64
      AND username ~ '^[A-Za-z0-9._-]+$'),
  display_name text NOT NULL
    CONSTRAINT display_name_not_blank CHECK (length(btrim(display_name)) BETWEEN 1 AND 255
      AND no_control_chars(display_name)),
  email text NULL
    CONSTRAINT email_shape CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254
      AND email ~ '^[^@]+@[^@]+\.[^@]+$' AND email !~ '[ ,;<>()]' AND no_control_chars(email))),
  role text NOT NULL DEFAULT 'staff'
    CONSTRAINT role_known CHECK (role IN ('owner', 'staff')),
  is_active integer NOT NULL DEFAULT 1
    CONSTRAINT is_active_boolean CHECK (is_active IN (0, 1)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL,
  CONSTRAINT username_unique UNIQUE (username)
);

CREATE TABLE categories (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  name text NOT NULL
    CONSTRAINT category_name_not_blank CHECK (length(btrim(name)) BETWEEN 1 AND 255
      AND no_control_chars(name)),
  parent_id bigint NULL
    CONSTRAINT category_parent_exists REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT category_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent ON categories (parent_id);
CREATE UNIQUE INDEX category_name_unique_in_parent ON categories (coalesce(parent_id, 0), lower(name));

CREATE TABLE products (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  sku citext NOT NULL
    CONSTRAINT sku_shape CHECK (length(sku) BETWEEN 1 AND 64 AND sku::text = btrim(sku::text)
      AND no_control_chars(sku::text)),
  name text NOT NULL
    CONSTRAINT name_not_blank CHECK (length(btrim(name)) BETWEEN 1 AND 255)
    CONSTRAINT name_no_control_chars CHECK (no_control_chars(name)),
  description text NOT NULL DEFAULT ''
    CONSTRAINT description_length CHECK (length(description) <= 100000),
  price_minor bigint NOT NULL
    CONSTRAINT price_not_negative CHECK (price_minor >= 0)
    CONSTRAINT price_in_range CHECK (price_minor <= 1000000000000000),
  currency text NOT NULL DEFAULT 'USD'
    CONSTRAINT product_currency_known REFERENCES currencies (code) ON DELETE RESTRICT ON UPDATE RESTRICT,
  stock bigint NOT NULL DEFAULT 0
    CONSTRAINT stock_not_negative CHECK (stock >= 0)
    CONSTRAINT stock_in_range CHECK (stock <= 1000000000),
  status text NOT NULL DEFAULT 'draft'
    CONSTRAINT status_known CHECK (status IN ('draft', 'active', 'archived')),
  category_id bigint NULL
    CONSTRAINT product_category_exists REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  owner_id bigint NOT NULL
    CONSTRAINT product_owner_exists REFERENCES users (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  barcode text NULL
    CONSTRAINT barcode_digits CHECK (barcode IS NULL OR barcode ~ '^[0-9]{8,14}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL,
  version bigint NOT NULL DEFAULT 0
    CONSTRAINT version_not_negative CHECK (version >= 0),
  vendor text NULL
    CONSTRAINT vendor_shape CHECK (vendor IS NULL OR (length(vendor) BETWEEN 1 AND 255
      AND vendor = btrim(vendor) AND no_control_chars(vendor))),
  product_type text NULL
    CONSTRAINT product_type_shape CHECK (product_type IS NULL OR (length(product_type) BETWEEN 1 AND 255
      AND product_type = btrim(product_type) AND no_control_chars(product_type))),
  handle citext NULL
    CONSTRAINT handle_shape CHECK (handle IS NULL OR (length(handle) BETWEEN 1 AND 255
      AND handle::text = btrim(handle::text) AND handle::text !~ '[ /?#]' AND no_control_chars(handle::text))),
  compare_at_minor bigint NULL
    CONSTRAINT compare_at_not_negative CHECK (compare_at_minor IS NULL OR compare_at_minor BETWEEN 0 AND 1000000000000000),
  cost_minor bigint NULL
    CONSTRAINT cost_not_negative CHECK (cost_minor IS NULL OR cost_minor BETWEEN 0 AND 1000000000000000),
  weight_grams bigint NULL
    CONSTRAINT weight_not_negative CHECK (weight_grams IS NULL OR weight_grams BETWEEN 0 AND 1000000000),
  CONSTRAINT sku_unique UNIQUE (sku)
);
CREATE INDEX products_category ON products (category_id);
CREATE INDEX products_owner ON products (owner_id);
CREATE INDEX products_currency ON products (currency);
CREATE INDEX products_barcode ON products (barcode) WHERE barcode IS NOT NULL;
CREATE UNIQUE INDEX product_handle_unique ON products (handle) WHERE handle IS NOT NULL;
-- Keyset pagination: one index per sort order, id as the tie-breaker.
CREATE INDEX products_by_name ON products (lower(name), id);
CREATE INDEX products_by_sku ON products (lower(sku::text), id);
CREATE INDEX products_by_price ON products (price_minor, id);
CREATE INDEX products_by_stock ON products (stock, id);
CREATE INDEX products_by_updated ON products (updated_at, id);
CREATE INDEX products_in_trash ON products (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE tags (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  name citext NOT NULL
    CONSTRAINT tag_name_shape CHECK (length(name) BETWEEN 1 AND 64 AND name::text = btrim(name::text)
      AND strpos(name::text, ',') = 0 AND no_control_chars(name::text)),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tag_name_unique UNIQUE (name)
);

CREATE TABLE product_tags (
  product_id bigint NOT NULL
    CONSTRAINT product_tag_product_exists REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  tag_id bigint NOT NULL
    CONSTRAINT product_tag_tag_exists REFERENCES tags (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, tag_id)
);
CREATE INDEX product_tags_tag ON product_tags (tag_id);

-- Original photos, the file itself included: content-addressed, checked by the server.
CREATE TABLE originals (
  sha256 text PRIMARY KEY NOT NULL
    CONSTRAINT sha256_shape CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  byte_size bigint NOT NULL
    CONSTRAINT byte_size_positive CHECK (byte_size > 0),
  mime text NOT NULL
    CONSTRAINT image_mime_known CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp',
      'image/gif', 'image/tiff', 'image/bmp', 'image/heic', 'image/heif', 'image/avif')),
  width integer NOT NULL
    CONSTRAINT width_in_range CHECK (width BETWEEN 1 AND 30000),
  height integer NOT NULL
    CONSTRAINT height_in_range CHECK (height BETWEEN 1 AND 30000),
  file_name text NOT NULL
    CONSTRAINT file_name_shape CHECK (length(file_name) BETWEEN 1 AND 1024 AND no_control_chars(file_name)),
  imported_at timestamptz NOT NULL DEFAULT now(),
  rotation integer NOT NULL DEFAULT 0
    CONSTRAINT rotation_quarter_turns CHECK (rotation IN (0, 90, 180, 270)),
  -- The file: its size and its SHA-256 are the row's own, whoever writes it. (PostgreSQL
  -- checks a row's CHECKs in name order: a malformed hash is reported as sha256_shape first.)
  bytes bytea NOT NULL
    CONSTRAINT stored_bytes_match CHECK (octet_length(bytes) = byte_size
      AND encode(sha256(bytes), 'hex') = sha256)
);
-- The file is stored as it is: compressing a JPEG again gains nothing and costs CPU.
ALTER TABLE originals ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- Thumbnails: about 256 px on the long side, capped at 64 KiB.
CREATE TABLE thumbnails (
  sha256 text PRIMARY KEY NOT NULL
    CONSTRAINT thumbnail_original_exists REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  bytes bytea NOT NULL
    CONSTRAINT thumbnail_size_cap CHECK (octet_length(bytes) BETWEEN 1 AND 65536),
  mime text NOT NULL
    CONSTRAINT thumbnail_mime_known CHECK (mime IN ('image/webp', 'image/jpeg', 'image/png')),
  width integer NOT NULL
    CONSTRAINT thumbnail_width_range CHECK (width BETWEEN 1 AND 512),
  height integer NOT NULL
    CONSTRAINT thumbnail_height_range CHECK (height BETWEEN 1 AND 512),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_images (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  product_id bigint NOT NULL
    CONSTRAINT product_image_product_exists REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  sha256 text NOT NULL
    CONSTRAINT product_image_original_exists REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  position integer NOT NULL DEFAULT 0
    CONSTRAINT position_not_negative CHECK (position >= 0),
  alt_text text NOT NULL DEFAULT ''
    CONSTRAINT alt_text_length CHECK (length(alt_text) <= 512),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL
);
CREATE UNIQUE INDEX product_image_once_per_product ON product_images (product_id, sha256);
CREATE INDEX product_images_by_position ON product_images (product_id, position);
CREATE INDEX product_images_sha256 ON product_images (sha256);

CREATE TABLE product_options (
  product_id bigint NOT NULL
    CONSTRAINT product_option_product_exists REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  position integer NOT NULL
    CONSTRAINT option_position_range CHECK (position BETWEEN 1 AND 3),
  name citext NOT NULL
    CONSTRAINT option_name_shape CHECK (length(name) BETWEEN 1 AND 255 AND name::text = btrim(name::text)
      AND no_control_chars(name::text)),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (product_id, position),
  CONSTRAINT option_name_unique UNIQUE (product_id, name)
);

CREATE TABLE variants (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY NOT NULL,
  product_id bigint NOT NULL
    CONSTRAINT variant_product_exists REFERENCES products (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  sku citext NOT NULL
    CONSTRAINT sku_shape CHECK (length(sku) BETWEEN 1 AND 64 AND sku::text = btrim(sku::text)
      AND no_control_chars(sku::text)),
  position integer NOT NULL DEFAULT 0
    CONSTRAINT variant_position_range CHECK (position BETWEEN 0 AND 100000),
  option1 citext NULL,
  option2 citext NULL,
  option3 citext NULL,
  price_minor bigint NOT NULL
    CONSTRAINT price_not_negative CHECK (price_minor >= 0)
    CONSTRAINT price_in_range CHECK (price_minor <= 1000000000000000),
  compare_at_minor bigint NULL
    CONSTRAINT compare_at_not_negative CHECK (compare_at_minor IS NULL OR compare_at_minor BETWEEN 0 AND 1000000000000000),
  cost_minor bigint NULL
    CONSTRAINT cost_not_negative CHECK (cost_minor IS NULL OR cost_minor BETWEEN 0 AND 1000000000000000),
  stock bigint NOT NULL DEFAULT 0
    CONSTRAINT stock_not_negative CHECK (stock >= 0)
    CONSTRAINT stock_in_range CHECK (stock <= 1000000000),
  barcode text NULL
    CONSTRAINT barcode_digits CHECK (barcode IS NULL OR barcode ~ '^[0-9]{8,14}$'),
  weight_grams bigint NULL
    CONSTRAINT weight_not_negative CHECK (weight_grams IS NULL OR weight_grams BETWEEN 0 AND 1000000000),
  image_sha256 text NULL
    CONSTRAINT variant_image_exists REFERENCES originals (sha256) ON DELETE RESTRICT ON UPDATE RESTRICT,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz NULL,
  version bigint NOT NULL DEFAULT 0
    CONSTRAINT version_not_negative CHECK (version >= 0),
  -- One name for the rule on all three values, as in SQLite.
  CONSTRAINT option_value_shape CHECK (
    (option1 IS NULL OR (length(option1) BETWEEN 1 AND 255 AND option1::text = btrim(option1::text) AND no_control_chars(option1::text)))
    AND (option2 IS NULL OR (length(option2) BETWEEN 1 AND 255 AND option2::text = btrim(option2::text) AND no_control_chars(option2::text)))
    AND (option3 IS NULL OR (length(option3) BETWEEN 1 AND 255 AND option3::text = btrim(option3::text) AND no_control_chars(option3::text)))),
  CONSTRAINT variant_sku_unique UNIQUE (sku)
);
CREATE INDEX variants_of_product ON variants (product_id, position, id);
CREATE INDEX variants_image ON variants (image_sha256) WHERE image_sha256 IS NOT NULL;
CREATE INDEX variants_barcode ON variants (barcode) WHERE barcode IS NOT NULL;
CREATE INDEX variants_by_stock ON variants (stock, product_id) WHERE deleted_at IS NULL;
-- One live variant per combination (without case, like the option values themselves).
CREATE UNIQUE INDEX variant_combination_unique ON variants (product_id,
  coalesce(option1, ''), coalesce(option2, ''), coalesce(option3, '')) WHERE deleted_at IS NULL;

-- Every SKU a seller sells, products' and variants' alike, once: the register behind
-- `sku_taken`. Written only by the triggers below.
CREATE TABLE sellable_skus (
  sku citext NOT NULL CONSTRAINT sku_taken PRIMARY KEY,
  sold_by text NOT NULL
    CONSTRAINT sellable_sku_table_known CHECK (sold_by IN ('products', 'variants')),
  row_id bigint NOT NULL,
  CONSTRAINT sellable_sku_once_per_row UNIQUE (sold_by, row_id)
);

-- The logs. Append-only: triggers refuse UPDATE and DELETE, and no role may write them.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL DEFAULT 'external'
    CONSTRAINT actor_not_blank CHECK (length(actor) BETWEEN 1 AND 64),
  actor_id bigint NULL, -- deliberately no foreign key: the log outlives its users
  table_name text NOT NULL
    CONSTRAINT audit_table_name_not_blank CHECK (length(table_name) BETWEEN 1 AND 64),
  row_id text NOT NULL,
  action text NOT NULL
    CONSTRAINT audit_action_known CHECK (action IN ('insert', 'update', 'delete')),
  old_values jsonb NULL,
  new_values jsonb NULL
);
CREATE INDEX audit_log_by_row ON audit_log (table_name, row_id, id);

CREATE TABLE deletion_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY NOT NULL,
  table_name text NOT NULL
    CONSTRAINT deletion_table_name_not_blank CHECK (length(table_name) BETWEEN 1 AND 64),
  record_id text NOT NULL,
  deleted_by text NOT NULL DEFAULT 'external'
    CONSTRAINT deleted_by_not_blank CHECK (length(deleted_by) BETWEEN 1 AND 64),
  deleted_at timestamptz NOT NULL DEFAULT now(),
  backup_data jsonb NOT NULL
);
CREATE INDEX deletion_log_by_record ON deletion_log (table_name, record_id);

-- Which audit entries "Undo last change" has dealt with (SQLite 0005).
CREATE TABLE undo_log (
  audit_id bigint PRIMARY KEY NOT NULL
    CONSTRAINT undo_entry_exists REFERENCES audit_log (id) ON DELETE RESTRICT,
  role text NOT NULL
    CONSTRAINT undo_role_known CHECK (role IN ('reversed', 'written_by_undo'))
);

-- Per-catalog settings (SQLite 0002): small JSON values by key.
CREATE TABLE settings (
  key text PRIMARY KEY NOT NULL
    CONSTRAINT setting_key_shape CHECK (key ~ '^[a-z0-9_.]{1,64}$'),
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES ('default_currency', '"USD"');

-- Search: one document per product, kept by the triggers below. `words` is all its folded
-- text (lower case, accents removed) and `document` its tsvector, SKU and name weighted above
-- the rest: every typed word is a prefix query on it. `own_words` is the SKU and name alone,
-- which the ranking reads and the trigram index searches for fragments inside a SKU or a
-- word ("00123" of "MUG-000123"). No foreign key (as with SQLite's FTS table): a purge
-- deletes the document with the product.
CREATE TABLE product_search (
  product_id bigint PRIMARY KEY NOT NULL,
  own_words text NOT NULL,
  words text NOT NULL,
  document tsvector NOT NULL
);
CREATE INDEX product_search_document ON product_search USING gin (document);
CREATE INDEX product_search_own_words ON product_search USING gin (own_words gin_trgm_ops);

-- Refusals name their rule, as SQLite's RAISE(ABORT, <rule>) does: the rule is the message
-- and the error's constraint name, with SQLSTATE 23514 (check_violation).
CREATE FUNCTION refuse(rule text) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', rule USING ERRCODE = 'check_violation', CONSTRAINT = rule;
END $$;

-- For guards whose whole condition fits a trigger's WHEN: refuses with the rule named by
-- the trigger's first argument.
CREATE FUNCTION refuse_with() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refuse(TG_ARGV[0]);
  RETURN NULL;
END $$;

-- Who is acting: the login role, as its user row when there is one.
CREATE FUNCTION acting_user(OUT id bigint, OUT username text)
  LANGUAGE sql STABLE AS $$
    SELECT u.id, coalesce(u.username::text, session_user::text)
    FROM (SELECT 1) AS one LEFT JOIN users AS u ON u.username = session_user::citext
  $$;

-- A row's key as the logs record it: its key columns (the trigger's arguments) joined by ':'
-- ('12', '12:3', a SHA-256), as SQLite writes them.
CREATE FUNCTION row_key(r jsonb, columns text[]) RETURNS text
  LANGUAGE sql IMMUTABLE
  RETURN (SELECT string_agg(r ->> c, ':' ORDER BY n) FROM unnest(columns) WITH ORDINALITY AS k(c, n));

-- The audit log: one row per insert, update and delete on the seller's tables, old and new
-- values as JSON (without file bytes), the acting user. An update that changed nothing but
-- the bookkeeping (updated_at, version) writes nothing, as in SQLite.
CREATE FUNCTION log_audit() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD) - 'bytes';
  new_row jsonb := to_jsonb(NEW) - 'bytes';
  who record;
BEGIN
  IF TG_OP = 'UPDATE' AND old_row - 'updated_at' - 'version' = new_row - 'updated_at' - 'version' THEN
    RETURN NULL;
  END IF;
  SELECT * INTO who FROM acting_user();
  INSERT INTO audit_log (actor, actor_id, table_name, row_id, action, old_values, new_values)
  VALUES (who.username, who.id, TG_TABLE_NAME, row_key(coalesce(new_row, old_row), TG_ARGV),
    lower(TG_OP), old_row, new_row);
  RETURN NULL;
END $$;

-- The deletion log: the whole row as JSON, written before it goes.
CREATE FUNCTION log_deletion() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD) - 'bytes';
BEGIN
  INSERT INTO deletion_log (table_name, record_id, deleted_by, backup_data)
  VALUES (TG_TABLE_NAME, row_key(old_row, TG_ARGV), (SELECT username FROM acting_user()), old_row);
  RETURN OLD;
END $$;

-- Edits from any client move updated_at, and the version where there is one, so a stale
-- edit in the app is detected even when the other edit came from another tool.
CREATE FUNCTION touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
     AND to_jsonb(NEW) - 'updated_at' <> to_jsonb(OLD) - 'updated_at' THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION touch_version() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version = OLD.version
     AND to_jsonb(NEW) - 'updated_at' - 'version' <> to_jsonb(OLD) - 'updated_at' - 'version' THEN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END $$;

-- Guards: nothing disappears by accident, and each refusal names its rule.
-- A product image or a variant goes only from the trash, its own or its product's.
CREATE FUNCTION refuse_delete_outside_trash() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.deleted_at IS NULL AND (SELECT deleted_at FROM products WHERE id = OLD.product_id) IS NULL THEN
    PERFORM refuse(TG_ARGV[0]);
  END IF;
  RETURN OLD;
END $$;

CREATE FUNCTION users_refuse_delete_while_owning() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM products WHERE owner_id = OLD.id) THEN
    PERFORM refuse('user_owns_products');
  END IF;
  RETURN OLD;
END $$;

CREATE FUNCTION categories_refuse_delete_while_used() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM products WHERE category_id = OLD.id) THEN
    PERFORM refuse('category_in_use');
  END IF;
  IF EXISTS (SELECT 1 FROM categories WHERE parent_id = OLD.id) THEN
    PERFORM refuse('category_has_children');
  END IF;
  RETURN OLD;
END $$;

CREATE FUNCTION categories_refuse_cycles() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.parent_id IS NOT NULL AND NEW.id IN (
    WITH RECURSIVE up(id) AS (
      SELECT NEW.parent_id
      UNION
      SELECT c.parent_id FROM categories AS c JOIN up ON c.id = up.id WHERE c.parent_id IS NOT NULL
    ) SELECT up.id FROM up) THEN
    PERFORM refuse('category_cycle');
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION tags_refuse_delete_while_used() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM product_tags WHERE tag_id = OLD.id) THEN
    PERFORM refuse('tag_in_use');
  END IF;
  RETURN OLD;
END $$;

CREATE FUNCTION originals_refuse_delete_while_used() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM product_images WHERE sha256 = OLD.sha256)
     OR EXISTS (SELECT 1 FROM variants WHERE image_sha256 = OLD.sha256) THEN
    PERFORM refuse('original_in_use');
  END IF;
  RETURN OLD;
END $$;

-- An option can't be removed or moved while a variant (live or trashed) has a value for it.
CREATE FUNCTION product_options_refuse_change_while_used() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW.product_id <> OLD.product_id OR NEW.position <> OLD.position)
     AND EXISTS (SELECT 1 FROM variants AS v WHERE v.product_id = OLD.product_id
       AND CASE OLD.position WHEN 1 THEN v.option1 WHEN 2 THEN v.option2 ELSE v.option3 END IS NOT NULL) THEN
    PERFORM refuse('option_in_use');
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;

-- A variant exists only for a product that declares options, carries a value for each
-- option the product declares and none for any it does not, and its photo is one of its
-- product's photos.
CREATE FUNCTION variants_check_product() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  declared integer[] := ARRAY(SELECT o.position FROM product_options AS o WHERE o.product_id = NEW.product_id);
BEGIN
  IF TG_OP = 'INSERT' AND cardinality(declared) = 0 THEN
    PERFORM refuse('variant_needs_options');
  END IF;
  IF (NEW.option1 IS NOT NULL) <> (1 = ANY (declared))
     OR (NEW.option2 IS NOT NULL) <> (2 = ANY (declared))
     OR (NEW.option3 IS NOT NULL) <> (3 = ANY (declared)) THEN
    PERFORM refuse('variant_options_mismatch');
  END IF;
  IF NEW.image_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM product_images AS i
       WHERE i.product_id = NEW.product_id AND i.sha256 = NEW.image_sha256) THEN
    PERFORM refuse('variant_image_not_of_product');
  END IF;
  RETURN NEW;
END $$;

-- A product with options sells through its variants: its price is their lowest and its
-- stock their total, and nothing else may be written there.
CREATE FUNCTION products_check_sell_through_variants() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  lowest bigint;
  total bigint;
BEGIN
  IF EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = NEW.id) THEN
    SELECT min(v.price_minor), coalesce(sum(v.stock), 0) INTO lowest, total
      FROM variants AS v WHERE v.product_id = NEW.id AND v.deleted_at IS NULL;
    IF NEW.stock <> total OR NEW.price_minor <> coalesce(lowest, OLD.price_minor) THEN
      PERFORM refuse('product_sells_through_variants');
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION settings_check_currency() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM currencies WHERE code = NEW.value #>> '{}') THEN
    PERFORM refuse('currency_unknown');
  END IF;
  RETURN NEW;
END $$;

-- The SKU register: every SKU in products or variants, once, whatever the case.
CREATE FUNCTION register_skus() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM sellable_skus AS s USING old_rows AS o
      WHERE s.sold_by = TG_TABLE_NAME AND s.row_id = o.id;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM sellable_skus AS s USING old_rows AS o JOIN new_rows AS n ON n.id = o.id
      WHERE s.sold_by = TG_TABLE_NAME AND s.row_id = o.id AND o.sku::text <> n.sku::text;
  END IF;
  INSERT INTO sellable_skus (sku, sold_by, row_id)
    SELECT n.sku, TG_TABLE_NAME, n.id FROM new_rows AS n
    WHERE NOT EXISTS (SELECT 1 FROM sellable_skus AS s WHERE s.sold_by = TG_TABLE_NAME AND s.row_id = n.id);
  RETURN NULL;
END $$;

-- The rolled-up price and stock of products with options: their live variants' lowest
-- price and total stock, written only when a value changes, with the version bump in the
-- same statement.
CREATE FUNCTION roll_up(product_ids bigint[]) RETURNS void
  LANGUAGE sql AS $$
  UPDATE products AS p SET
    price_minor = coalesce(a.lowest, p.price_minor), stock = a.total,
    version = p.version + 1, updated_at = now()
  FROM (SELECT ids.id, min(v.price_minor) AS lowest, coalesce(sum(v.stock), 0)::bigint AS total
        FROM unnest(product_ids) AS ids(id)
        LEFT JOIN variants AS v ON v.product_id = ids.id AND v.deleted_at IS NULL
        GROUP BY ids.id) AS a
  WHERE p.id = a.id AND EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = p.id)
    AND (p.price_minor <> coalesce(a.lowest, p.price_minor) OR p.stock <> a.total)
$$;

CREATE FUNCTION roll_up_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM roll_up(ARRAY(SELECT DISTINCT product_id FROM old_rows));
  ELSE
    PERFORM roll_up(ARRAY(SELECT DISTINCT product_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;

-- Search: the folded text and document of each product, its live variants' SKUs,
-- barcodes and option values and its tags included.
CREATE FUNCTION fold(value text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN lower(unaccent(value));

-- The products' ids are joined, not matched with = ANY: a push indexes 100,000 at once, and
-- an edit one, and hash and nested-loop joins serve both.
CREATE FUNCTION index_products(product_ids bigint[]) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM product_search AS s USING unnest(product_ids) AS ids(id)
    WHERE s.product_id = ids.id AND NOT EXISTS (SELECT 1 FROM products AS p WHERE p.id = ids.id);
  WITH ids AS (SELECT DISTINCT unnest(product_ids) AS id),
  tagged AS (
    SELECT pt.product_id, string_agg(tg.name, ' ') AS names
    FROM ids JOIN product_tags AS pt ON pt.product_id = ids.id JOIN tags AS tg ON tg.id = pt.tag_id
    GROUP BY pt.product_id),
  sold_as AS (
    SELECT v.product_id, string_agg(concat_ws(' ', v.sku, v.barcode, v.option1, v.option2, v.option3), ' ') AS words
    FROM ids JOIN variants AS v ON v.product_id = ids.id WHERE v.deleted_at IS NULL
    GROUP BY v.product_id),
  t AS (
    SELECT p.id, fold(p.sku || ' ' || p.name) AS own,
      fold(p.description || ' ' || coalesce(tagged.names, '') || ' ' || coalesce(sold_as.words, '')) AS rest
    FROM ids JOIN products AS p ON p.id = ids.id
    LEFT JOIN tagged ON tagged.product_id = p.id LEFT JOIN sold_as ON sold_as.product_id = p.id)
  INSERT INTO product_search (product_id, own_words, words, document)
  SELECT t.id, t.own, t.own || ' ' || t.rest,
    setweight(to_tsvector('simple', t.own), 'A') || setweight(to_tsvector('simple', t.rest), 'B')
  FROM t
  ON CONFLICT (product_id) DO UPDATE SET own_words = EXCLUDED.own_words, words = EXCLUDED.words,
    document = EXCLUDED.document
$$;

-- Which products a statement's rows belong to: the trigger's argument names the column
-- ('id' on products, 'product_id' on their children, 'tag_id' on tags via product_tags).
CREATE FUNCTION index_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_TABLE_NAME = 'tags' THEN
    ids := ARRAY(SELECT DISTINCT pt.product_id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
      JOIN product_tags AS pt ON pt.tag_id = n.id WHERE n.name::text <> o.name::text);
  ELSIF TG_TABLE_NAME = 'products' AND TG_OP = 'UPDATE' THEN
    ids := ARRAY(SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
      WHERE (n.sku::text, n.name, n.description) IS DISTINCT FROM (o.sku::text, o.name, o.description));
  ELSIF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT (to_jsonb(o) ->> TG_ARGV[0])::bigint FROM old_rows AS o);
  ELSE
    ids := ARRAY(SELECT DISTINCT (to_jsonb(n) ->> TG_ARGV[0])::bigint FROM new_rows AS n);
  END IF;
  IF cardinality(ids) > 0 THEN
    PERFORM index_products(ids);
  END IF;
  RETURN NULL;
END $$;

-- Change notifications for the other open windows: on commit, each statement's table and
-- the products it touched, on channel 'shelf_changes'. More than 500 products in one
-- statement are sent as "ids": null (look again at everything), inside NOTIFY's 8000 bytes.
CREATE FUNCTION notify_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT (to_jsonb(o) ->> TG_ARGV[0])::bigint FROM old_rows AS o LIMIT 501);
  ELSE
    ids := ARRAY(SELECT DISTINCT (to_jsonb(n) ->> TG_ARGV[0])::bigint FROM new_rows AS n LIMIT 501);
  END IF;
  IF cardinality(ids) > 0 THEN
    PERFORM pg_notify('shelf_changes', json_build_object('table', TG_TABLE_NAME,
      'ids', CASE WHEN cardinality(ids) > 500 THEN NULL ELSE to_json(ids) END)::text);
  END IF;
  RETURN NULL;
END $$;

-- The logs refuse every change but an insert, whoever asks (TRUNCATE included).
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_with('audit_log_append_only');
CREATE TRIGGER deletion_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON deletion_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_with('deletion_log_append_only');

-- Guards.
CREATE TRIGGER products_delete_only_from_trash BEFORE DELETE ON products
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION refuse_with('product_not_in_trash');
CREATE TRIGGER products_id_is_fixed BEFORE UPDATE OF id ON products
  FOR EACH ROW WHEN (NEW.id <> OLD.id) EXECUTE FUNCTION refuse_with('product_id_is_fixed');
CREATE TRIGGER products_version_only_forward BEFORE UPDATE OF version ON products
  FOR EACH ROW WHEN (NEW.version < OLD.version) EXECUTE FUNCTION refuse_with('version_only_forward');
CREATE TRIGGER products_sell_through_variants BEFORE UPDATE OF price_minor, stock ON products
  FOR EACH ROW EXECUTE FUNCTION products_check_sell_through_variants();
CREATE TRIGGER product_images_delete_only_from_trash BEFORE DELETE ON product_images
  FOR EACH ROW EXECUTE FUNCTION refuse_delete_outside_trash('image_not_in_trash');
CREATE TRIGGER variants_delete_only_from_trash BEFORE DELETE ON variants
  FOR EACH ROW EXECUTE FUNCTION refuse_delete_outside_trash('variant_not_in_trash');
CREATE TRIGGER variants_id_is_fixed BEFORE UPDATE OF id, product_id ON variants
  FOR EACH ROW WHEN (NEW.id <> OLD.id OR NEW.product_id <> OLD.product_id)
  EXECUTE FUNCTION refuse_with('variant_id_is_fixed');
CREATE TRIGGER variants_version_only_forward BEFORE UPDATE OF version ON variants
  FOR EACH ROW WHEN (NEW.version < OLD.version) EXECUTE FUNCTION refuse_with('version_only_forward');
CREATE TRIGGER variants_check_product BEFORE INSERT OR UPDATE OF option1, option2, option3, image_sha256 ON variants
  FOR EACH ROW EXECUTE FUNCTION variants_check_product();
CREATE TRIGGER product_options_fixed_while_used BEFORE UPDATE OF product_id, position OR DELETE ON product_options
  FOR EACH ROW EXECUTE FUNCTION product_options_refuse_change_while_used();
CREATE TRIGGER users_delete_refused_while_owning BEFORE DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION users_refuse_delete_while_owning();
CREATE TRIGGER categories_delete_refused_while_used BEFORE DELETE ON categories
  FOR EACH ROW EXECUTE FUNCTION categories_refuse_delete_while_used();
CREATE TRIGGER categories_no_cycles BEFORE UPDATE OF parent_id ON categories
  FOR EACH ROW EXECUTE FUNCTION categories_refuse_cycles();
CREATE TRIGGER tags_delete_refused_while_used BEFORE DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION tags_refuse_delete_while_used();
CREATE TRIGGER originals_delete_refused_while_used BEFORE DELETE ON originals
  FOR EACH ROW EXECUTE FUNCTION originals_refuse_delete_while_used();
CREATE TRIGGER originals_are_immutable BEFORE UPDATE OF sha256, byte_size, mime, bytes ON originals
  FOR EACH ROW WHEN (NEW.sha256 <> OLD.sha256 OR NEW.byte_size <> OLD.byte_size OR NEW.mime <> OLD.mime
    OR NEW.bytes <> OLD.bytes)
  EXECUTE FUNCTION refuse_with('original_is_immutable');
CREATE TRIGGER settings_currency_known BEFORE INSERT OR UPDATE ON settings
  FOR EACH ROW WHEN (NEW.key = 'default_currency') EXECUTE FUNCTION settings_check_currency();
-- Nothing is ever emptied wholesale: TRUNCATE skips the row triggers above.
CREATE TRIGGER products_no_truncate BEFORE TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_with('product_not_in_trash');
CREATE TRIGGER variants_no_truncate BEFORE TRUNCATE ON variants
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_with('variant_not_in_trash');
CREATE TRIGGER product_images_no_truncate BEFORE TRUNCATE ON product_images
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_with('image_not_in_trash');

-- Bookkeeping: updated_at and version follow every edit.
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER categories_touch BEFORE UPDATE ON categories FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER product_options_touch BEFORE UPDATE ON product_options FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER settings_touch BEFORE UPDATE ON settings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION touch_version();
CREATE TRIGGER variants_touch BEFORE UPDATE ON variants FOR EACH ROW EXECUTE FUNCTION touch_version();

-- The audit and deletion logs of every seller's table; the arguments name the row's key.
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER users_deletion_log BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION log_deletion('id');
CREATE TRIGGER categories_audit AFTER INSERT OR UPDATE OR DELETE ON categories FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER categories_deletion_log BEFORE DELETE ON categories FOR EACH ROW EXECUTE FUNCTION log_deletion('id');
CREATE TRIGGER products_audit AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER products_deletion_log BEFORE DELETE ON products FOR EACH ROW EXECUTE FUNCTION log_deletion('id');
CREATE TRIGGER tags_audit AFTER INSERT OR UPDATE OR DELETE ON tags FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER tags_deletion_log BEFORE DELETE ON tags FOR EACH ROW EXECUTE FUNCTION log_deletion('id');
CREATE TRIGGER product_tags_audit AFTER INSERT OR UPDATE OR DELETE ON product_tags FOR EACH ROW EXECUTE FUNCTION log_audit('product_id', 'tag_id');
CREATE TRIGGER product_tags_deletion_log BEFORE DELETE ON product_tags FOR EACH ROW EXECUTE FUNCTION log_deletion('product_id', 'tag_id');
CREATE TRIGGER originals_audit AFTER INSERT OR UPDATE OR DELETE ON originals FOR EACH ROW EXECUTE FUNCTION log_audit('sha256');
CREATE TRIGGER originals_deletion_log BEFORE DELETE ON originals FOR EACH ROW EXECUTE FUNCTION log_deletion('sha256');
CREATE TRIGGER product_images_audit AFTER INSERT OR UPDATE OR DELETE ON product_images FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER product_images_deletion_log BEFORE DELETE ON product_images FOR EACH ROW EXECUTE FUNCTION log_deletion('id');
CREATE TRIGGER product_options_audit AFTER INSERT OR UPDATE OR DELETE ON product_options FOR EACH ROW EXECUTE FUNCTION log_audit('product_id', 'position');
CREATE TRIGGER product_options_deletion_log BEFORE DELETE ON product_options FOR EACH ROW EXECUTE FUNCTION log_deletion('product_id', 'position');
CREATE TRIGGER variants_audit AFTER INSERT OR UPDATE OR DELETE ON variants FOR EACH ROW EXECUTE FUNCTION log_audit('id');
CREATE TRIGGER variants_deletion_log BEFORE DELETE ON variants FOR EACH ROW EXECUTE FUNCTION log_deletion('id');

-- Derived data, a statement at a time. (PostgreSQL allows transition tables only on
-- triggers of one event, hence three triggers where one function serves.)
CREATE TRIGGER products_skus_insert AFTER INSERT ON products REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();
CREATE TRIGGER products_skus_update AFTER UPDATE ON products REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();
CREATE TRIGGER products_skus_delete AFTER DELETE ON products REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();
CREATE TRIGGER variants_skus_insert AFTER INSERT ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();
CREATE TRIGGER variants_skus_update AFTER UPDATE ON variants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();
CREATE TRIGGER variants_skus_delete AFTER DELETE ON variants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION register_skus();

CREATE TRIGGER variants_roll_up_insert AFTER INSERT ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_changed();
CREATE TRIGGER variants_roll_up_update AFTER UPDATE ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_changed();
CREATE TRIGGER variants_roll_up_delete AFTER DELETE ON variants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_changed();
CREATE TRIGGER product_options_roll_up AFTER INSERT ON product_options REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION roll_up_changed();

CREATE TRIGGER products_search_insert AFTER INSERT ON products REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('id');
CREATE TRIGGER products_search_update AFTER UPDATE ON products REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('id');
CREATE TRIGGER products_search_delete AFTER DELETE ON products REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('id');
CREATE TRIGGER product_tags_search_insert AFTER INSERT ON product_tags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('product_id');
CREATE TRIGGER product_tags_search_delete AFTER DELETE ON product_tags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('product_id');
CREATE TRIGGER tags_search_update AFTER UPDATE ON tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('id');
CREATE TRIGGER variants_search_insert AFTER INSERT ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('product_id');
CREATE TRIGGER variants_search_update AFTER UPDATE ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('product_id');
CREATE TRIGGER variants_search_delete AFTER DELETE ON variants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION index_changed('product_id');

CREATE TRIGGER products_notify_insert AFTER INSERT ON products REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER products_notify_update AFTER UPDATE ON products REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER products_notify_delete AFTER DELETE ON products REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('id');
CREATE TRIGGER variants_notify_insert AFTER INSERT ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER variants_notify_update AFTER UPDATE ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER variants_notify_delete AFTER DELETE ON variants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_images_notify_insert AFTER INSERT ON product_images REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_images_notify_update AFTER UPDATE ON product_images REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_images_notify_delete AFTER DELETE ON product_images REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_tags_notify_insert AFTER INSERT ON product_tags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_tags_notify_delete AFTER DELETE ON product_tags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_options_notify_insert AFTER INSERT ON product_options REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_options_notify_update AFTER UPDATE ON product_options REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');
CREATE TRIGGER product_options_notify_delete AFTER DELETE ON product_options REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_changed('product_id');

-- Grants. Nothing for PUBLIC; staff read everything and edit the catalog; owners also
-- purge, manage users and settings and replace the catalog. Neither group writes the logs,
-- the register or the search documents: the triggers do.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO shelf_staff, shelf_owner;
GRANT USAGE ON SCHEMA public TO shelf_staff, shelf_owner;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO shelf_staff, shelf_owner;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO shelf_staff, shelf_owner;
GRANT INSERT, UPDATE ON products, variants, product_options, product_images, product_tags,
  tags, categories, originals, thumbnails, undo_log TO shelf_staff, shelf_owner;
-- Staff take tags and options off a product and tidy unused tags and categories; the
-- guards above refuse anything still in use.
GRANT DELETE ON product_tags, product_options, tags, categories TO shelf_staff, shelf_owner;
-- Owners only: purging from the trash, users, settings.
GRANT DELETE ON products, variants, product_images, originals, thumbnails TO shelf_owner;
GRANT INSERT, UPDATE, DELETE ON users TO shelf_owner;
GRANT INSERT, UPDATE ON settings TO shelf_owner;
