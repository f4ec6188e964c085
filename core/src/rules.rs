//! The catalog's field rules in Rust, for friendly messages before a write reaches SQLite.
//! They say exactly what the schema's named CHECK constraints say (SQLite's `trim()` strips
//! spaces only, `length()` counts characters); the property tests in `tests/rules.rs` hold
//! the two to agreeing. The schema stays the last line of defence.

use crate::error::{Error, Result};

pub const MAX_PRICE_MINOR: i64 = 1_000_000_000_000_000;
pub const MAX_STOCK: i64 = 1_000_000_000;

/// SQLite `trim(x)` with one argument removes spaces (U+0020) only.
fn sqlite_trim(text: &str) -> &str {
    text.trim_matches(' ')
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// The characters the schema's `NOT GLOB '*[\x01-\x1f\x7f]*'` refuses (and NUL, which
/// SQLite's text functions cannot see past).
fn has_control_chars(text: &str) -> bool {
    text.chars().any(|c| (c as u32) < 0x20 || c == '\u{7f}')
}

pub fn check_sku(sku: &str) -> Result<()> {
    let len = char_len(sku);
    if !(1..=64).contains(&len) || sqlite_trim(sku) != sku || has_control_chars(sku) {
        return Err(Error::validation(
            "sku",
            "The SKU must be 1 to 64 characters, with no spaces at either end and no line breaks or tabs.",
        ));
    }
    Ok(())
}

pub fn check_name(name: &str) -> Result<()> {
    if !(1..=255).contains(&char_len(sqlite_trim(name))) {
        return Err(Error::validation(
            "name",
            "The name can't be empty, and must be at most 255 characters.",
        ));
    }
    if has_control_chars(name) {
        return Err(Error::validation(
            "name",
            "The name can't contain line breaks or tabs.",
        ));
    }
    Ok(())
}

pub fn check_description(description: &str) -> Result<()> {
    if char_len(description) > 100_000 || description.contains('\0') {
        return Err(Error::validation(
            "description",
            "The description is too long (at most 100,000 characters).",
        ));
    }
    Ok(())
}

pub fn check_price(price_minor: i64) -> Result<()> {
    if price_minor < 0 {
        return Err(Error::validation("price", "The price can't be negative."));
    }
    if price_minor > MAX_PRICE_MINOR {
        return Err(Error::validation("price", "The price is too large."));
    }
    Ok(())
}

pub fn check_stock(stock: i64) -> Result<()> {
    if stock < 0 {
        return Err(Error::validation("stock", "Stock can't be negative."));
    }
    if stock > MAX_STOCK {
        return Err(Error::validation(
            "stock",
            "Stock is too large (at most 1,000,000,000).",
        ));
    }
    Ok(())
}

pub fn check_barcode(barcode: Option<&str>) -> Result<()> {
    match barcode {
        None => Ok(()),
        Some(code) if (8..=14).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        Some(_) => Err(Error::validation(
            "barcode",
            "A barcode is 8 to 14 digits (EAN, UPC or GTIN), with nothing else in it.",
        )),
    }
}

/// A short label (vendor, product type, option name or value): 1 to 255 characters, no
/// spaces at either end, no line breaks or tabs. `field` names it in the message.
pub fn check_label(field: &'static str, what: &str, text: &str) -> Result<()> {
    if !(1..=255).contains(&char_len(text)) || sqlite_trim(text) != text || has_control_chars(text) {
        return Err(Error::validation(
            field,
            format!("{what} must be 1 to 255 characters, with no line breaks or tabs."),
        ));
    }
    Ok(())
}

/// A shop's URL handle (`blue-mug`): a label with no spaces, slashes, `?` or `#`.
pub fn check_handle(handle: &str) -> Result<()> {
    check_label("handle", "The handle", handle)?;
    if handle.contains([' ', '/', '?', '#']) {
        return Err(Error::validation(
            "handle",
            "The handle is part of a web address: no spaces, slashes, ? or #.",
        ));
    }
    Ok(())
}

/// Text as part of a SKU made for the seller (a variant's value, a listing's title): letters
/// and digits in upper case, anything else as one dash between them (`Light blue / XL` →
/// `LIGHT-BLUE-XL`).
pub fn sku_part(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    mapped
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A "was" price or a cost: absent, or an amount like a price.
pub fn check_amount(field: &'static str, what: &str, amount: Option<i64>) -> Result<()> {
    match amount {
        Some(a) if !(0..=MAX_PRICE_MINOR).contains(&a) => Err(Error::validation(
            field,
            format!("{what} can't be negative or larger than a price can be."),
        )),
        _ => Ok(()),
    }
}

pub const MAX_WEIGHT_GRAMS: i64 = 1_000_000_000;

pub fn check_weight(grams: Option<i64>) -> Result<()> {
    match grams {
        Some(g) if !(0..=MAX_WEIGHT_GRAMS).contains(&g) => Err(Error::validation(
            "weight",
            "The weight can't be negative (at most 1,000 tonnes, in grams).",
        )),
        _ => Ok(()),
    }
}

pub fn check_username(username: &str) -> Result<()> {
    let ok = (1..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !ok {
        return Err(Error::validation(
            "username",
            "A username is 1 to 64 letters, digits, dots, dashes or underscores.",
        ));
    }
    Ok(())
}

pub fn check_display_name(name: &str) -> Result<()> {
    if !(1..=255).contains(&char_len(sqlite_trim(name))) || has_control_chars(name) {
        return Err(Error::validation(
            "display_name",
            "The display name can't be empty, and must be at most 255 characters.",
        ));
    }
    Ok(())
}

/// The schema's `email_shape`: one `@` with text before it, and a dot with text on both
/// sides somewhere after it; no spaces, commas, semicolons, angle brackets or parentheses.
pub fn check_email(email: Option<&str>) -> Result<()> {
    let Some(email) = email else { return Ok(()) };
    let bad = || {
        Error::validation(
            "email",
            "That doesn't look like an email address (name@example.com).",
        )
    };
    if !(3..=254).contains(&char_len(email)) || has_control_chars(email) {
        return Err(bad());
    }
    if email.chars().any(|c| " ,;<>()".contains(c)) {
        return Err(bad());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad());
    };
    let domain: Vec<char> = domain.chars().collect();
    let dot_inside = domain
        .iter()
        .enumerate()
        .any(|(i, &c)| c == '.' && i >= 1 && i + 1 < domain.len());
    if local.is_empty() || domain.contains(&'@') || !dot_inside {
        return Err(bad());
    }
    Ok(())
}

pub fn check_tag(tag: &str) -> Result<()> {
    let ok = (1..=64).contains(&char_len(tag))
        && sqlite_trim(tag) == tag
        && !tag.contains(',')
        && !has_control_chars(tag);
    if !ok {
        return Err(Error::validation(
            "tag",
            "A tag is 1 to 64 characters, with no commas, line breaks or spaces at either end.",
        ));
    }
    Ok(())
}

pub fn check_category_name(name: &str) -> Result<()> {
    if !(1..=255).contains(&char_len(sqlite_trim(name))) || has_control_chars(name) {
        return Err(Error::validation(
            "name",
            "A category name can't be empty, and must be at most 255 characters.",
        ));
    }
    Ok(())
}

/// What the editor does to text before checking it: surrounding white space (including
/// no-break spaces pasted from web pages) is not part of a SKU, name or tag.
pub fn tidy(text: &str) -> String {
    text.trim().to_owned()
}
