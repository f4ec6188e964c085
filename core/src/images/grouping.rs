//! Photo groups by SKU from file names: `ABC-123.jpg`, `ABC-123_2.jpg` and `ABC-123 (3).png`
//! all belong to SKU `ABC-123`, in that order. This is how cameras, phones and shop exports
//! number several shots of one thing.

use std::path::Path;

/// The SKU a file name points at and its place in the group (1 for the bare name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuName {
    pub sku: String,
    pub index: u32,
}

/// `None` when the name has no usable SKU (empty once the numbering is removed).
pub fn sku_from_file_name(path: &Path) -> Option<SkuName> {
    let stem = path.file_stem()?.to_str()?.trim();
    let (sku, index) = split_bracketed(stem)
        .or_else(|| split_underscore(stem))
        .unwrap_or((stem, 1));
    let sku = sku.trim();
    (!sku.is_empty()).then(|| SkuName {
        sku: sku.to_owned(),
        index,
    })
}

/// `ABC-123 (3)` → (`ABC-123`, 3).
fn split_bracketed(stem: &str) -> Option<(&str, u32)> {
    let inner = stem.strip_suffix(')')?;
    let open = inner.rfind(" (")?;
    let index = digits(&inner[open + 2..])?;
    Some((&stem[..open], index))
}

/// `ABC-123_2` → (`ABC-123`, 2).
fn split_underscore(stem: &str) -> Option<(&str, u32)> {
    let cut = stem.rfind('_')?;
    let index = digits(&stem[cut + 1..])?;
    Some((&stem[..cut], index))
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str) -> Option<(String, u32)> {
        sku_from_file_name(Path::new(name)).map(|s| (s.sku, s.index))
    }

    #[test]
    fn numbered_shots_share_their_sku() {
        assert_eq!(parse("ABC-123.jpg"), Some(("ABC-123".into(), 1)));
        assert_eq!(parse("ABC-123_2.jpg"), Some(("ABC-123".into(), 2)));
        assert_eq!(parse("ABC-123 (3).png"), Some(("ABC-123".into(), 3)));
        assert_eq!(parse("dir/MUG_RED_12.webp"), Some(("MUG_RED".into(), 12)));
        assert_eq!(parse("MUG_RED.webp"), Some(("MUG_RED".into(), 1)));
        assert_eq!(parse("_2.jpg"), None);
    }
}
