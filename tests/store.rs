//! The storage layer (`shelf_core::store::Store`): each of its operations run on both engines,
//! a SQLite library and a team server, from the same test body. Two people are two stores:
//! two `Catalog`s on one library, or two logins on one server, as two computers would be.

use crate::engines::{Engine, Shop};
use crate::server::server;
use crate::util::*;
use rstest::rstest;
use shelf_core::catalog::products::{ProductFields, ProductQuery, ShopFields, SortKey, Status};
use shelf_core::catalog::users::{NewUser, Role};
use shelf_core::store::{Store, TeamCatalog};
use shelf_core::{Error, ErrorKind};

fn mug() -> ProductFields {
    ProductFields {
        description: "Stoneware, 350 ml".into(),
        stock: 12,
        barcode: Some("4006381333931".into()),
        tags: vec!["kitchen".into(), "Gift".into()],
        shop: ShopFields {
            vendor: Some("Blue Kiln".into()),
            handle: Some("blue-mug".into()),
            compare_at_minor: Some(1800),
            weight_grams: Some(340),
            ..ShopFields::default()
        },
        ..product("MUG-1", "Blue mug", 1500)
    }
}

#[rstest]
fn a_product_reads_back_as_it_was_saved_and_is_found(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    let mut store = shop.open_as("olga");
    let created = store.create_product(&mug()).unwrap();
    assert_eq!(
        (created.sku.as_str(), created.version, created.minor_units),
        ("MUG-1", 0, 2)
    );
    assert_eq!(
        created.tags,
        ["Gift", "kitchen"],
        "tags in name order, without case"
    );
    assert_eq!(created.shop.handle.as_deref(), Some("blue-mug"));
    assert_eq!(store.product(created.id).unwrap(), created);
    assert_eq!(store.product_by_sku(" mug-1 ").unwrap(), created);
    assert_eq!(shop.last_actor(created.id), "olga");
    let hits = store.search("blue mu", 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [created.id]);
    let err = store.product_by_sku("NOPE").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

/// A typed SKU with a space in it is shown first, then the products whose words start with
/// what was typed, and the SKU's product is not shown twice.
#[rstest]
fn an_exact_sku_with_a_space_comes_first_and_once(#[values(Engine::Sqlite, Engine::Server)] engine: Engine) {
    let shop = Shop::new(engine);
    let mut store = shop.open_as("olga");
    let exact = store
        .create_product(&product("BLUE MUG", "Stoneware cup", 900))
        .unwrap();
    let newer = store.create_product(&mug()).unwrap();
    let newest = store
        .create_product(&product("JUG-1", "Blue mugwort jug", 700))
        .unwrap();
    let hits = store.search("blue mug", 10).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        [exact.id, newest.id, newer.id],
        "{hits:?}"
    );
}

#[rstest]
fn a_stale_edit_is_a_conflict_carrying_the_row_as_it_is_now(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut olga = shop.open_as("olga");
    let mut sam = shop.open_as("sam");
    let opened = olga.create_product(&mug()).unwrap();

    // Sam saves first, from his own computer.
    let mut his = mug();
    his.name = "Blue mug, large".into();
    his.tags = vec!["kitchen".into(), "large".into()];
    let saved = sam.update_product(opened.id, opened.version, &his).unwrap();
    assert_eq!(saved.version, opened.version + 1);
    assert_eq!(saved.tags, ["kitchen", "large"]);
    assert_eq!(shop.last_actor(opened.id), "sam");

    // Olga's edit started from the version before his.
    let mut hers = mug();
    hers.price_minor = 1700;
    let err = olga.update_product(opened.id, opened.version, &hers).unwrap_err();
    let Error::Conflict {
        current: Some(current),
        message,
        ..
    } = &err
    else {
        panic!("expected a conflict carrying the current row, got {err:?}");
    };
    assert!(message.contains("changed by someone else"), "{message}");
    assert_eq!(current["name"], "Blue mug, large");
    assert_eq!(current["version"], saved.version);
    assert_eq!(olga.product(opened.id).unwrap(), saved, "nothing was overwritten");

    // Chosen again from the current version, it saves.
    let merged = olga.update_product(opened.id, saved.version, &hers).unwrap();
    assert_eq!((merged.price_minor, merged.version), (1700, saved.version + 1));
}

#[rstest]
fn a_taken_sku_an_unknown_currency_and_a_bad_field_are_refused_in_the_same_words(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    let mut store = shop.open_as("olga");
    let first = store.create_product(&mug()).unwrap();
    let other = store.create_product(&product("CUP-1", "Cup", 900)).unwrap();

    let err = store
        .create_product(&product("mug-1", "Another mug", 1000))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(
        err.to_string().contains(&format!(
            "SKU mug-1 is already used by Blue mug (product {})",
            first.id
        )),
        "{err}"
    );
    let mut renamed = product("MUG-1", "Cup", 900);
    renamed.currency = Some("XYZ".into());
    let err = store
        .update_product(other.id, other.version, &renamed)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "the SKU is checked first: {err}");
    renamed.sku = "CUP-1".into();
    let err = store
        .update_product(other.id, other.version, &renamed)
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.to_string().contains("XYZ isn't a known currency")),
        (ErrorKind::Validation, true),
        "{err}"
    );
    let err = store
        .create_product(&product("NEG-1", "Negative", -5))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    assert_eq!(store.product(other.id).unwrap(), other, "nothing was written");
    assert_eq!(store.product_id_by_sku("NEG-1").unwrap(), None);
}

