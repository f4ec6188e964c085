//! The column names each layout is known by, compared after [`super::layout::normalise`].

use super::layout::Field;

/// A seller's own spreadsheet, or another shop's export: the names they commonly give each
/// column (WooCommerce's `Regular price` and `Stock`, Etsy's `TITLE`, `QUANTITY` and
/// `CURRENCY_CODE`, `EAN` for barcodes), compared without case, `_` read as a space.
pub const GENERIC_NAMES: &[(&str, Field)] = &[
    ("sku", Field::Sku),
    ("item sku", Field::Sku),
    ("product sku", Field::Sku),
    ("name", Field::Name),
    ("title", Field::Name),
    ("product name", Field::Name),
    ("description", Field::Description),
    ("price", Field::Price),
    ("regular price", Field::Price),
    ("currency", Field::Currency),
    ("currency code", Field::Currency),
    ("stock", Field::Stock),
    ("quantity", Field::Stock),
    ("qty", Field::Stock),
    ("stock quantity", Field::Stock),
    ("status", Field::Status),
    ("category", Field::Category),
    ("tags", Field::Tags),
    ("barcode", Field::Barcode),
    ("ean", Field::Barcode),
    ("gtin", Field::Barcode),
    ("upc", Field::Barcode),
    ("images", Field::Images),
    ("vendor", Field::Vendor),
    ("type", Field::ProductType),
    ("product type", Field::ProductType),
    ("handle", Field::Handle),
    ("compare at price", Field::CompareAt),
    ("compare-at price", Field::CompareAt),
    ("cost", Field::Cost),
    ("weight grams", Field::Weight),
];

/// Both Shopify layouts' names; the two never disagree on a meaning, so one table serves.
pub const SHOPIFY_NAMES: &[(&str, Field)] = &[
    ("handle", Field::Handle),
    ("url handle", Field::Handle),
    ("title", Field::Name),
    ("body (html)", Field::Description),
    ("description", Field::Description),
    ("vendor", Field::Vendor),
    ("variant sku", Field::Sku),
    ("sku", Field::Sku),
    ("variant price", Field::Price),
    ("price", Field::Price),
    ("variant compare at price", Field::CompareAt),
    ("compare-at price", Field::CompareAt),
    ("cost per item", Field::Cost),
    ("variant grams", Field::Weight),
    ("weight value (grams)", Field::Weight),
    ("variant inventory qty", Field::Stock),
    ("inventory quantity", Field::Stock),
    ("status", Field::Status),
    ("published", Field::Published),
    ("published on online store", Field::Published),
    ("product category", Field::Category),
    ("type", Field::ProductType),
    ("tags", Field::Tags),
    ("variant barcode", Field::Barcode),
    ("barcode", Field::Barcode),
    ("image src", Field::ImageSrc),
    ("product image url", Field::ImageSrc),
    ("image position", Field::ImagePosition),
    ("image alt text", Field::ImageAlt),
    ("variant image", Field::VariantImage),
    ("variant image url", Field::VariantImage),
    ("option1 name", Field::Option1Name),
    ("option1 value", Field::Option1Value),
    ("option2 name", Field::Option2Name),
    ("option2 value", Field::Option2Value),
    ("option3 name", Field::Option3Name),
    ("option3 value", Field::Option3Value),
];

/// WooCommerce's exporter (and importer) column names; weights are matched by
/// [`weight_unit`], whatever unit the shop uses.
pub const WOOCOMMERCE_NAMES: &[(&str, Field)] = &[
    ("id", Field::ShopId),
    ("type", Field::Kind),
    ("sku", Field::Sku),
    ("name", Field::Name),
    ("published", Field::Published),
    ("description", Field::Description),
    ("stock", Field::Stock),
    ("sale price", Field::SalePrice),
    ("regular price", Field::Price),
    ("categories", Field::Category),
    ("tags", Field::Tags),
    ("images", Field::Images),
    ("parent", Field::Parent),
    ("gtin, upc, ean, or isbn", Field::Barcode),
    ("meta: _barcode", Field::Barcode),
    ("meta: _global_unique_id", Field::Barcode),
    ("brands", Field::Vendor),
    ("meta: _cost", Field::Cost),
    ("attribute 1 name", Field::Option1Name),
    ("attribute 1 value(s)", Field::Option1Value),
    ("attribute 2 name", Field::Option2Name),
    ("attribute 2 value(s)", Field::Option2Value),
    ("attribute 3 name", Field::Option3Name),
    ("attribute 3 value(s)", Field::Option3Value),
];

