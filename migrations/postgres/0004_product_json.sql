-- One product, whole, as the editor shows it (`catalog::products::Product`): its row, its
-- currency's decimal places, its category's path, its tags, its first photo, its options
-- with the values its live variants use, and those variants. One call, so opening a product
-- on a team server costs one round trip; psql can call it too.

-- A time as the SQLite catalog writes it: 2026-12-02T15:58:01.123Z.
CREATE FUNCTION iso_ms(at timestamptz) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- `Kitchen > Mugs > Large`, from the top.
CREATE FUNCTION category_path(category bigint) RETURNS text
  LANGUAGE sql STABLE STRICT AS $$
  WITH RECURSIVE up(id, name, parent_id, depth) AS (
    SELECT id, name::text, parent_id, 0 FROM categories WHERE id = category
    UNION ALL
    SELECT c.id, c.name::text, c.parent_id, up.depth + 1 FROM categories AS c JOIN up ON c.id = up.parent_id)
  SELECT string_agg(name, ' > ' ORDER BY depth DESC) FROM up
$$;

CREATE FUNCTION variant_json(v variants) RETURNS json
  LANGUAGE sql STABLE AS $$
  SELECT json_build_object('id', v.id, 'product_id', v.product_id, 'sku', v.sku::text,
    'position', v.position, 'option1', v.option1::text, 'option2', v.option2::text,
    'option3', v.option3::text, 'price_minor', v.price_minor,
    'compare_at_minor', v.compare_at_minor, 'cost_minor', v.cost_minor, 'stock', v.stock,
    'barcode', v.barcode, 'weight_grams', v.weight_grams, 'image_sha256', v.image_sha256,
    'created_at', iso_ms(v.created_at), 'updated_at', iso_ms(v.updated_at),
    'deleted_at', iso_ms(v.deleted_at), 'version', v.version)
$$;

-- An option's values: those its live variants use, in variant order, each once (the first
-- spelling, compared without case).
CREATE FUNCTION option_values(product bigint, option_position integer) RETURNS json
  LANGUAGE sql STABLE AS $$
  SELECT coalesce(json_agg(value ORDER BY first), '[]'::json)
  FROM (SELECT DISTINCT ON (lower(value)) value, first
        FROM (SELECT (ARRAY[v.option1::text, v.option2::text, v.option3::text])[option_position] AS value,
                row_number() OVER (ORDER BY v.position, v.id) AS first
              FROM variants AS v WHERE v.product_id = product AND v.deleted_at IS NULL) AS used
        WHERE value IS NOT NULL ORDER BY lower(value), first) AS once
$$;

CREATE FUNCTION product_json(product bigint) RETURNS json
  LANGUAGE sql STABLE AS $$
  SELECT json_build_object('id', p.id, 'sku', p.sku::text, 'name', p.name,
    'description', p.description, 'price_minor', p.price_minor, 'currency', p.currency,
    'minor_units', c.minor_units, 'stock', p.stock, 'status', p.status,
    'category_id', p.category_id, 'category_path', category_path(p.category_id),
    'owner_id', p.owner_id, 'barcode', p.barcode,
    'tags', coalesce((SELECT json_agg(t.name::text ORDER BY t.name)
                      FROM product_tags AS pt JOIN tags AS t ON t.id = pt.tag_id
                      WHERE pt.product_id = p.id), '[]'::json),
    'primary_image', (SELECT i.sha256 FROM product_images AS i
                      WHERE i.product_id = p.id AND i.deleted_at IS NULL
                      ORDER BY i.position, i.id LIMIT 1),
    'shop', json_build_object('vendor', p.vendor, 'product_type', p.product_type,
      'handle', p.handle::text, 'compare_at_minor', p.compare_at_minor,
      'cost_minor', p.cost_minor, 'weight_grams', p.weight_grams),
    'options', coalesce((SELECT json_agg(json_build_object('position', o.position, 'name', o.name::text,
                           'values', option_values(p.id, o.position)) ORDER BY o.position)
                         FROM product_options AS o WHERE o.product_id = p.id), '[]'::json),
    -- Without options a product sells as itself, and the editor lists no variants.
    'variants', CASE WHEN EXISTS (SELECT 1 FROM product_options AS o WHERE o.product_id = p.id)
      THEN coalesce((SELECT json_agg(variant_json(v) ORDER BY v.position, v.id)
                     FROM variants AS v WHERE v.product_id = p.id AND v.deleted_at IS NULL), '[]'::json)
      ELSE '[]'::json END,
    'created_at', iso_ms(p.created_at), 'updated_at', iso_ms(p.updated_at),
    'deleted_at', iso_ms(p.deleted_at), 'version', p.version)
  FROM products AS p JOIN currencies AS c ON c.code = p.currency
  WHERE p.id = product
$$;

REVOKE ALL ON FUNCTION iso_ms(timestamptz), category_path(bigint), variant_json(variants),
  option_values(bigint, integer), product_json(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION iso_ms(timestamptz), category_path(bigint), variant_json(variants),
  option_values(bigint, integer), product_json(bigint) TO shelf_staff, shelf_owner;