#[rstest]
fn the_trash_restores_and_only_the_trash_purges(#[values(Engine::Sqlite, Engine::Server)] engine: Engine) {
    let shop = Shop::new(engine);
    let mut store = shop.open_as("olga");
    let kept = store.create_product(&product("KEEP-1", "Kept", 100)).unwrap();
    let gone = store.create_product(&mug()).unwrap();

    assert_eq!(store.move_to_trash(&[gone.id]).unwrap(), 1);
    assert_eq!(store.move_to_trash(&[gone.id]).unwrap(), 0, "already there");
    assert!(store.product(gone.id).unwrap().deleted_at.is_some());
    assert_eq!(store.restore_from_trash(&[gone.id]).unwrap(), 1);
    assert!(store.product(gone.id).unwrap().deleted_at.is_none());
    assert_eq!(store.move_to_trash(&[gone.id]).unwrap(), 1);

    let err = store.purge(&[gone.id, kept.id]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
    assert!(err.to_string().contains("not in the trash"), "{err}");
    assert!(store.product(gone.id).is_ok(), "a refused purge purges nothing");
    let err = store.move_to_trash(&[kept.id, 999_999]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        store.product(kept.id).unwrap().deleted_at.is_none(),
        "all or nothing"
    );

    assert_eq!(store.purge(&[gone.id]).unwrap(), 1);
    assert_eq!(store.product(gone.id).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(store.product_id_by_sku("MUG-1").unwrap(), None);
    let reused = store.create_product(&mug()).unwrap();
    assert_eq!(
        reused.tags,
        ["Gift", "kitchen"],
        "its SKU and handle are free again"
    );
}

/// Every product of a library with variants, options, photos, categories and tags reads
/// the same from the library and from the server it was pushed to.
#[test]
fn every_product_reads_the_same_from_either_engine() {
    let lib = crate::server_push::busy_library();
    let db = server().empty_database();
    shelf_core::server::push::push(&lib.catalog(), &mut db.client()).unwrap();
    let mut local = lib.catalog();
    let mut team = TeamCatalog::open(db.client()).unwrap();
    let ids: Vec<i64> = lib
        .plain_connection()
        .prepare("SELECT id FROM products ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(ids.len() >= 8);
    let mut with_variants = 0;
    for id in ids {
        let ours = Store::product(&mut local, id).unwrap();
        with_variants += usize::from(!ours.variants.is_empty());
        assert_eq!(team.product(id).unwrap(), ours, "product {id}");
    }
    assert!(with_variants >= 1);

    // What the window's pickers and header read, and every photo's thumbnail.
    assert_eq!(team.currencies().unwrap(), Store::currencies(&mut local).unwrap());
    assert_eq!(team.categories().unwrap(), Store::categories(&mut local).unwrap());
    assert_eq!(team.tags().unwrap(), Store::tags(&mut local).unwrap());
    assert_eq!(
        team.product_count().unwrap(),
        Store::product_count(&mut local).unwrap()
    );
    let photos: Vec<String> = lib
        .plain_connection()
        .prepare("SELECT sha256 FROM thumbnails ORDER BY sha256")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(photos.len() >= 3, "{}", photos.len());
    for sha256 in &photos {
        let (ours, theirs) = (
            Store::thumbnail(&mut local, sha256).unwrap(),
            team.thumbnail(sha256).unwrap(),
        );
        assert_eq!(
            (theirs.bytes, theirs.mime, theirs.width, theirs.height),
            (ours.bytes, ours.mime, ours.width, ours.height),
            "{sha256}"
        );
    }
    let missing = team.thumbnail(&"0".repeat(64)).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
    let bad = team.thumbnail("../catalog.db").unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::Validation, "{bad}");
}

/// Who the header shows, and prices as the editor reads and shows them.
#[rstest]
fn the_acting_person_and_prices_read_the_same_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut sam = shop.open_as("sam");
    let me = sam.acting_user().unwrap();
    assert_eq!(
        (me.username.as_str(), me.role, me.is_active),
        ("sam", Role::Staff, true)
    );
    assert_eq!(
        me.created_at.len(),
        "2026-12-02T10:00:00.000Z".len(),
        "{}",
        me.created_at
    );
    assert_eq!(shop.open_as("olga").acting_user().unwrap().role, Role::Owner);
    assert_eq!(sam.parse_price("12.5", "USD").unwrap(), 1250);
    assert_eq!(sam.parse_price("1200", "JPY").unwrap(), 1200);
    assert_eq!(sam.format_price(1250, "usd").unwrap(), "12.50");
    let err = sam.parse_price("12.5", "XXZ").unwrap_err();
    assert_eq!(err.field(), Some("currency"), "{err}");
    assert_eq!(sam.product_count().unwrap(), 0);
    assert!(sam.schema_version().unwrap() >= 1);
}

/// The server decides what a login may do: staff save edits and use the trash, but the
/// purge is the owners', and the refusal says so.
#[test]
fn the_server_refuses_a_staff_purge_and_keeps_the_product() {
    let shop = Shop::new(Engine::Server);
    shop.add_person("sam", Role::Staff);
    let mut sam = shop.open_as("sam");
    let made = sam.create_product(&mug()).unwrap();
    assert_eq!(sam.move_to_trash(&[made.id]).unwrap(), 1);
    let err = sam.purge(&[made.id]).unwrap_err();
    assert!(err.to_string().contains("for owners"), "{err}");
    assert!(
        sam.product(made.id).unwrap().deleted_at.is_some(),
        "still in the trash"
    );
    let mut olga = shop.open_as("olga");
    assert_eq!(olga.purge(&[made.id]).unwrap(), 1);
    let Shop::Server(db) = &shop else { unreachable!() };
    let logged: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM deletion_log WHERE table_name = 'products' AND deleted_by = 'olga'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(logged, 1);
}

/// A catalog whose names and SKUs sort differently by byte, by case and by collation
/// (accents, digits, spaces, the same name twice), with trashed products, tags, low stock
/// and a product sold through variants.
fn awkward_library() -> TestLibrary {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    let names = [
        "apple",
        "Apple",
        "Éclair",
        "eclair",
        "Zebra mug",
        "zebra",
        "10 mugs",
        "9 mugs",
        "Mug",
        "Mug",
        "mug",
        "_under",
        "a b",
        "ab",
        "Ärger",
        "Zürich",
        "ß",
        "σ",
        "Z",
        "blue Mug",
    ];
    for (i, name) in names.iter().enumerate() {
        let mut fields = product(
            &format!("{}-{i:02}", ["ab", "AB", "Ab", "x", "é"][i % 5]),
            name,
            (i as i64 * 37) % 11 * 100,
        );
        fields.stock = (i as i64 * 7) % 5;
        fields.status = [Status::Active, Status::Draft, Status::Archived][i % 3];
        if i % 4 == 0 {
            fields.tags = vec!["sale".into()];
        }
        let made = catalog.create_product(&fields).unwrap();
        if i % 6 == 5 {
            catalog.move_to_trash(&[made.id]).unwrap();
        }
    }
    let tee = catalog
        .create_product(&product("TEE", "tee shirt", 1500))
        .unwrap();
    catalog
        .generate_variants(
            tee.id,
            &[shelf_core::catalog::variants::OptionValues {
                name: "Size".into(),
                values: vec!["S".into(), "M".into(), "L".into()],
            }],
            1500,
            2,
        )
        .unwrap();
    drop(catalog);
    lib
}

#[test]
fn every_page_of_every_order_and_filter_is_the_same_from_either_engine() {
    let lib = awkward_library();
    let db = server().empty_database();
    shelf_core::server::push::push(&lib.catalog(), &mut db.client()).unwrap();
    let mut local = lib.catalog();
    let mut team = TeamCatalog::open(db.client()).unwrap();
    let filters = [
        ProductQuery::default(),
        ProductQuery {
            status: Some(Status::Active),
            ..ProductQuery::default()
        },
        ProductQuery {
            tag: Some("SALE".into()),
            ..ProductQuery::default()
        },
        ProductQuery {
            stock_at_most: Some(2),
            ..ProductQuery::default()
        },
        ProductQuery {
            in_trash: true,
            ..ProductQuery::default()
        },
        ProductQuery {
            search: Some("mug".into()),
            ..ProductQuery::default()
        },
        ProductQuery {
            search: Some("!!".into()),
            ..ProductQuery::default()
        },
    ];
    let mut rows_compared = 0;
    for filter in &filters {
        for sort in [
            SortKey::Name,
            SortKey::Sku,
            SortKey::Price,
            SortKey::Stock,
            SortKey::Updated,
        ] {
            for descending in [false, true] {
                let mut query = ProductQuery {
                    sort,
                    descending,
                    limit: 4,
                    ..filter.clone()
                };
                loop {
                    let ours = Store::list(&mut local, &query).unwrap();
                    let theirs = team.list(&query).unwrap();
                    assert_eq!(theirs, ours, "{query:?}");
                    rows_compared += ours.items.len();
                    match ours.next {
                        Some(next) => query.after = Some(next),
                        None => break,
                    }
                }
            }
        }
    }
    assert!(rows_compared > 300, "{rows_compared}");
}

/// A page deep in the list costs what the first costs on the server too: every order's
/// statement seeks in that order's index from the cursor (read from the plan, with
/// sequential scans made unattractive, as they are on a catalog of any size).
#[test]
fn every_order_on_the_server_seeks_in_its_index() {
    let db = server().database();
    let mut client = db.client();
    client
        .batch_execute("SET enable_seqscan = off; SET enable_sort = off")
        .unwrap();
    for (sort, index) in [
        (SortKey::Name, "products_page_by_name"),
        (SortKey::Sku, "products_page_by_sku"),
        (SortKey::Price, "products_by_price"),
        (SortKey::Stock, "products_by_stock"),
        (SortKey::Updated, "products_by_updated"),
    ] {
        for descending in [false, true] {
            let sql = shelf_core::server::pages::statement(sort, descending);
            let value = match sort {
                SortKey::Price | SortKey::Stock => "0",
                SortKey::Updated => "'2026-01-01T00:00:00.000Z'",
                _ => "'m'",
            };
            let explain = format!(
                "PREPARE page AS {sql}; EXPLAIN (FORMAT JSON) EXECUTE page(NULL, NULL, NULL, NULL, false, NULL, {value}, 0, 101); DEALLOCATE page"
            );
            let plan: Vec<String> = client
                .simple_query(&explain)
                .unwrap()
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                    _ => None,
                })
                .collect();
            let plan = plan.concat();
            assert!(
                plan.contains(&format!("\"Index Name\": \"{index}\"")) && plan.contains("Index Cond"),
                "{sort:?} desc={descending}: {plan}"
            );
        }
    }
}

