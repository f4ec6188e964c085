//! The `shelf` command line as scripts use it: real process, real library folder.

use crate::util::*;

#[test]
fn a_product_round_trip_through_the_command_line() {
    let lib = TestLibrary::new();
    let ok = |args: &[&str]| {
        let out = lib.shelf(args);
        assert!(out.status.success(), "shelf {args:?}: {}", stderr(&out));
        stdout(&out)
    };
    ok(&["init"]);
    ok(&[
        "product",
        "add",
        "--sku",
        "ABC-1",
        "--name",
        "Blue mug",
        "--price",
        "12.99",
        "--stock",
        "4",
        "--category",
        "Home > Kitchen",
        "--tags",
        "blue,ceramic",
    ]);
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "product", "show", "abc-1"])).unwrap();
    assert_eq!(
        (shown["price_minor"].as_i64(), shown["category_path"].as_str()),
        (Some(1299), Some("Home > Kitchen"))
    );
    ok(&[
        "product",
        "edit",
        "ABC-1",
        "--price",
        "15",
        "--expect-version",
        "0",
    ]);
    let page: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "product", "list", "--sort", "price"])).unwrap();
    assert_eq!(page["items"][0]["price_minor"], 1500);
    assert!(ok(&["search", "blu"]).contains("ABC-1"));
    assert!(ok(&["history", "ABC-1"]).contains("price_minor: 1299 → 1500"));
    ok(&["product", "trash", "ABC-1"]);
    assert!(ok(&["product", "list", "--trash"]).contains("ABC-1"));
    ok(&["product", "purge", "ABC-1"]);
    assert!(ok(&["stats"]).contains("products 0"));
}

#[test]
fn refusals_exit_non_zero_with_a_one_line_reason() {
    let lib = TestLibrary::new();
    lib.shelf(&[
        "product", "add", "--sku", "ABC-1", "--name", "Blue mug", "--price", "1",
    ]);
    for (args, reason) in [
        (
            vec![
                "product", "add", "--sku", "abc-1", "--name", "Dup", "--price", "1",
            ],
            "SKU abc-1 is already used by Blue mug",
        ),
        (
            vec!["product", "add", "--sku", "N", "--name", "Neg", "--price", "-1"],
            "The price can't be negative.",
        ),
        (
            vec![
                "product", "add", "--sku", "P", "--name", "Cents", "--price", "1.999",
            ],
            "this currency has 2 decimal places",
        ),
        (
            vec![
                "product",
                "edit",
                "ABC-1",
                "--name",
                "Stale",
                "--expect-version",
                "7",
            ],
            "was changed by someone else",
        ),
        (vec!["user", "delete", "owner"], "owns 1 product"),
        (vec!["product", "purge", "ABC-1"], "not in the trash"),
    ] {
        let out = lib.shelf(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
    }
    let out = lib.shelf(&[
        "--json", "product", "add", "--sku", "N", "--name", "", "--price", "1",
    ]);
    let report: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(
        (report["kind"].as_str(), report["field"].as_str()),
        (Some("validation"), Some("name"))
    );
}

#[test]
fn check_exits_1_when_it_finds_a_problem() {
    let lib = TestLibrary::new();
    lib.shelf(&["product", "add", "--sku", "A", "--name", "A", "--price", "1"]);
    assert_eq!(lib.shelf(&["check"]).status.code(), Some(0));
    lib.plain_connection()
        .execute("UPDATE product_search SET name = 'drifted' WHERE rowid = 1", [])
        .unwrap();
    let out = lib.shelf(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("search_index"));
    assert_eq!(
        lib.shelf(&["optimize", "--rebuild-search"]).status.code(),
        Some(0)
    );
    assert_eq!(lib.shelf(&["check"]).status.code(), Some(0));
}

#[test]
fn the_library_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["--json", "init"])
        .env("SHELF_LIBRARY", dir.path().join("lib"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("lib/catalog.db").exists());
}
