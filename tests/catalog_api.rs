//! Catalog operations through the core's API, as the app and the command line use them.

use crate::util::*;
use rstest::rstest;
use shelf_core::catalog::history::product_history;
use shelf_core::catalog::products::{self, BulkEdit, ProductFields, ProductQuery, SortKey, Status};
use shelf_core::catalog::users::{NewUser, Role};
use shelf_core::catalog::{categories, search, ChangeKind, Entity};
use shelf_core::images;
use shelf_core::job::Job;
use shelf_core::money::PriceChange;
use shelf_core::{Error, ErrorKind};
use std::sync::{Arc, Mutex};

#[test]
fn a_stale_edit_is_a_conflict_that_carries_the_current_row() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let p = catalog
        .create_product(&product("ABC-1", "Blue mug", 1299))
        .unwrap();
    catalog
        .update_product(p.id, p.version, &product("ABC-1", "Blue mug (theirs)", 1299))
        .unwrap();
    let err = catalog
        .update_product(p.id, p.version, &product("ABC-1", "Blue mug (mine)", 999))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    let Error::Conflict {
        current: Some(current),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(current["name"], "Blue mug (theirs)");
    assert_eq!(current["version"], 1);
    let now = products::get(catalog.conn(), p.id).unwrap();
    assert_eq!(
        (now.name.as_str(), now.price_minor),
        ("Blue mug (theirs)", 1299),
        "nothing was overwritten"
    );
}

#[test]
fn a_duplicate_sku_names_the_product_that_has_it() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    catalog
        .create_product(&product("ABC-1", "Blue mug", 1299))
        .unwrap();
    let err = catalog.create_product(&product("abc-1", "Other", 1)).unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Conflict, Some("sku")));
    assert!(
        err.to_string().contains("SKU abc-1 is already used by Blue mug"),
        "{err}"
    );
}

#[rstest]
#[case::negative_price(product("N-1", "Neg", -1), "price")]
#[case::blank_name(product("N-2", "   ", 1), "name")]
#[case::sku_with_tab(product("A\tB", "Tab", 1), "sku")]
#[case::negative_stock(ProductFields { stock: -3, ..product("N-3", "Stock", 1) }, "stock")]
#[case::letters_in_barcode(ProductFields { barcode: Some("97812345X".into()), ..product("N-4", "Bc", 1) }, "barcode")]
#[case::unknown_currency(ProductFields { currency: Some("XYZ".into()), ..product("N-5", "Cur", 1) }, "currency")]
#[case::unknown_category(ProductFields { category_id: Some(77), ..product("N-6", "Cat", 1) }, "category")]
#[case::tag_with_comma(ProductFields { tags: vec!["a,b".into()], ..product("N-7", "Tag", 1) }, "tag")]
fn refusals_name_their_field_and_save_nothing(#[case] fields: ProductFields, #[case] field: &str) {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let err = catalog.create_product(&fields).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    assert_eq!(err.field(), Some(field), "{err}");
    assert!(!err.to_string().is_empty());
    assert_eq!(
        shelf_core::catalog::maintenance::stats(catalog.conn())
            .unwrap()
            .products,
        0
    );
}

#[test]
fn schema_refusals_reach_the_seller_as_words() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let err = catalog
        .write(|w| {
            w.tx().execute(
                "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('X', 'x', -5, 1)",
                [],
            )?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::Validation, Some("price")));
    assert_eq!(err.to_string(), "The price can't be negative.");
}

#[test]
fn deleting_a_user_who_owns_products_says_how_many_and_what_to_do() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    catalog
        .create_user(NewUser {
            username: "bo",
            display_name: "Bo",
            email: Some("bo@example.com"),
            role: Role::Owner,
        })
        .unwrap();
    catalog.set_actor("bo").unwrap();
    catalog.create_product(&product("A", "A", 1)).unwrap();
    catalog.create_product(&product("B", "B", 1)).unwrap();
    catalog.set_actor("owner").unwrap();
    let err = catalog.delete_user("bo").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused);
    assert!(
        err.to_string().contains("Bo owns 2 products") && err.to_string().contains("Deactivate"),
        "{err}"
    );
    let bo = catalog.set_user_active("bo", false).unwrap();
    assert!(!bo.is_active);
    assert!(catalog.set_actor("bo").is_err(), "a deactivated user can't act");
    assert!(
        catalog.set_user_active("owner", false).is_err(),
        "the last active owner stays active"
    );
}