/// `shelf --server`: the product commands and search on a team server, run by the same
/// code as on a library, acting as the login.
#[test]
fn shelf_with_a_server_edits_lists_and_searches_the_team_catalog_as_its_login() {
    let lib = crate::server_push::busy_library();
    let db = server().empty_database();
    shelf_core::server::push::push(&lib.catalog(), &mut db.client()).unwrap();
    db.add_person("sam", "staff");
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no-library");
    let sam = db.url("sam");
    let on_server = |args: &[&str]| shelf_in(&nowhere, &[&["--server", &sam][..], args].concat());

    let listed = on_server(&["product", "list", "--sort", "sku", "--limit", "3"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let edited = on_server(&[
        "product",
        "edit",
        "sku-0001",
        "--name",
        "Edited by Sam",
        "--category",
        "Tableware > Cups",
        "--price",
        "19.99",
    ]);
    assert!(edited.status.success(), "{}", stderr(&edited));
    let shown = on_server(&["--json", "product", "show", "SKU-0001"]);
    let product: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(product["name"], "Edited by Sam");
    assert_eq!(product["category_path"], "Tableware > Cups");
    assert_eq!(product["price_minor"], 1999);
    let version = product["version"].as_i64().unwrap();
    let actor: String = db
        .client()
        .query_one(
            "SELECT actor FROM audit_log WHERE table_name = 'products' ORDER BY id DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(actor, "sam");

    let stale = on_server(&[
        "product",
        "edit",
        "SKU-0001",
        "--name",
        "From an old window",
        "--expect-version",
        &(version - 1).to_string(),
    ]);
    assert!(!stale.status.success());
    assert!(
        stderr(&stale).contains("changed by someone else"),
        "{}",
        stderr(&stale)
    );
    assert!(stdout(&on_server(&["search", "edited by"])).contains("SKU-0001"));

    let file = dir.path().join("team.json");
    let exported = on_server(&["export", "--format", "json", "--out", file.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(stdout(&exported).contains("Exported"), "{}", stdout(&exported));
    let document: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let names: Vec<&str> = document["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Edited by Sam"), "{names:?}");

    assert!(on_server(&["product", "trash", "SKU-0001"]).status.success());
    let purge = on_server(&["product", "purge", "SKU-0001"]);
    assert!(!purge.status.success());
    assert!(stderr(&purge).contains("for owners"), "{}", stderr(&purge));
    let trash = on_server(&["product", "list", "--trash"]);
    assert!(stdout(&trash).contains("SKU-0001"), "{}", stdout(&trash));

    // Photos go to the server, kept first in this computer's cache (here, the test's).
    let photo = dir.path().join("SKU-0002.jpg");
    image::DynamicImage::ImageRgb8(crate::images::quadrants(40, 30))
        .save(&photo)
        .unwrap();
    let cache = dir.path().join("cache");
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["--server", &sam, "import", "--by-sku"])
        .arg(&photo)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("Added to SKU-0002"),
        "{}",
        stdout(&imported)
    );
    let sha = sha256_hex(&std::fs::read(&photo).unwrap());
    let cached = cache
        .join("shelfkeeper/photos")
        .join(&sha[..2])
        .join(format!("{sha}.jpg"));
    assert!(cached.is_file(), "{cached:?}");
    let on_product: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM product_images AS i JOIN products AS p ON p.id = i.product_id
             WHERE p.sku = 'SKU-0002' AND i.sha256 = $1",
            &[&sha],
        )
        .unwrap()
        .get(0);
    assert_eq!(on_product, 1);

    // Variants, by the same commands as on a library.
    let listed = stdout(&on_server(&["variant", "list", "TEE"]));
    assert!(listed.contains("TEE-S-RED"), "{listed}");
    let generated = on_server(&[
        "variant",
        "generate",
        "tee",
        "--option",
        "Size=S,M,L",
        "--option",
        "Colour=Red,Blue",
        "--price",
        "16.00",
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    assert!(
        stdout(&generated).contains("Added 2 variants to TEE (6 in all)."),
        "{}",
        stdout(&generated)
    );
    let edited = on_server(&["variant", "edit", "tee-l-blue", "--stock", "7"]);
    assert!(
        stdout(&edited).contains("Saved variant TEE-L-BLUE (version 1)."),
        "{}{}",
        stdout(&edited),
        stderr(&edited)
    );
    assert!(stdout(&on_server(&["variant", "trash", "TEE-S-RED"])).contains("Moved 1 to the trash."));
    let in_trash = stdout(&on_server(&["variant", "list", "TEE", "--trash"]));
    assert!(
        in_trash.contains("TEE-S-RED") && !in_trash.contains("TEE-L-BLUE"),
        "{in_trash}"
    );
    let (actor, stock): (String, i64) = {
        let mut client = db.client();
        let actor = client
            .query_one(
                "SELECT actor FROM audit_log WHERE table_name = 'variants' ORDER BY id DESC LIMIT 1",
                &[],
            )
            .unwrap()
            .get(0);
        let stock = client
            .query_one("SELECT stock FROM products WHERE sku = 'TEE'", &[])
            .unwrap()
            .get(0);
        (actor, stock)
    };
    assert_eq!(actor, "sam");
    assert_eq!(
        stock,
        3 * 3 + 7,
        "three of the first four left at 3 each, and TEE-L-BLUE's 7"
    );

    // History, bulk edits and undo, as sam.
    let added = on_server(&[
        "product", "add", "--sku", "CLI-UNDO", "--name", "Undo me", "--price", "1",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));
    let status_of_0002 = || -> String {
        db.client()
            .query_one("SELECT status FROM products WHERE sku = 'SKU-0002'", &[])
            .unwrap()
            .get(0)
    };
    let was = status_of_0002();
    let other = if was == "archived" { "active" } else { "archived" };
    let bulk = on_server(&[
        "bulk",
        "CLI-UNDO",
        "SKU-0002",
        "--status",
        other,
        "--add-tag",
        "team sale",
    ]);
    assert!(bulk.status.success(), "{}", stderr(&bulk));
    assert!(stdout(&bulk).contains("Changed 2 products."), "{}", stdout(&bulk));
    let history = stdout(&on_server(&["history", "CLI-UNDO"]));
    let whats: Vec<(&str, &str)> = history
        .lines()
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words[2], words[3])
        })
        .collect();
    assert_eq!(
        whats,
        [("sam", "tag_added"), ("sam", "edited"), ("sam", "created")],
        "{history}"
    );
    let undone = on_server(&["undo"]);
    assert!(
        stdout(&undone).starts_with("Undid your last change to SKU-0002"),
        "{}{}",
        stdout(&undone),
        stderr(&undone)
    );
    assert_eq!(status_of_0002(), was, "the bulk edit's status is undone");

    // Categories and tags, as sam.
    let renamed = on_server(&["category", "rename", "Tableware > Cups", "Mugs"]);
    assert!(
        stdout(&renamed).contains("Renamed to Tableware > Mugs."),
        "{}{}",
        stdout(&renamed),
        stderr(&renamed)
    );
    assert!(stdout(&on_server(&["category", "list"])).contains("Tableware > Mugs"));
    let merged = on_server(&["tag", "rename", "team sale", "Sale"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert!(stdout(&on_server(&["tag", "list"])).contains("Sale"));

    let elsewhere = on_server(&["stats"]);
    assert!(!elsewhere.status.success());
    assert!(
        stderr(&elsewhere).contains("works on a local library"),
        "{}",
        stderr(&elsewhere)
    );
    assert!(!nowhere.exists(), "no library was made for a server command");
}

#[rstest]
fn a_snapshot_reads_the_catalog_as_it_was_when_it_began(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    let mut olga = shop.open_as("olga");
    let opened = olga.create_product(&mug()).unwrap();
    let mut reader = shop.open_as("olga");
    let mut seen = Vec::new();
    reader
        .snapshot(&mut |store| {
            seen.push(store.product(opened.id)?.name);
            let mut renamed = mug();
            renamed.name = "Renamed meanwhile".into();
            olga.update_product(opened.id, opened.version, &renamed)?;
            olga.create_product(&product("NEW-1", "Made meanwhile", 100))?;
            seen.push(store.product(opened.id)?.name);
            seen.push(store.list(&ProductQuery::default())?.items.len().to_string());
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, ["Blue mug", "Blue mug", "1"], "others' saves are not seen");
    assert_eq!(reader.product(opened.id).unwrap().name, "Renamed meanwhile");

    let failed = reader
        .snapshot(&mut |store| store.product(999_999).map(drop))
        .unwrap_err();
    assert_eq!(failed.kind(), ErrorKind::NotFound, "{failed}");
    assert_eq!(
        reader.product_count().unwrap(),
        2,
        "the store reads on after a failed snapshot"
    );
}

/// The busy library with two phone photos on the tee shirt: a HEIC, and a swatch only one
/// of its variants still shows (the product's link to it is in the trash).
fn library_with_phone_photos() -> (TestLibrary, String, String) {
    use shelf_core::images::{self, ImportTarget};
    let lib = crate::server_push::busy_library();
    let phone = lib.dir.path().join("phone");
    std::fs::create_dir_all(&phone).unwrap();
    let pixels = image::DynamicImage::ImageRgb8(crate::images::quadrants(64, 48));
    let heic = phone.join("IMG_0001.HEIC");
    std::fs::write(&heic, crate::heif::heic(&pixels)).unwrap();
    let swatch = phone.join("swatch.png");
    pixels.save(&swatch).unwrap();
    let mut catalog = lib.catalog();
    let tee = Store::product_by_sku(&mut catalog, "TEE").unwrap();
    let report = images::import(
        &mut catalog,
        &[heic, swatch],
        ImportTarget::Product(tee.id),
        &shelf_core::job::Job::silent(),
    )
    .unwrap();
    assert_eq!(report.count(shelf_core::job::Outcome::Done), 2, "{report:?}");
    let photos = images::product_images(catalog.conn(), tee.id).unwrap();
    let (heic_sha, swatch_sha) = (photos[0].sha256.clone(), photos[1].sha256.clone());
    assert_eq!(photos[0].mime, "image/heic");
    let variant = tee.variants[0].sku.clone();
    assert_eq!(
        catalog
            .set_variant_images(&[(variant, swatch_sha.clone())])
            .unwrap(),
        1
    );
    catalog.trash_image(photos[1].id).unwrap();
    drop(catalog);
    (lib, heic_sha, swatch_sha)
}

/// Every file under `dir`, by its name there, with its bytes.
fn files_in(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walk_files(dir)
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_export_writes_the_same_files_from_either_engine() {
    use shelf_core::export::{self, ExportFormat, ExportPhotos};
    let (lib, heic_sha, swatch_sha) = library_with_phone_photos();
    let db = server().empty_database();
    shelf_core::server::push::push(&lib.catalog(), &mut db.client()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let cases = [
        (ExportFormat::Csv, ExportPhotos::None),
        (ExportFormat::Json, ExportPhotos::Originals),
        (ExportFormat::Shopify, ExportPhotos::ShopReady),
        (ExportFormat::Woocommerce, ExportPhotos::ShopReady),
    ];
    for (format, photos) in cases {
        let mut written = Vec::new();
        for engine in ["sqlite", "server"] {
            let folder = out.path().join(format!("{format:?}-{engine}"));
            std::fs::create_dir_all(&folder).unwrap();
            let file = folder.join("products.out");
            let images = folder.join("images");
            let mut store: Box<dyn Store> = match engine {
                "sqlite" => Box::new(lib.catalog().reader().unwrap()),
                _ => Box::new(TeamCatalog::open(db.client()).unwrap()),
            };
            let summary = export::export(
                &mut *store,
                format,
                &file,
                photos.out_to(&images),
                &ProductQuery::default(),
                None,
                &shelf_core::job::Job::silent(),
            )
            .unwrap();
            // The JSON names the schema it was read from, and each engine counts its own.
            let text = String::from_utf8(std::fs::read(&file).unwrap()).unwrap();
            let text: Vec<&str> = text
                .lines()
                .filter(|line| !line.starts_with("\"schema_version\""))
                .collect();
            let summary = (
                summary.products,
                summary.rows,
                summary.images_copied,
                summary.images_missing,
            );
            written.push((summary, text.join("\n"), files_in(&images)));
        }
        let (sqlite, server) = (&written[0], &written[1]);
        assert!(sqlite.0 .0 >= 8, "{format:?}: {:?}", sqlite.0);
        assert_eq!(server.0, sqlite.0, "{format:?}: what was written");
        assert!(server.1 == sqlite.1, "{format:?}: the file differs");
        let names: Vec<&str> = server.2.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            sqlite.2.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
            "{format:?}"
        );
        assert!(server.2 == sqlite.2, "{format:?}: a photo's bytes differ");
        let has = |name: String| names.contains(&name.as_str());
        match photos {
            ExportPhotos::None => assert!(names.is_empty()),
            ExportPhotos::Originals => assert!(has(format!("{heic_sha}.heic")), "{names:?}"),
            ExportPhotos::ShopReady => {
                assert!(has(format!("{heic_sha}.jpg")), "{names:?}");
                assert!(
                    has(format!("{swatch_sha}.png")),
                    "the photo only a variant shows: {names:?}"
                );
                assert!(sqlite.0 .2 >= 40, "{:?}", sqlite.0);
            }
        }
    }
}

/// A seller's folder of photos named by SKU, with the awkward ones: the same photo under two
/// names, one for a product in the trash, a damaged file, a phone's HEIC and a text file.
fn folder_of_photos(dir: &std::path::Path) -> std::path::PathBuf {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    let pixels = image::DynamicImage::ImageRgb8(crate::images::quadrants(80, 60));
    pixels.save(photos.join("MUG-1.jpg")).unwrap();
    std::fs::copy(photos.join("MUG-1.jpg"), photos.join("NEW-7_2.jpg")).unwrap();
    pixels.fliph().save(photos.join("MUG-1_2.png")).unwrap();
    pixels.flipv().save(photos.join("NEW-7.jpg")).unwrap();
    pixels.rotate180().save(photos.join("OLD-3.jpg")).unwrap();
    std::fs::write(photos.join("IMG_0001.HEIC"), crate::heif::heic(&pixels.fliph())).unwrap();
    std::fs::write(
        photos.join("BROKEN-1.jpg"),
        b"\xff\xd8\xff\xe0 not really a photo",
    )
    .unwrap();
    std::fs::write(photos.join("notes.txt"), "order more mugs").unwrap();
    photos
}

type PhotoRow = (String, i64, String, String, (i64, i64), bool);

/// Each product's SKU and status, with its photos as the editor lists them.
fn products_with_photos(store: &mut dyn Store) -> Vec<(String, String, Vec<PhotoRow>)> {
    let query = ProductQuery {
        limit: 100,
        ..ProductQuery::default()
    };
    let page = store.list(&query).unwrap();
    let mut all = Vec::new();
    for row in page.items {
        let photos = store.product_images(row.id).unwrap();
        let photos = photos
            .into_iter()
            .map(|p| {
                let at = (p.sha256, p.position, p.mime, p.file_name);
                (
                    at.0,
                    at.1,
                    at.2,
                    at.3,
                    (p.width, p.height),
                    p.deleted_at.is_some(),
                )
            })
            .collect();
        all.push((row.sku, format!("{:?}", row.status), photos));
    }
    all.sort();
    all
}

#[test]
fn a_photo_import_gives_every_file_the_same_result_and_rows_on_either_engine() {
    use shelf_core::images::ImportTarget;
    use shelf_core::job::{Job, Outcome};
    let dir = tempfile::tempdir().unwrap();
    let photos = folder_of_photos(dir.path());
    let mut seen = Vec::new();
    for engine in [Engine::Sqlite, Engine::Server] {
        let shop = Shop::new(engine);
        shop.add_person("sam", Role::Staff);
        let mut store = shop.open_as("sam");
        store.create_product(&mug()).unwrap();
        let old = store.create_product(&product("OLD-3", "Old jug", 900)).unwrap();
        store.move_to_trash(&[old.id]).unwrap();
        let first = store
            .import_photos(std::slice::from_ref(&photos), ImportTarget::BySku, &Job::silent())
            .unwrap();
        let again = store
            .import_photos(std::slice::from_ref(&photos), ImportTarget::BySku, &Job::silent())
            .unwrap();
        let said = |report: &shelf_core::job::JobReport| -> Vec<(String, Outcome, String)> {
            let mut items: Vec<_> = report
                .items
                .iter()
                .map(|i| {
                    let name = i.name.rsplit('/').next().unwrap().to_owned();
                    (name, i.outcome, i.message.clone())
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            items
        };
        let rows = products_with_photos(&mut *store);
        // Every original the catalog names reads back as the photo it was, and the viewer
        // gets it (a HEIC as its JPEG copy), twice: the second time from what it kept.
        for (_, _, photos) in &rows {
            for (sha, _, mime, ..) in photos {
                let image = store.original_photo(sha).unwrap().expect(sha);
                let bytes = store.original(&image).unwrap().unwrap().read().unwrap();
                assert_eq!(sha256_hex(&bytes), *sha, "{engine:?}");
                for _ in 0..2 {
                    let (shown, shown_mime) = store.viewable_photo(sha).unwrap();
                    if mime == "image/heic" {
                        assert_eq!(shown_mime, "image/jpeg", "{engine:?}");
                        assert!(image::load_from_memory(&shown).is_ok(), "{engine:?}");
                    } else {
                        assert_eq!((shown_mime.as_str(), shown == bytes), (mime.as_str(), true));
                    }
                }
            }
        }
        seen.push((said(&first), said(&again), rows));
    }
    let (sqlite, server) = (&seen[0], &seen[1]);
    let outcome = |name: &str| sqlite.0.iter().find(|i| i.0 == name).unwrap().1;
    assert_eq!(outcome("MUG-1.jpg"), Outcome::Done, "{:?}", sqlite.0);
    assert_eq!(outcome("OLD-3.jpg"), Outcome::Refused, "a product in the trash");
    assert_eq!(outcome("BROKEN-1.jpg"), Outcome::Refused, "a damaged file");
    assert!(
        sqlite.0.iter().any(|i| i.2.contains("stored once")),
        "the same photo twice: {:?}",
        sqlite.0
    );
    assert!(
        sqlite.1.iter().all(|i| i.1 != Outcome::Done),
        "a second import adds nothing: {:?}",
        sqlite.1
    );
    assert_eq!(server.0, sqlite.0, "what each file's import said");
    assert_eq!(server.1, sqlite.1, "what the second import said");
    assert_eq!(server.2, sqlite.2, "the products and their photos");
    let new = sqlite.2.iter().find(|p| p.0 == "NEW-7").unwrap();
    assert_eq!((new.1.as_str(), new.2.len()), ("Draft", 2), "{new:?}");
    let old = sqlite.2.iter().find(|p| p.0 == "OLD-3");
    assert!(old.is_none_or(|p| p.2.is_empty()), "{old:?}");
}

#[test]
fn a_cached_photo_that_changed_on_disk_is_replaced_before_it_is_sent() {
    use shelf_core::images::ImportTarget;
    use shelf_core::job::{Job, Outcome};
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("MUG-1.jpg");
    image::DynamicImage::ImageRgb8(crate::images::quadrants(80, 60))
        .save(&photo)
        .unwrap();
    let sha = sha256_hex(&std::fs::read(&photo).unwrap());
    let cache = dir.path().join("cache");
    let cached = cache.join(&sha[..2]).join(format!("{sha}.jpg"));
    std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
    std::fs::write(&cached, b"something else entirely").unwrap();
    let shop = Shop::new(Engine::Server);
    let Shop::Server(db) = &shop else { unreachable!() };
    let mut team = TeamCatalog::open(db.client_as("olga")).unwrap();
    team.keep_photos_in(cache.clone());
    let mug = team.create_product(&mug()).unwrap();
    let report = team
        .import_photos(
            std::slice::from_ref(&photo),
            ImportTarget::Product(mug.id),
            &Job::silent(),
        )
        .unwrap();
    assert_eq!(report.items[0].outcome, Outcome::Done, "{report:?}");
    assert_eq!(std::fs::read(&cached).unwrap(), std::fs::read(&photo).unwrap());
    let image = team.original_photo(&sha).unwrap().unwrap();
    let bytes = team.original(&image).unwrap().unwrap().read().unwrap();
    assert_eq!(sha256_hex(&bytes), sha);
}

#[rstest]
fn a_products_photos_reorder_describe_turn_and_come_back(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use shelf_core::images::ImportTarget;
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut store = shop.open_as("sam");
    let mug = store.create_product(&mug()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pixels = image::DynamicImage::ImageRgb8(crate::images::quadrants(80, 60));
    let files = ["front.jpg", "side.png", "top.jpg"].map(|name| dir.path().join(name));
    pixels.save(&files[0]).unwrap();
    pixels.fliph().save(&files[1]).unwrap();
    pixels.flipv().save(&files[2]).unwrap();
    let report = store
        .import_photos(
            &files,
            ImportTarget::Product(mug.id),
            &shelf_core::job::Job::silent(),
        )
        .unwrap();
    assert!(!report.any_refused(), "{report:?}");
    let shown = |store: &mut dyn Store| -> Vec<(String, i64, bool)> {
        let images = store.product_images(mug.id).unwrap();
        images
            .into_iter()
            .map(|i| (i.file_name, i.position, i.deleted_at.is_some()))
            .collect()
    };
    let ids: Vec<i64> = store
        .product_images(mug.id)
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    let (front, side, top) = (ids[0], ids[1], ids[2]);

    store.reorder_images(mug.id, &[top, front, side]).unwrap();
    assert_eq!(
        shown(&mut *store),
        [
            ("top.jpg".into(), 0, false),
            ("front.jpg".into(), 1, false),
            ("side.png".into(), 2, false)
        ]
    );
    assert_eq!(
        store.product(mug.id).unwrap().primary_image,
        Some(store.product_images(mug.id).unwrap()[0].sha256.clone())
    );
    let stale = store.reorder_images(mug.id, &[front, side]).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::Conflict, "{stale}");

    store
        .set_image_alt_text(front, "  Blue mug, from the front ")
        .unwrap();
    let missing = store.set_image_alt_text(999_999, "nothing").unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
    let too_long = store.set_image_alt_text(front, &"x".repeat(600)).unwrap_err();
    assert_eq!(too_long.kind(), ErrorKind::Validation, "{too_long}");

    let sha = store.product_images(mug.id).unwrap()[0].sha256.clone();
    let before = store.thumbnail(&sha).unwrap();
    assert!(before.width > before.height, "{before:?}");
    store.rotate_image(top).unwrap();
    let turned = store.thumbnail(&sha).unwrap();
    assert_eq!((turned.width, turned.height), (before.height, before.width));
    assert_eq!(store.product_images(mug.id).unwrap()[0].rotation, 90);

    store.trash_image(front).unwrap();
    store.trash_image(front).unwrap();
    assert_eq!(
        shown(&mut *store),
        [
            ("top.jpg".into(), 0, false),
            ("side.png".into(), 2, false),
            ("front.jpg".into(), 1, true)
        ]
    );
    assert_eq!(
        store.photos(mug.id).unwrap().len(),
        2,
        "an export leaves out removed photos"
    );
    store.restore_image(front).unwrap();
    let back = store.product_images(mug.id).unwrap();
    assert_eq!(
        (back[2].id, back[2].position, back[2].alt_text.as_str()),
        (front, 3, "Blue mug, from the front")
    );
}

#[rstest]
fn a_new_category_from_the_editor_is_refused_beside_a_sibling_of_the_same_name(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut store = shop.open_as("sam");
    let kitchen = store.create_category("  Kitchen ", None).unwrap();
    assert_eq!(
        (kitchen.name.as_str(), kitchen.path.as_str()),
        ("Kitchen", "Kitchen")
    );
    let mugs = store.create_category("Mugs", Some(kitchen.id)).unwrap();
    assert_eq!(mugs.path, "Kitchen > Mugs");
    let twice = store.create_category("kitchen", None).unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::Conflict, "{twice}");
    assert!(twice.to_string().contains("category"), "{twice}");
    let nowhere = store.create_category("Cups", Some(999_999)).unwrap_err();
    assert_eq!(nowhere.kind(), ErrorKind::NotFound, "{nowhere}");
    let blank = store.create_category("   ", None).unwrap_err();
    assert_eq!(blank.kind(), ErrorKind::Validation, "{blank}");
    let paths: Vec<String> = store.categories().unwrap().into_iter().map(|c| c.path).collect();
    assert_eq!(paths, ["Kitchen", "Kitchen > Mugs"]);
}

/// The SKUs and option values of the product's variants (live or in the trash), in order.
fn variant_lines(store: &mut dyn Store, product: i64, in_trash: bool) -> Vec<String> {
    store
        .variants(product, in_trash)
        .unwrap()
        .iter()
        .map(|v| {
            let values: Vec<&str> = [&v.option1, &v.option2, &v.option3]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            format!("{} {} {} x{}", v.sku, values.join("/"), v.price_minor, v.stock)
        })
        .collect()
}

#[rstest]
fn a_products_variants_are_generated_edited_and_trashed_in_the_same_words_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use shelf_core::catalog::variants::{OptionValues, VariantBulkEdit, VariantFields};
    use shelf_core::money::PriceChange;
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut store = shop.open_as("sam");
    let tee = store
        .create_product(&product("TEE-1", "Linen tee", 2500))
        .unwrap();
    let early = store
        .create_variant(
            tee.id,
            &VariantFields {
                sku: "TEE-EARLY".into(),
                option1: Some("S".into()),
                price_minor: 2000,
                ..VariantFields::default()
            },
        )
        .unwrap_err();
    assert_eq!(early.kind(), ErrorKind::Validation, "{early}");
    assert!(
        early.to_string().contains("Give the product its options"),
        "{early}"
    );

    let option = |name: &str, values: &[&str]| OptionValues {
        name: name.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let generated = store
        .generate_variants(
            tee.id,
            &[option("Size", &["S", " M "]), option("Colour", &["Red"])],
            2000,
            3,
        )
        .unwrap();
    assert_eq!(
        variant_lines(&mut *store, tee.id, false),
        ["TEE-1-S-RED S/Red 2000 x3", "TEE-1-M-RED M/Red 2000 x3"]
    );
    assert_eq!(
        (generated.price_minor, generated.stock),
        (2000, 6),
        "the product sells through its variants: their lowest price, their total stock"
    );
    assert_eq!(generated.options.len(), 2);
    let again = store
        .generate_variants(
            tee.id,
            &[option("Size", &["s", "M", "L"]), option("Colour", &["red"])],
            2400,
            1,
        )
        .unwrap();
    assert_eq!(again.variants.len(), 3, "only the missing combination is added");
    assert_eq!(again.variants[2].sku, "TEE-1-L-RED");
    let no_values = store
        .generate_variants(
            tee.id,
            &[option("Size", &[]), option("Colour", &["Red"])],
            2000,
            1,
        )
        .unwrap_err();
    assert_eq!(no_values.kind(), ErrorKind::Validation, "{no_values}");

    let new_fields = |sku: &str, size: &str, colour: &str| VariantFields {
        sku: sku.into(),
        option1: Some(size.into()),
        option2: Some(colour.into()),
        price_minor: 1900,
        stock: 2,
        ..VariantFields::default()
    };
    let taken = store
        .create_variant(tee.id, &new_fields("tee-1", "XL", "Red"))
        .unwrap_err();
    assert_eq!(taken.kind(), ErrorKind::Conflict, "{taken}");
    assert_eq!(
        taken.to_string(),
        "SKU tee-1 is already used by product Linen tee."
    );
    let twin = store
        .create_variant(tee.id, &new_fields("TEE-TWIN", "m", "RED"))
        .unwrap_err();
    assert_eq!(
        twin.to_string(),
        "The variant TEE-1-M-RED already has these option values."
    );
    let third = VariantFields {
        option3: Some("Cotton".into()),
        ..new_fields("TEE-3", "XL", "Red")
    };
    let nowhere = store.create_variant(tee.id, &third).unwrap_err();
    assert_eq!(
        nowhere.to_string(),
        "This product has no option 3, so the value Cotton has nowhere to go."
    );
    let xl = store
        .create_variant(tee.id, &new_fields(" TEE-XL ", "XL", "Red"))
        .unwrap();
    assert_eq!((xl.sku.as_str(), xl.position), ("TEE-XL", 3));
    assert_eq!(store.product(tee.id).unwrap().price_minor, 1900);

    let fewer = store.set_options(tee.id, &["Size".into()]).unwrap_err();
    assert_eq!(fewer.kind(), ErrorKind::Refused, "{fewer}");
    let renamed = store
        .set_options(tee.id, &["Size".into(), "Color".into()])
        .unwrap();
    let names: Vec<&str> = renamed.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Size", "Color"]);
    assert_eq!(
        renamed.options[1].values,
        ["Red"],
        "the variants keep their values"
    );

    let edited = store
        .update_variant(
            xl.id,
            xl.version,
            &VariantFields {
                barcode: Some("4006381333931".into()),
                price_minor: 2800,
                ..new_fields("TEE-XL", "XL", "Red")
            },
        )
        .unwrap();
    assert_eq!(edited.version, xl.version + 1);
    assert_eq!(store.variant_by_sku("tee-xl").unwrap(), edited);
    let stale = store
        .update_variant(xl.id, xl.version, &new_fields("TEE-XL", "XL", "Blue"))
        .unwrap_err();
    match &stale {
        Error::Conflict {
            current: Some(current),
            ..
        } => assert_eq!(current["version"], edited.version),
        other => panic!("expected a Conflict carrying the variant, got {other:?}"),
    }
    assert_eq!(
        store.variant_by_sku("TEE-XL").unwrap().option2.as_deref(),
        Some("Red")
    );

    let ids: Vec<i64> = store
        .variants(tee.id, false)
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(
        store
            .bulk_edit_variants(&ids, &VariantBulkEdit::SetStock(5))
            .unwrap(),
        4
    );
    assert_eq!(store.product(tee.id).unwrap().stock, 20);
    let cut = VariantBulkEdit::AdjustPrice(PriceChange::Amount("-25.00".into()));
    let refused = store.bulk_edit_variants(&ids, &cut).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Validation, "{refused}");
    assert!(refused.to_string().starts_with("TEE-1-S-RED: "), "{refused}");
    assert_eq!(
        variant_lines(&mut *store, tee.id, false),
        [
            "TEE-1-S-RED S/Red 2000 x5",
            "TEE-1-M-RED M/Red 2000 x5",
            "TEE-1-L-RED L/red 2400 x5",
            "TEE-XL XL/Red 2800 x5"
        ],
        "a refused bulk edit changes none"
    );
    let raise = VariantBulkEdit::AdjustPrice(PriceChange::PercentHundredths(1000));
    store.bulk_edit_variants(&ids[..1], &raise).unwrap();
    assert_eq!(store.variant_by_sku("TEE-1-S-RED").unwrap().price_minor, 2200);

    assert_eq!(store.trash_variants(&[ids[1], ids[1]]).unwrap(), 1);
    assert_eq!(
        variant_lines(&mut *store, tee.id, true),
        ["TEE-1-M-RED M/Red 2000 x5"]
    );
    assert_eq!(
        store.product(tee.id).unwrap().stock,
        15,
        "a trashed variant's stock leaves the total"
    );
    let gone = store.trash_variants(&[999_999]).unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound, "{gone}");
    store
        .create_variant(tee.id, &new_fields("TEE-M2", "M", "Red"))
        .unwrap();
    let back = store.restore_variants(&[ids[1]]).unwrap_err();
    assert_eq!(back.kind(), ErrorKind::Conflict, "{back}");
    assert_eq!(
        back.to_string(),
        "Another variant of this product already has these option values."
    );
    assert_eq!(
        variant_lines(&mut *store, tee.id, true).len(),
        1,
        "still in the trash"
    );
}

fn person<'a>(username: &'a str, role: Role) -> NewUser<'a> {
    NewUser {
        username,
        display_name: "Someone",
        email: None,
        role,
    }
}

/// People are added and deactivated under the same rules in the same words on either engine;
/// on a team server each is a login, which deactivating closes. (Login names are the
/// cluster's, so these are used by this test alone.)
#[rstest]
fn people_are_added_and_deactivated_in_the_same_words_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    let mut store = shop.open_as("olga");
    let on_server = matches!(engine, Engine::Server);
    let password = on_server.then_some("correct horse battery");
    if on_server {
        let none = store
            .add_person(person("cara.teamtest", Role::Staff), None)
            .unwrap_err();
        assert_eq!(none.field(), Some("password"), "{none}");
        let short = store
            .add_person(person("cara.teamtest", Role::Staff), Some("short"))
            .unwrap_err();
        assert_eq!(short.field(), Some("password"), "{short}");
    } else {
        let kept = store
            .add_person(person("cara.teamtest", Role::Staff), Some("a password"))
            .unwrap_err();
        assert_eq!(kept.kind(), ErrorKind::Refused, "{kept}");
    }
    let cara = store
        .add_person(
            NewUser {
                display_name: " Cara Diaz ",
                email: Some("cara@example.com"),
                ..person(" cara.teamtest ", Role::Staff)
            },
            password,
        )
        .unwrap();
    assert_eq!(
        (
            cara.username.as_str(),
            cara.display_name.as_str(),
            cara.email.as_deref()
        ),
        ("cara.teamtest", "Cara Diaz", Some("cara@example.com"))
    );
    assert!(cara.is_active && cara.role == Role::Staff);
    let twice = store
        .add_person(person("CARA.teamtest", Role::Owner), password)
        .unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::Conflict, "{twice}");
    assert_eq!(twice.to_string(), "The username CARA.teamtest is already taken.");
    let mut names: Vec<String> = store.users().unwrap().into_iter().map(|u| u.username).collect();
    // A library starts with its first owner, `owner`; a server has only the people it was given.
    if !on_server {
        names.retain(|n| n != "owner");
        store.set_user_active("owner", false).unwrap();
    }
    assert_eq!(names, ["cara.teamtest", "olga"]);

    let alone = store.set_user_active("olga", false).unwrap_err();
    assert_eq!(alone.kind(), ErrorKind::Refused, "{alone}");
    assert!(alone.to_string().contains("the only active owner"), "{alone}");
    shop.add_person("pia.teamtest", Role::Owner);
    let myself = store.set_user_active("olga", false).unwrap_err();
    assert!(
        myself.to_string().starts_with("You can't deactivate yourself"),
        "{myself}"
    );
    let nobody = store.set_user_active("nobody", false).unwrap_err();
    assert_eq!(nobody.kind(), ErrorKind::NotFound, "{nobody}");

    let can_log_in = |shop: &Shop| match shop {
        Shop::Server(db) => {
            Some(postgres::Client::connect(&db.url("cara.teamtest"), postgres::NoTls).is_ok())
        }
        Shop::Sqlite(_) => None,
    };
    assert_eq!(can_log_in(&shop), on_server.then_some(true));
    let gone = store.set_user_active("Cara.teamtest", false).unwrap();
    assert!(!gone.is_active);
    assert_eq!(
        can_log_in(&shop),
        on_server.then_some(false),
        "the login is closed with the person"
    );
    let back = store.set_user_active("cara.teamtest", true).unwrap();
    assert!(back.is_active);
    assert_eq!(can_log_in(&shop), on_server.then_some(true));
}

