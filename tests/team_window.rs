//! What the app's window on a team catalog stands on, below the window: a session that
//! connects again after a lost connection (asking a read again, never a write), the team
//! server a library profile remembers (checked as one typed in), and the follower that
//! turns others' saves into change batches and says when the server is gone and back.

use crate::server::TestDatabase;
use crate::server_rules::with_owner_and_product;
use crate::util::*;
use shelf_core::catalog::{ChangeKind, Entity};
use shelf_core::server::session::{self, TeamSession, TEAM_SERVER_SETTING};
use shelf_core::store::Store;
use shelf_core::ErrorKind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Ends every connection `login` has to the test database, as a server restart or a cut
/// network would; how many it ended.
fn cut_connections(db: &TestDatabase, login: &str) -> i64 {
    db.client()
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE usename = $1 AND datname = current_database() AND pid <> pg_backend_pid()",
            &[&login],
        )
        .unwrap()
        .get(0)
}

fn saves_of(db: &TestDatabase, name: &str) -> i64 {
    db.client()
        .query_one(
            "SELECT count(*) FROM audit_log WHERE table_name = 'products' AND action = 'update'
             AND new_values->>'name' = $1",
            &[&name],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_session_asks_a_read_again_after_a_lost_connection_and_a_write_never_twice() {
    let (db, id) = with_owner_and_product();
    let mut session = TeamSession::connect(&db.url("olga")).unwrap();
    assert_eq!(session.read(|c| c.product_count()).unwrap(), 1);

    assert_eq!(cut_connections(&db, "olga"), 1);
    let name = session.read(|c| c.product(id)).unwrap().name;
    assert_eq!(name, "Mug", "the read was asked again on a new connection");

    // A write on a connection that was cut says so, and is not made again behind the seller's
    // back: the edit stays theirs to save again.
    let fields = product("MUG-1", "Mug, large", 900);
    assert_eq!(cut_connections(&db, "olga"), 1);
    let err = session.write(|c| c.update_product(id, 0, &fields)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.to_string().contains("stopped answering"), "{err}");
    assert_eq!(saves_of(&db, "Mug, large"), 0);

    // Saving again connects again and saves once.
    let saved = session.write(|c| c.update_product(id, 0, &fields)).unwrap();
    assert_eq!((saved.name.as_str(), saved.version), ("Mug, large", 1));
    assert_eq!(saves_of(&db, "Mug, large"), 1);
    // The same save once more (as if the first answer had been lost) is the conflict view's.
    let again = session.write(|c| c.update_product(id, 0, &fields)).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict, "{again}");
    assert_eq!(saves_of(&db, "Mug, large"), 1, "never saved twice");
}

#[test]
fn a_session_opened_at_start_says_a_server_that_is_not_answering_on_each_call() {
    // A port nothing listens on: opening doesn't connect; each call tries, and says why not.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut session = TeamSession::at(&format!("postgresql://olga@127.0.0.1:{port}/shop")).unwrap();
    for _ in 0..2 {
        let err = session.read(|c| c.product_count()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.to_string().contains("can't be reached"), "{err}");
    }
    let bad = TeamSession::at("postgresql://olga:secret@127.0.0.1/shop")
        .err()
        .unwrap();
    assert!(bad.to_string().contains("Leave the password out"), "{bad}");
}

#[test]
fn a_library_remembers_its_team_server_and_a_hostile_setting_is_refused() {
    let lib = TestLibrary::new();
    let mut catalog = lib.catalog();
    assert_eq!(session::remembered(catalog.conn()).unwrap(), None);
    catalog
        .remember_team_server(Some("postgresql://olga@127.0.0.1:5432/shop"))
        .unwrap();
    assert_eq!(
        session::remembered(catalog.conn()).unwrap().as_deref(),
        Some("postgresql://olga@127.0.0.1:5432/shop")
    );
    catalog.remember_team_server(None).unwrap();
    assert_eq!(session::remembered(catalog.conn()).unwrap(), None);

    // Another program writes the setting: a password in it, or not an address at all.
    for hostile in [
        "\"postgresql://olga:hunter2@shop.example/shop\"",
        "\"host=/etc user=olga\"",
        "\"not an address\"",
    ] {
        lib.plain_connection()
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (TEAM_SERVER_SETTING, hostile),
            )
            .unwrap();
        let err = session::remembered(catalog.conn()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Refused, "{hostile}: {err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}

#[test]
fn the_follower_says_a_lost_server_and_asks_for_everything_once_it_answers_again() {
    let (db, id) = with_owner_and_product();
    let address = db.url("olga");
    let stop = Arc::new(AtomicBool::new(false));
    let (batches, got_batch) = mpsc::channel();
    let (statuses, got_status) = mpsc::channel();
    let follower = std::thread::spawn({
        let stop = Arc::clone(&stop);
        move || {
            shelf_core::server::changes::follow(
                &address,
                &stop,
                |batch| batches.send(batch).unwrap(),
                |problem| statuses.send(problem.map(ToString::to_string)).unwrap(),
            )
        }
    });
    let listening = Instant::now();
    while cut_connections(&db, "olga") == 0 {
        // Wait for its LISTEN connection to exist, then cut it.
        assert!(
            listening.elapsed() < Duration::from_secs(10),
            "the follower never connected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let problem = got_status.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        problem.as_deref().unwrap_or("").contains("stopped answering"),
        "{problem:?}"
    );
    assert_eq!(
        got_status.recv_timeout(Duration::from_secs(10)).unwrap(),
        None,
        "answering again"
    );
    assert_eq!(
        got_batch.recv_timeout(Duration::from_secs(1)).unwrap(),
        vec![],
        "look at everything"
    );

    db.client()
        .execute("UPDATE products SET stock = 3 WHERE id = $1", &[&id])
        .unwrap();
    let batch = got_batch.recv_timeout(Duration::from_secs(2)).unwrap();
    assert_eq!(
        batch
            .iter()
            .map(|c| (c.entity, c.id.clone(), c.kind))
            .collect::<Vec<_>>(),
        [(Entity::Product, id.to_string(), ChangeKind::Updated)]
    );
    stop.store(true, Ordering::SeqCst);
    follower.join().unwrap();
}