#[test]
fn deleting_a_category_in_use_names_its_products() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let mugs = catalog.ensure_category_path("Home > Kitchen > Mugs").unwrap();
    assert_eq!(mugs.path, "Home > Kitchen > Mugs");
    catalog
        .create_product(&ProductFields {
            category_id: Some(mugs.id),
            ..product("M-1", "Blue mug", 1)
        })
        .unwrap();
    let err = catalog.delete_category(mugs.id).unwrap_err();
    assert!(err.to_string().contains("Blue mug (M-1)"), "{err}");
    let kitchen = categories::by_path(catalog.conn(), "home>kitchen").unwrap();
    assert!(
        catalog.delete_category(kitchen.id).is_err(),
        "a category with sub-categories stays"
    );
    assert!(
        catalog.move_category(kitchen.id, Some(mugs.id)).is_err(),
        "no cycles"
    );
}

#[test]
fn renaming_a_tag_onto_another_merges_them() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let tagged = |sku: &str, tags: &[&str]| ProductFields {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..product(sku, "Teapot", 100)
    };
    let one = catalog.create_product(&tagged("T-1", &["sales"])).unwrap().id;
    let both = catalog
        .create_product(&tagged("T-2", &["sales", "sale"]))
        .unwrap()
        .id;
    let other = catalog.create_product(&tagged("T-3", &["sale"])).unwrap().id;

    catalog.rename_tag("sales", "Sale").unwrap();
    let tags = shelf_core::catalog::tags::list(catalog.conn()).unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.name.as_str(), t.product_count))
            .collect::<Vec<_>>(),
        [("sale", 3)],
        "one tag left, on every product that had either"
    );
    for id in [one, both, other] {
        assert_eq!(products::get(catalog.conn(), id).unwrap().tags, ["sale"]);
    }
    let found = search::search(catalog.conn(), "sale", 10).unwrap();
    assert_eq!(found.len(), 3);
    assert!(search::search(catalog.conn(), "sales", 10).unwrap().is_empty());

    catalog.rename_tag("sale", "Clearance").unwrap();
    assert_eq!(products::get(catalog.conn(), one).unwrap().tags, ["Clearance"]);
    let err = catalog.rename_tag("nope", "x").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    drop(catalog);
    assert!(lib.catalog().check().unwrap().is_clean());
}

fn catalog_of(n: usize) -> (TestLibrary, shelf_core::Catalog) {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let fields = (0..n).map(|i| ProductFields {
        stock: (i * 7 % 13) as i64,
        status: if i % 3 == 0 { Status::Active } else { Status::Draft },
        tags: if i % 5 == 0 { vec!["sale".into()] } else { vec![] },
        ..product(
            &format!("SKU-{i:04}"),
            &format!("{} item {i}", ["Mug", "bowl", "Plate", "cup"][i % 4]),
            (i as i64 * 37) % 1000,
        )
    });
    assert_eq!(catalog.insert_products(fields, 50).unwrap(), n);
    (lib, catalog)
}

#[rstest]
fn keyset_pages_visit_every_product_once_in_order(
    #[values(SortKey::Name, SortKey::Sku, SortKey::Price, SortKey::Stock, SortKey::Updated)] sort: SortKey,
    #[values(false, true)] descending: bool,
) {
    let (_lib, catalog) = catalog_of(230);
    let mut query = ProductQuery {
        sort,
        descending,
        limit: 40,
        ..ProductQuery::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = products::list(catalog.conn(), &query).unwrap();
        seen.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let mut ids: Vec<i64> = seen.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), 230);
    let key = |p: &products::ProductSummary| -> (String, i64, i64) {
        match sort {
            SortKey::Name => (p.name.to_lowercase(), 0, p.id),
            SortKey::Sku => (p.sku.to_lowercase(), 0, p.id),
            SortKey::Price => (String::new(), p.price_minor, p.id),
            SortKey::Stock => (String::new(), p.stock, p.id),
            SortKey::Updated => (p.updated_at.clone(), 0, p.id),
        }
    };
    let mut expected = seen.clone();
    expected.sort_by_key(key);
    if descending {
        expected.reverse();
    }
    assert_eq!(seen, expected, "pages come in {sort:?} order");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 230, "no product twice");
}