/// Only owners manage people: the server refuses a staff login, whatever client it uses.
#[test]
fn the_server_refuses_people_changes_by_staff() {
    let shop = Shop::new(Engine::Server);
    shop.add_person("sam", Role::Staff);
    shop.add_person("pia.teamtest", Role::Owner);
    let mut store = shop.open_as("sam");
    let added = store
        .add_person(person("eve.teamtest", Role::Owner), Some("correct horse battery"))
        .unwrap_err();
    assert!(added.to_string().contains("for owners"), "{added}");
    let deactivated = store.set_user_active("olga", false).unwrap_err();
    assert!(deactivated.to_string().contains("for owners"), "{deactivated}");
    let Shop::Server(db) = &shop else { unreachable!() };
    let by_psql = db.psql("sam", "SELECT set_person_active('olga', false)");
    assert!(!by_psql.status.success());
    assert!(String::from_utf8_lossy(&by_psql.stderr).contains("permission denied"));
    let active: i32 = db
        .client()
        .query_one("SELECT is_active FROM users WHERE username = 'olga'", &[])
        .unwrap()
        .get(0);
    assert_eq!(active, 1);
}

/// What each history entry says, newest first: what happened, by whom, to which fields (a
/// tag's name for a tag entry).
fn history_lines(store: &mut dyn Store, id: i64) -> Vec<String> {
    store
        .product_history(id, 50)
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e.at.ends_with('Z') && e.at.len() == 24, "{}", e.at);
            let mut fields: Vec<String> = e
                .changes
                .iter()
                .map(|c| match (&c.before, &c.after) {
                    (_, serde_json::Value::String(tag)) | (serde_json::Value::String(tag), _)
                        if c.field == "tags" =>
                    {
                        format!("tags {tag}")
                    }
                    _ => c.field.clone(),
                })
                .collect();
            fields.sort();
            format!("{} {} {}", e.what, e.actor, fields.join(","))
        })
        .collect()
}