/// Etsy's listing download, in English and in the languages Etsy localises its headers
/// into (compared with accents folded: `QUANTITÀ` is `quantita`). Image columns are matched
/// by [`etsy_image`], variation columns by [`etsy_variation`]. Names not here can be mapped
/// by hand in the import preview.
pub const ETSY_NAMES: &[(&str, Field)] = &[
    // English
    ("title", Field::Name),
    ("description", Field::Description),
    ("price", Field::Price),
    ("currency code", Field::Currency),
    ("quantity", Field::Stock),
    ("tags", Field::Tags),
    ("sku", Field::Sku),
    ("barcode", Field::Barcode),
    ("ean", Field::Barcode),
    ("gtin", Field::Barcode),
    ("upc", Field::Barcode),
    // Italian
    ("titolo", Field::Name),
    ("descrizione", Field::Description),
    ("prezzo", Field::Price),
    ("codice valuta", Field::Currency),
    ("quantita", Field::Stock),
    ("tag", Field::Tags),
    // German
    ("titel", Field::Name),
    ("beschreibung", Field::Description),
    ("preis", Field::Price),
    ("wahrungscode", Field::Currency),
    ("anzahl", Field::Stock),
    ("menge", Field::Stock),
    // French
    ("titre", Field::Name),
    ("prix", Field::Price),
    ("code devise", Field::Currency),
    ("quantite", Field::Stock),
    ("mots-cles", Field::Tags),
    // Spanish
    ("titulo", Field::Name),
    ("descripcion", Field::Description),
    ("precio", Field::Price),
    ("codigo de moneda", Field::Currency),
    ("cantidad", Field::Stock),
    ("etiquetas", Field::Tags),
    // Dutch
    ("beschrijving", Field::Description),
    ("prijs", Field::Price),
    ("valutacode", Field::Currency),
    ("aantal", Field::Stock),
];

/// `IMAGE1`..`IMAGE10` in Etsy's languages.
pub const ETSY_IMAGE_WORDS: &[&str] = &[
    "image",
    "immagine",
    "bild",
    "imagen",
    "afbeelding",
    "foto",
    "photo",
];
/// `VARIATION 1 TYPE` / `NAME` / `VALUES` in Etsy's languages: (variation, type, name, values).
pub const ETSY_VARIATION_WORDS: &[(&str, &str, &str, &str)] = &[
    ("variation", "type", "name", "values"),
    ("variazione", "tipo", "nome", "valori"),
    ("variante", "typ", "name", "werte"),
    ("variation", "type", "nom", "valeurs"),
    ("variacion", "tipo", "nombre", "valores"),
    ("variatie", "type", "naam", "waarden"),
];

/// Every field a column can feed, for the preview's column choices.
pub const ALL_FIELDS: [Field; 34] = [
    Field::Sku,
    Field::Name,
    Field::Description,
    Field::Price,
    Field::SalePrice,
    Field::CompareAt,
    Field::Cost,
    Field::Currency,
    Field::Stock,
    Field::Status,
    Field::Published,
    Field::Category,
    Field::Vendor,
    Field::ProductType,
    Field::Tags,
    Field::Barcode,
    Field::Weight,
    Field::Handle,
    Field::Images,
    Field::ImageSrc,
    Field::ImagePosition,
    Field::ImageAlt,
    Field::VariantImage,
    Field::Option1Name,
    Field::Option1Value,
    Field::Option2Name,
    Field::Option2Value,
    Field::Option3Name,
    Field::Option3Value,
    Field::Option1Type,
    Field::Option2Type,
    Field::ShopId,
    Field::Kind,
    Field::Parent,
];

/// A header as the tables spell it: no byte-order mark, lower case, `_` as a space, runs of
/// spaces as one, and the accents of Etsy's languages folded (`QUANTITÀ` → `quantita`).
pub fn normalise(header: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let mut out = String::with_capacity(header.len());
    // Decomposed, an accented letter is its base letter and a combining mark, dropped here.
    for c in header
        .trim_start_matches('\u{feff}')
        .trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
    {
        let c = if c == '_' { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_owned()
}

/// WooCommerce names the weight's unit in the header: `Weight (kg)` → grams per unit.
pub fn weight_unit(name: &str) -> Option<f64> {
    let unit = name.strip_prefix("weight (")?.strip_suffix(')')?;
    match unit.trim() {
        "g" | "grams" => Some(1.0),
        "kg" => Some(1000.0),
        "lbs" | "lb" => Some(453.592_37),
        "oz" => Some(28.349_523_125),
        _ => None,
    }
}

/// Etsy's `IMAGE1`..`IMAGE10` (or `IMMAGINE1`...).
pub fn etsy_image(name: &str) -> bool {
    let digits = name.trim_start_matches(|c: char| !c.is_ascii_digit());
    let word = name[..name.len() - digits.len()].trim();
    ETSY_IMAGE_WORDS.contains(&word) && digits.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n))
}

/// Etsy's `VARIATION 1 NAME` (or `VARIAZIONE 1 NOME`...) → the option field it feeds.
pub fn etsy_variation(name: &str) -> Option<Field> {
    let mut words = name.split(' ');
    let (variation, n, kind) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let (_, type_word, name_word, values_word) = ETSY_VARIATION_WORDS
        .iter()
        .find(|(v, t, nm, vs)| *v == variation && [*t, *nm, *vs].contains(&kind))?;
    let (name_field, value_field, type_field) = match n {
        "1" => Field::OPTIONS[0],
        "2" => Field::OPTIONS[1],
        _ => return None,
    };
    if kind == *name_word {
        Some(name_field)
    } else if kind == *values_word {
        Some(value_field)
    } else if kind == *type_word {
        type_field
    } else {
        None
    }
}