#[test]
fn filters_combine() {
    let (_lib, mut catalog) = catalog_of(100);
    let count = |catalog: &shelf_core::Catalog, q: ProductQuery| {
        products::list(catalog.conn(), &ProductQuery { limit: 1000, ..q })
            .unwrap()
            .items
            .len()
    };
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                status: Some(Status::Active),
                ..Default::default()
            }
        ),
        34
    );
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                tag: Some("sale".into()),
                ..Default::default()
            }
        ),
        20
    );
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                stock_at_most: Some(0),
                ..Default::default()
            }
        ),
        8
    );
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                search: Some("bow".into()),
                ..Default::default()
            }
        ),
        25
    );
    catalog.move_to_trash(&[1, 2, 3]).unwrap();
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                in_trash: true,
                ..Default::default()
            }
        ),
        3
    );
    assert_eq!(count(&catalog, ProductQuery::default()), 97);
    assert_eq!(
        count(
            &catalog,
            ProductQuery {
                search: Some("\"*)(".into()),
                ..Default::default()
            }
        ),
        0,
        "FTS syntax in the box is just text"
    );
}

#[test]
fn search_finds_prefixes_and_ranks_sku_and_name_first() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    catalog
        .create_product(&ProductFields {
            description: "Goes with the teapot".into(),
            ..product("CUP-1", "Porcelain cup", 1)
        })
        .unwrap();
    catalog
        .create_product(&product("TEA-9", "Teapot, glazed", 1))
        .unwrap();
    catalog
        .create_product(&ProductFields {
            tags: vec!["crème".into()],
            ..product("JUG-2", "Milk jug", 1)
        })
        .unwrap();
    let skus = |q: &str| -> Vec<String> {
        search::search(catalog.conn(), q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.sku)
            .collect()
    };
    assert_eq!(
        skus("tea"),
        ["TEA-9", "CUP-1"],
        "a name match outranks a description match"
    );
    assert_eq!(skus("te"), ["TEA-9", "CUP-1"]);
    assert_eq!(skus("porc cu"), ["CUP-1"]);
    assert_eq!(skus("creme"), ["JUG-2"], "diacritics are folded");
    assert_eq!(skus("jug-2"), ["JUG-2"]);
    assert!(skus("zzz").is_empty());
    assert_eq!(
        skus("t"),
        ["TEA-9"],
        "one letter: names and SKUs that start with it"
    );
    assert_eq!(skus("P"), ["CUP-1"]);
    assert!(skus("-").is_empty());
}

#[test]
fn broad_searches_stay_bounded_and_an_exact_sku_always_comes_first() {
    let (_lib, catalog) = catalog_of(1200);
    let hits = search::search(catalog.conn(), "SKU-0003", 20).unwrap();
    assert_eq!(
        hits[0].sku, "SKU-0003",
        "the oldest product, far outside the newest candidates"
    );
    let hits = search::search(catalog.conn(), "mug", 50).unwrap();
    assert_eq!(hits.len(), 50);
    assert!(
        hits.iter().all(|h| h.name.starts_with("Mug")),
        "every hit matches"
    );
}

#[test]
fn bulk_price_changes_round_to_minor_units_and_are_all_or_nothing() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let a = catalog.create_product(&product("A", "A", 1999)).unwrap();
    let b = catalog
        .create_product(&ProductFields {
            currency: Some("JPY".into()),
            ..product("B", "B", 1005)
        })
        .unwrap();
    catalog
        .bulk_edit(
            &[a.id, b.id],
            &BulkEdit::AdjustPrice(PriceChange::PercentHundredths(1000)),
        )
        .unwrap();
    assert_eq!(products::get(catalog.conn(), a.id).unwrap().price_minor, 2199);
    assert_eq!(products::get(catalog.conn(), b.id).unwrap().price_minor, 1106);
    let err = catalog
        .bulk_edit(
            &[a.id, b.id],
            &BulkEdit::AdjustPrice(PriceChange::Amount("-0.50".into())),
        )
        .unwrap_err();
    assert!(
        err.to_string().starts_with("B: "),
        "the refusal names the product: {err}"
    );
    assert_eq!(
        products::get(catalog.conn(), a.id).unwrap().price_minor,
        2199,
        "all or nothing"
    );
    assert_eq!(products::get(catalog.conn(), b.id).unwrap().price_minor, 1106);
    catalog
        .bulk_edit(&[a.id, b.id], &BulkEdit::AddTag("summer".into()))
        .unwrap();
    catalog
        .bulk_edit(&[a.id], &BulkEdit::SetStatus(Status::Archived))
        .unwrap();
    let a = products::get(catalog.conn(), a.id).unwrap();
    assert_eq!(
        (a.status, a.tags.as_slice(), a.version),
        (Status::Archived, &["summer".to_string()][..], 3)
    );
}