#[rstest]
fn a_products_history_restores_and_undoes_in_the_same_way_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut olga = shop.open_as("olga");
    let mut sam = shop.open_as("sam");
    let mug = olga.create_product(&mug()).unwrap();
    let edited = olga
        .update_product(
            mug.id,
            mug.version,
            &ProductFields {
                name: "Blue mug, large".into(),
                price_minor: 1700,
                tags: vec!["kitchen".into()],
                ..self::mug()
            },
        )
        .unwrap();
    let mut lines = history_lines(&mut *olga, mug.id);
    // A new product's tags are written in one statement: their order is the engine's.
    lines[2..4].sort();
    assert_eq!(
        lines,
        [
            "tag_removed olga tags Gift",
            "edited olga name,price_minor",
            "tag_added olga tags Gift",
            "tag_added olga tags kitchen",
            "created olga barcode,compare_at_minor,currency,description,handle,name,price_minor,sku,status,stock,vendor,weight_grams",
        ],
        "newest first: a tag taken off after the edit of the row, tags given after the creation"
    );
    let entries = olga.product_history(mug.id, 50).unwrap();
    let created = entries.iter().find(|e| e.what == "created").unwrap().audit_id;
    assert_eq!(
        olga.product_history(mug.id, 2).unwrap().len(),
        2,
        "a limit is kept"
    );

    let restored = olga.restore_version(mug.id, created, edited.version).unwrap();
    assert_eq!((restored.name.as_str(), restored.price_minor), ("Blue mug", 1500));
    assert_eq!(
        restored.tags,
        ["kitchen"],
        "a restore leaves the tags as they are"
    );
    assert_eq!(restored.version, edited.version + 1);
    assert!(history_lines(&mut *olga, mug.id)[0].starts_with("edited olga name,price_minor"));
    let stale = olga.restore_version(mug.id, created, edited.version).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::Conflict, "{stale}");
    let cup = olga.create_product(&product("CUP-1", "Cup", 300)).unwrap();
    let elsewhere = olga.restore_version(cup.id, created, cup.version).unwrap_err();
    assert_eq!(
        elsewhere.to_string(),
        "That history entry belongs to another product."
    );
    let nowhere = olga
        .restore_version(mug.id, 987_654_321, restored.version)
        .unwrap_err();
    assert_eq!(nowhere.kind(), ErrorKind::NotFound, "{nowhere}");

    // Undo reverses the acting person's own latest change, not someone else's.
    let counted = sam
        .update_product(
            mug.id,
            restored.version,
            &ProductFields {
                stock: 3,
                ..store_fields(&restored)
            },
        )
        .unwrap();
    assert_eq!(counted.stock, 3);
    let undone = olga.undo_last_change().unwrap().unwrap();
    assert_eq!(undone.sku, "CUP-1", "olga's latest change is the cup she added");
    assert!(
        undone.deleted_at.is_some(),
        "undoing a creation moves it to the trash"
    );
    let by_sam = sam.undo_last_change().unwrap().unwrap();
    assert_eq!((by_sam.sku.as_str(), by_sam.stock), ("MUG-1", 12));
    assert_eq!(by_sam.name, "Blue mug", "olga's restore stays");
    assert!(
        sam.undo_last_change().unwrap().is_none(),
        "sam has nothing more to undo"
    );
    assert_eq!(shop.last_actor(mug.id), "sam");
    let again = olga.undo_last_change().unwrap().unwrap();
    assert_eq!(
        (
            again.sku.as_str(),
            again.name.as_str(),
            again.price_minor,
            again.stock
        ),
        ("MUG-1", "Blue mug, large", 1700, 12),
        "olga's restore is undone next, and sam's stock stays as his undo left it"
    );
    let trashed = olga.move_to_trash(&[again.id]).unwrap();
    assert_eq!(trashed, 1);
    let back = olga.undo_last_change().unwrap().unwrap();
    assert!(
        back.deleted_at.is_none(),
        "undoing a move to the trash restores it"
    );
}

