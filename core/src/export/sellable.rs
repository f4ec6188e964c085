//! What one row of a shop's CSV sells. Shops list a product by what can be bought: a product
//! without options is its own single item, a product with options is only its variants (its
//! own price and stock are just their lowest and total). Both shop writers read this, so they
//! agree on which SKUs a product contributes and on the fall-back for a product whose options
//! have no live variant yet (it is written as a plain product rather than left out).

use super::{ExportImage, ExportItem};

/// One buyable item: the product itself or one of its live variants.
pub(crate) struct Sellable<'a> {
    pub sku: &'a str,
    /// The variant's value for option 1, 2 and 3; all absent for a product without options.
    pub values: [Option<&'a str>; 3],
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub cost_minor: Option<i64>,
    pub stock: i64,
    pub barcode: Option<&'a str>,
    pub weight_grams: Option<i64>,
    /// The variant's own photo; a product without options has none (its photos are listed
    /// with the product).
    pub image: Option<&'a ExportImage>,
}

impl ExportItem {
    /// True when the product sells through variants: it has options and a live variant.
    pub fn has_variants(&self) -> bool {
        !self.product.options.is_empty() && self.live_variants().next().is_some()
    }

    /// `products::get` already leaves trashed variants out; the filter keeps that promise
    /// here too, since a trashed variant in a shop file would go back on sale.
    fn live_variants(&self) -> impl Iterator<Item = &crate::catalog::variants::Variant> {
        self.product.variants.iter().filter(|v| v.deleted_at.is_none())
    }

    /// The live variants in position order, or the product itself when it has none.
    pub fn sellables(&self) -> Vec<Sellable<'_>> {
        let p = &self.product;
        if !self.has_variants() {
            return vec![Sellable {
                sku: &p.sku,
                values: [None, None, None],
                price_minor: p.price_minor,
                compare_at_minor: p.shop.compare_at_minor,
                cost_minor: p.shop.cost_minor,
                stock: p.stock,
                barcode: p.barcode.as_deref(),
                weight_grams: p.shop.weight_grams,
                image: None,
            }];
        }
        self.live_variants()
            .map(|v| Sellable {
                sku: &v.sku,
                values: [v.option1.as_deref(), v.option2.as_deref(), v.option3.as_deref()],
                price_minor: v.price_minor,
                compare_at_minor: v.compare_at_minor,
                cost_minor: v.cost_minor,
                stock: v.stock,
                barcode: v.barcode.as_deref(),
                weight_grams: v.weight_grams,
                image: v.image_sha256.as_deref().and_then(|sha| self.image(sha)),
            })
            .collect()
    }
}