#[test]
fn trash_restore_purge_and_empty_old_trash() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let a = catalog.create_product(&product("A", "A", 1)).unwrap();
    let b = catalog.create_product(&product("B", "B", 1)).unwrap();
    assert_eq!(catalog.purge(&[a.id]).unwrap_err().kind(), ErrorKind::Refused);
    assert_eq!(catalog.move_to_trash(&[a.id, b.id]).unwrap(), 2);
    assert_eq!(catalog.restore_from_trash(&[a.id]).unwrap(), 1);
    assert_eq!(
        catalog.empty_trash_older_than(30).unwrap(),
        0,
        "B has been in the trash for less than 30 days"
    );
    lib.plain_connection()
        .execute(
            "UPDATE products SET deleted_at = '2020-01-01T00:00:00.000Z' WHERE id = ?1",
            [b.id],
        )
        .unwrap();
    assert_eq!(catalog.empty_trash_older_than(30).unwrap(), 1);
    assert!(products::get(catalog.conn(), b.id).is_err());
    assert!(products::get(catalog.conn(), a.id).unwrap().deleted_at.is_none());
}

#[test]
fn history_reads_as_changes_and_an_old_version_can_be_restored() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let p = catalog.create_product(&product("A", "Mug", 1000)).unwrap();
    let p = catalog
        .update_product(p.id, p.version, &product("A", "Big mug", 1500))
        .unwrap();
    catalog.move_to_trash(&[p.id]).unwrap();
    let history = product_history(catalog.conn(), p.id, 50).unwrap();
    let whats: Vec<&str> = history.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(whats, ["trashed", "edited", "created"]);
    let edit = &history[1];
    let fields: Vec<&str> = edit.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["name", "price_minor"]);
    assert_eq!(
        (edit.changes[0].before.as_str(), edit.changes[0].after.as_str()),
        (Some("Mug"), Some("Big mug"))
    );
    let created = history[2].audit_id;
    let current = products::get(catalog.conn(), p.id).unwrap();
    let restored = catalog.restore_version(p.id, created, current.version).unwrap();
    assert_eq!((restored.name.as_str(), restored.price_minor), ("Mug", 1000));
    assert_eq!(
        product_history(catalog.conn(), p.id, 50).unwrap()[0].what,
        "edited",
        "restoring is itself a change in the history"
    );
}

/// Each undo opens the catalog afresh, as separate `shelf undo` runs or an app restart do:
/// undo keeps walking back instead of undoing the previous undo.
#[test]
fn undo_walks_back_through_the_acting_users_changes_across_sessions() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let p = catalog.create_product(&product("A", "Mug", 1000)).unwrap();
    let p = catalog
        .update_product(p.id, p.version, &product("A", "Big mug", 1500))
        .unwrap();
    catalog.move_to_trash(&[p.id]).unwrap();
    let undone = catalog.undo_last_change().unwrap().unwrap();
    assert!(undone.deleted_at.is_none(), "undo of trash restores");
    drop(catalog);
    let mut catalog = lib.catalog();
    let undone = catalog.undo_last_change().unwrap().unwrap();
    assert_eq!(
        (undone.name.as_str(), undone.price_minor),
        ("Mug", 1000),
        "then the edit is reverted"
    );
    drop(catalog);
    let mut catalog = lib.catalog();
    let undone = catalog.undo_last_change().unwrap().unwrap();
    assert!(undone.deleted_at.is_some(), "then the creation goes to the trash");
    assert!(catalog.undo_last_change().unwrap().is_none());
}