/// The fields of a product as the editor would save them unchanged.
fn store_fields(p: &shelf_core::catalog::products::Product) -> ProductFields {
    ProductFields {
        sku: p.sku.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        price_minor: p.price_minor,
        currency: Some(p.currency.clone()),
        stock: p.stock,
        status: p.status,
        category_id: p.category_id,
        barcode: p.barcode.clone(),
        tags: p.tags.clone(),
        shop: p.shop.clone(),
    }
}

#[rstest]
fn a_bulk_edit_changes_many_products_all_or_none_in_the_same_words_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    use shelf_core::catalog::products::BulkEdit;
    use shelf_core::catalog::variants::{OptionValues, VariantBulkEdit};
    use shelf_core::money::PriceChange;
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut store = shop.open_as("olga");
    let mug = store.create_product(&mug()).unwrap();
    let cup = store.create_product(&product("CUP-1", "Cup", 300)).unwrap();
    let tee = store
        .create_product(&product("TEE-1", "Linen tee", 2500))
        .unwrap();
    let sizes = OptionValues {
        name: "Size".into(),
        values: vec!["S".into(), "M".into()],
    };
    let tee = store.generate_variants(tee.id, &[sizes], 2000, 1).unwrap();
    store
        .bulk_edit_variants(&[tee.variants[1].id], &VariantBulkEdit::SetPrice(2200))
        .unwrap();
    let ids = [mug.id, cup.id, tee.id];
    let state = |store: &mut dyn Store| -> Vec<String> {
        let mut lines: Vec<String> = ids
            .iter()
            .map(|&id| {
                let p = store.product(id).unwrap();
                format!(
                    "{} {} {} x{} [{}]",
                    p.sku,
                    p.status.as_str(),
                    p.price_minor,
                    p.stock,
                    p.tags.join(",")
                )
            })
            .collect();
        lines.extend(variant_lines(store, tee.id, false));
        lines
    };
    let versions = |store: &mut dyn Store| -> Vec<i64> {
        ids.iter().map(|&id| store.product(id).unwrap().version).collect()
    };
    let before = versions(&mut *store);

    let changed = store
        .bulk_edit_all(
            &ids,
            &[
                BulkEdit::SetStatus(Status::Active),
                BulkEdit::AddTag("  Sale ".into()),
                BulkEdit::AdjustPrice(PriceChange::PercentHundredths(-1000)),
            ],
        )
        .unwrap();
    assert_eq!(changed, 3);
    let after = state(&mut *store);
    assert_eq!(
        after,
        [
            "MUG-1 active 1350 x12 [Gift,kitchen,Sale]",
            "CUP-1 active 270 x0 [Sale]",
            "TEE-1 active 1800 x2 [Sale]",
            "TEE-1-S S 1800 x1",
            "TEE-1-M M 1980 x1",
        ],
        "a product with options takes the price change in its variants"
    );
    let moved = versions(&mut *store);
    assert!(
        moved.iter().zip(&before).all(|(a, b)| a > b),
        "{before:?} {moved:?}"
    );

    let cut = store
        .bulk_edit_all(
            &ids,
            &[BulkEdit::AdjustPrice(PriceChange::Amount("-5.00".into()))],
        )
        .unwrap_err();
    assert_eq!(cut.kind(), ErrorKind::Validation, "{cut}");
    assert!(cut.to_string().starts_with("CUP-1: "), "{cut}");
    assert_eq!(state(&mut *store), after, "a refused edit changes none");
    let negative = store.bulk_edit_all(&ids, &[BulkEdit::SetStock(-1)]).unwrap_err();
    assert_eq!(negative.field(), Some("stock"), "{negative}");
    let nowhere = store
        .bulk_edit_all(&ids, &[BulkEdit::SetCategory(Some(987_654))])
        .unwrap_err();
    assert_eq!(nowhere.to_string(), "There is no category with id 987654.");
    let missing = store
        .bulk_edit_all(&[mug.id, 987_654], &[BulkEdit::SetStatus(Status::Draft)])
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
    assert_eq!(state(&mut *store), after);
    assert_eq!(
        versions(&mut *store),
        moved,
        "refused edits leave every version as it was"
    );

    let mut sam = shop.open_as("sam");
    let kitchen = sam.ensure_category_path("Kitchen").unwrap();
    sam.bulk_edit_all(
        &ids,
        &[
            BulkEdit::SetStock(5),
            BulkEdit::RemoveTag("SALE".into()),
            BulkEdit::SetCategory(Some(kitchen.id)),
        ],
    )
    .unwrap();
    assert_eq!(
        state(&mut *sam),
        [
            "MUG-1 active 1350 x5 [Gift,kitchen]",
            "CUP-1 active 270 x5 []",
            "TEE-1 active 1800 x10 []",
            "TEE-1-S S 1800 x5",
            "TEE-1-M M 1980 x5",
        ],
        "a tag is taken off whatever its letter case; a stock reaches each variant"
    );
    assert_eq!(sam.product(cup.id).unwrap().category_id, Some(kitchen.id));
    assert_eq!(shop.last_actor(cup.id), "sam");
}

#[rstest]
fn categories_and_tags_are_renamed_moved_merged_and_deleted_in_the_same_words_on_either_engine(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    shop.add_person("sam", Role::Staff);
    let mut store = shop.open_as("sam");
    let kitchen = store.ensure_category_path("Home > Kitchen").unwrap();
    let home = store.category_by_path("Home").unwrap();
    let mugs = store.create_category("Mugs", Some(kitchen.id)).unwrap();
    let mug = store
        .create_product(&ProductFields {
            category_id: Some(mugs.id),
            ..mug()
        })
        .unwrap();
    store
        .create_product(&ProductFields {
            tags: vec!["gifts".into()],
            ..product("CUP-1", "Cup", 300)
        })
        .unwrap();

    let cups = store.rename_category(mugs.id, "  Cups ").unwrap();
    assert_eq!(cups.path, "Home > Kitchen > Cups");
    assert_eq!(
        store.product(mug.id).unwrap().category_path.as_deref(),
        Some("Home > Kitchen > Cups")
    );
    let plates = store.create_category("Plates", Some(kitchen.id)).unwrap();
    let twin = store.rename_category(plates.id, "cups").unwrap_err();
    assert_eq!(twin.kind(), ErrorKind::Conflict, "{twin}");
    assert_eq!(
        twin.to_string(),
        "A category with that name already exists there."
    );
    let nowhere = store.rename_category(987_654, "Bowls").unwrap_err();
    assert_eq!(nowhere.to_string(), "There is no category with id 987654.");
    let blank = store.rename_category(plates.id, "   ").unwrap_err();
    assert_eq!(blank.kind(), ErrorKind::Validation, "{blank}");
    let cycle = store.move_category(home.id, Some(cups.id)).unwrap_err();
    assert_eq!(cycle.to_string(), "A category can't be placed inside itself.");
    let top = store.move_category(cups.id, None).unwrap();
    assert_eq!((top.path.as_str(), top.parent_id), ("Cups", None));

    let used = store.delete_category(top.id).unwrap_err();
    assert_eq!(used.kind(), ErrorKind::Refused, "{used}");
    assert_eq!(
        used.to_string(),
        "Cups is used by Blue mug (MUG-1). Move those products to another category first."
    );
    let parent = store.delete_category(home.id).unwrap_err();
    assert_eq!(
        parent.to_string(),
        "This category has sub-categories. Move or delete them first."
    );
    store.delete_category(plates.id).unwrap();
    let paths: Vec<String> = store.categories().unwrap().into_iter().map(|c| c.path).collect();
    assert_eq!(paths, ["Cups", "Home", "Home > Kitchen"]);

    let tags = |store: &mut dyn Store| -> Vec<String> {
        store
            .tags()
            .unwrap()
            .into_iter()
            .map(|t| format!("{} x{}", t.name, t.product_count))
            .collect()
    };
    assert_eq!(tags(&mut *store), ["Gift x1", "gifts x1", "kitchen x1"]);
    store.rename_tag("GIFTS", "gift").unwrap();
    assert_eq!(
        tags(&mut *store),
        ["Gift x2", "kitchen x1"],
        "a rename to a name another tag has merges the two"
    );
    store.rename_tag("kitchen", " Kitchenware ").unwrap();
    let missing = store.rename_tag("nope", "other").unwrap_err();
    assert_eq!(missing.to_string(), "There is no tag \"nope\".");
    let comma = store.rename_tag("Gift", "a,b").unwrap_err();
    assert_eq!(comma.field(), Some("tag"), "{comma}");
    assert_eq!(store.delete_tag("gift").unwrap(), 2);
    assert_eq!(tags(&mut *store), ["Kitchenware x1"]);
    assert_eq!(store.product(mug.id).unwrap().tags, ["Kitchenware"]);
    let gone = store.delete_tag("gift").unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound, "{gone}");
}