#[test]
fn committed_writes_announce_what_changed() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    catalog.on_change(move |changes| sink.lock().unwrap().extend_from_slice(changes));
    let p = catalog
        .create_product(&ProductFields {
            tags: vec!["new".into()],
            ..product("A", "Mug", 1)
        })
        .unwrap();
    let _ = catalog.create_product(&product("A", "Dup", 1));
    catalog.move_to_trash(&[p.id]).unwrap();
    let seen = seen.lock().unwrap();
    let kinds: Vec<(Entity, ChangeKind)> = seen.iter().map(|c| (c.entity, c.kind)).collect();
    assert_eq!(
        kinds,
        [
            (Entity::Product, ChangeKind::Created),
            (Entity::Tag, ChangeKind::Created),
            (Entity::Product, ChangeKind::Trashed)
        ]
    );
}

#[test]
fn check_finds_a_search_index_out_of_step_and_rebuild_fixes_it() {
    let (lib, mut catalog) = catalog_of(20);
    assert!(catalog.check().unwrap().is_clean());
    lib.plain_connection().execute("INSERT INTO product_search (rowid, sku, name, description, tags) VALUES (9999, 'GHOST', 'ghost', '', '')", []).unwrap();
    let report = catalog.check().unwrap();
    assert!(!report.findings.is_empty());
    assert!(
        report.findings.iter().all(|f| f.kind == "search_index"),
        "{report:?}"
    );
    catalog.rebuild_search().unwrap();
    catalog.optimize().unwrap();
    assert!(catalog.check().unwrap().is_clean());
}

/// A full disk (here SQLite's page limit, which fails the same way, with SQLITE_FULL) refuses
/// the write in plain words, of kind io, and leaves the catalog exactly as it was.
#[test]
fn a_full_disk_refuses_the_write_in_plain_words_and_changes_nothing() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    catalog.create_product(&product("FULL-0", "Before", 100)).unwrap();
    let pages: i64 = catalog
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    catalog
        .conn()
        .execute_batch(&format!("PRAGMA max_page_count = {pages}"))
        .unwrap();
    let before = lib.catalog_bytes();
    let big = ProductFields {
        description: "A long story. ".repeat(7000),
        ..product("FULL-1", "Needs room", 100)
    };
    let err = catalog.create_product(&big).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with("The disk that holds your library is full, so this wasn't saved"),
        "{message}"
    );
    assert_eq!(lib.catalog_bytes(), before);
    assert!(products::by_sku(catalog.conn(), "FULL-1").is_err());
}

/// Damage inside the search index's own pages (not just rows out of step) is found, once,
/// by the check that runs beside the writer.
#[test]
fn check_finds_damage_inside_the_search_index() {
    let (lib, catalog) = catalog_of(20);
    lib.plain_connection()
        .execute(
            "UPDATE product_search_data SET block = zeroblob(length(block)) WHERE id > 10",
            [],
        )
        .unwrap();
    let report = images::check_library(catalog.library(), false, &Job::silent()).unwrap();
    let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["search_index"], "{report:?}");
    assert!(report.findings[0].message.contains("fts5"));
}

/// `check` reads through its own connection: it runs to the end while a write is open (the
/// app's edits and imports carry on during a long deep check).
#[test]
fn check_runs_while_a_write_is_open() {
    let (lib, mut catalog) = catalog_of(20);
    let report = catalog
        .write(|_| images::check_library(&lib.library, true, &Job::silent()))
        .unwrap();
    assert!(report.is_clean(), "{report:?}");
}