/// The currency new products get is the catalog's: set from one computer, new products on
/// another get it; one the catalog doesn't know is refused in the same words on both
/// engines, and on a team server only an owner may change it (the server's grants).
#[rstest]
fn the_default_currency_is_the_catalogs_and_an_unknown_one_is_refused(
    #[values(Engine::Sqlite, Engine::Server)] engine: Engine,
) {
    let shop = Shop::new(engine);
    let mut olga = shop.open_as("olga");
    olga.set_default_currency(" eur ").unwrap();
    let mut other_computer = shop.open_as("olga");
    assert_eq!(
        other_computer.currency_units(None).unwrap(),
        ("EUR".to_owned(), 2)
    );
    let created = other_computer
        .create_product(&product("MUG-1", "Mug", 900))
        .unwrap();
    assert_eq!(created.currency, "EUR");

    let err = olga.set_default_currency("XYZ").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
    assert!(err.to_string().contains("That currency isn't known"), "{err}");
    assert_eq!(
        olga.currency_units(None).unwrap().0,
        "EUR",
        "the refusal changed nothing"
    );

    if engine == Engine::Server {
        shop.add_person("sam", Role::Staff);
        let err = shop.open_as("sam").set_default_currency("GBP").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{err}");
        assert!(err.to_string().contains("settings"), "{err}");
        assert_eq!(olga.currency_units(None).unwrap().0, "EUR");
    }
}