/// The bulk path indexes each batch in one statement with the search triggers paused
/// (migration 0004): its products must be found by name, tag and description like any
/// other, the pause must never outlive the write (also after a refused batch), and a later
/// write from another tool must be indexed by the triggers again.
#[test]
fn bulk_inserted_products_are_searchable_and_the_triggers_resume() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let batch = (0..120).map(|i| ProductFields {
        description: format!("Glazed stoneware number {i}"),
        tags: vec!["giftable".into(), format!("shelf{}", i % 4)],
        ..product(&format!("BULK-{i:03}"), &format!("Speckled planter {i}"), 100)
    });
    catalog.insert_products(batch, 50).unwrap();
    let refused = vec![product("BULK-000", "Clash", 1)];
    assert!(catalog.insert_products(refused, 50).is_err());

    let found = |typed: &str| search::search(catalog.conn(), typed, 500).unwrap().len();
    assert_eq!(found("speckl"), 120, "by a prefix of the name");
    assert_eq!(found("giftab"), 120, "by a tag attached in the same batch");
    assert_eq!(found("shelf2"), 30, "by the second tag");
    assert_eq!(found("stonew"), 120, "by the description");
    let paused: i64 = catalog
        .conn()
        .query_row("SELECT search_deferred FROM write_context", [], |r| r.get(0))
        .unwrap();
    assert_eq!(paused, 0, "indexing is never left paused");

    lib.plain_connection()
        .execute_batch(
            "INSERT INTO products (sku, name, price_minor, owner_id) VALUES ('OUTSIDE-1', 'Speckled bowl', 900, 1);
             INSERT INTO product_tags (product_id, tag_id)
               SELECT p.id, t.id FROM products AS p, tags AS t
               WHERE p.sku = 'OUTSIDE-1' AND t.name = 'giftable';",
        )
        .unwrap();
    assert_eq!(found("speckl"), 121);
    assert_eq!(found("giftab"), 121, "a tag attached by another tool is indexed");
    assert!(catalog.check().unwrap().is_clean());
}

#[test]
fn a_refused_bulk_batch_names_the_row_and_writes_nothing_of_that_batch() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    catalog
        .create_product(&product("TAKEN-1", "Already here", 1))
        .unwrap();
    let batch = vec![
        ProductFields {
            tags: vec!["fresh".into()],
            ..product("NEW-1", "New", 1)
        },
        product("taken-1", "Clash", 1),
        product("NEW-2", "New too", 1),
    ];
    let err = catalog.insert_products(batch, 100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("taken-1"), "{err}");
    let stats = shelf_core::catalog::maintenance::stats(catalog.conn()).unwrap();
    assert_eq!(
        (stats.products, stats.tags),
        (1, 0),
        "the whole batch was rolled back"
    );

    let dup_in_batch = vec![product("D-1", "One", 1), product("d-1", "Two", 1)];
    assert!(catalog
        .insert_products(dup_in_batch, 100)
        .unwrap_err()
        .to_string()
        .contains("d-1"));
    let ok = (0..250).map(|i| ProductFields {
        tags: vec![format!("t{}", i % 3)],
        ..product(&format!("OK-{i}"), "Fine", i)
    });
    assert_eq!(catalog.insert_products(ok, 100).unwrap(), 250);
    assert_eq!(
        products::list(
            catalog.conn(),
            &ProductQuery {
                tag: Some("t1".into()),
                limit: 1000,
                ..Default::default()
            }
        )
        .unwrap()
        .items
        .len(),
        83
    );
    assert!(catalog.check().unwrap().is_clean());
}

/// A fixed price change is read in each product's own currency: +2.50 is 250 cents on a EUR
/// product, and refused (naming it) on a JPY one, whose yen have no cents, never 250 yen.
#[test]
fn a_fixed_price_change_is_read_in_each_products_currency() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let in_currency = |sku: &str, currency: &str, price: i64| ProductFields {
        currency: Some(currency.into()),
        ..product(sku, sku, price)
    };
    let eur = catalog
        .create_product(&in_currency("EUR-1", "EUR", 1000))
        .unwrap();
    let jpy = catalog
        .create_product(&in_currency("JPY-1", "JPY", 1000))
        .unwrap();
    let add = |text: &str| BulkEdit::AdjustPrice(PriceChange::Amount(text.into()));
    let err = catalog.bulk_edit(&[eur.id, jpy.id], &add("+2.50")).unwrap_err();
    assert!(err.to_string().starts_with("JPY-1: "), "{err}");
    let price = |id| products::get(lib.catalog().conn(), id).unwrap().price_minor;
    assert_eq!((price(eur.id), price(jpy.id)), (1000, 1000), "nothing changed");
    catalog.bulk_edit(&[eur.id], &add("+2.50")).unwrap();
    catalog.bulk_edit(&[jpy.id], &add("+3")).unwrap();
    assert_eq!((price(eur.id), price(jpy.id)), (1250, 1003));
}
