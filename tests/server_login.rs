//! Logging in to a team server with a password: checked with the server, kept in the
//! system keyring (GNOME Keyring on a private session bus the tests start, as a desktop
//! session has one), found there by every later command, forgotten on logout, and never
//! written to a file of the library's.

use crate::server::{server, TestDatabase};
use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// A session bus with GNOME Keyring's Secret Service on it, in a home of its own, for this
/// test run; stopped, and its folder removed, when the run ends.
struct TestKeyring {
    folder: PathBuf,
    bus: String,
}

/// What the keyring's own password is (its files are encrypted with it).
const KEYRING_PASSWORD: &str = "the keyring's own password";

fn keyring() -> &'static TestKeyring {
    static KEYRING: OnceLock<TestKeyring> = OnceLock::new();
    KEYRING.get_or_init(|| {
        let folder = std::env::temp_dir().join(format!("shelf-keyring-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        for dir in ["home", "run"] {
            std::fs::create_dir_all(folder.join(dir)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder.join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        let started = Command::new("dbus-daemon")
            .args([
                "--session",
                "--fork",
                "--nosyslog",
                "--print-address=1",
                "--print-pid=1",
            ])
            .output()
            .expect("dbus-daemon (scripts/setup installs dbus)");
        assert!(started.status.success(), "{}", stderr(&started));
        let printed = stdout(&started);
        let mut lines = printed.lines();
        let (bus, pid) = (lines.next().unwrap().to_owned(), lines.next().unwrap().to_owned());
        let keyring = TestKeyring { folder, bus };
        // The bus dies with the test run; GNOME Keyring quits when its bus goes.
        crate::server::after_this_run(&format!(
            "kill {pid}; sleep 1; rm -rf '{}'",
            keyring.folder.display()
        ));
        let mut daemon = keyring
            .command("gnome-keyring-daemon")
            .args(["--replace", "--unlock", "--components=secrets", "--daemonize"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/setup installs gnome-keyring)");
        use std::io::Write;
        daemon
            .stdin
            .take()
            .unwrap()
            .write_all(KEYRING_PASSWORD.as_bytes())
            .unwrap();
        assert!(daemon.wait().unwrap().success());
        keyring
    })
}

impl TestKeyring {
    /// `program` in this keyring's session: its bus, its home.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", self.folder.join("home"))
            .env("XDG_DATA_HOME", self.folder.join("home/.local/share"))
            .env("XDG_RUNTIME_DIR", self.folder.join("run"))
            .env_remove("SHELF_LIBRARY");
        command
    }

    fn shelf(&self, library: &Path, args: &[&str], stdin: &str) -> Output {
        with_input(self.command(env!("CARGO_BIN_EXE_shelf")), library, args, stdin)
    }
}

/// `shelf` (as `command` sets it up) on `library` with `stdin` as its standard input.
fn with_input(mut command: Command, library: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = command
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("SHELF_LIBRARY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shelf");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// A person whose login needs a password.
fn person_with_password(db: &TestDatabase, username: &str, password: &str) {
    db.add_person(username, "owner");
    db.client()
        .batch_execute(&format!(
            "ALTER ROLE \"{username}\" PASSWORD '{password}'; GRANT password_logins TO \"{username}\""
        ))
        .unwrap();
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    crate::transfer::files_under(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn a_password_is_checked_kept_in_the_keyring_used_and_forgotten() {
    let keyring = keyring();
    let db = server().database();
    let password = "correct horse battery staple";
    person_with_password(&db, "pw_ann", password);
    let address = db.url("pw_ann");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let zip = dir.path().join("team.zip");
    let back_up = [
        "server",
        "backup",
        "--from",
        &address,
        "--out",
        zip.to_str().unwrap(),
    ];

    let refused = keyring.shelf(&library, &back_up, "");
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("asks pw_ann@127.0.0.1") && stderr(&refused).contains("shelf server login"),
        "{}",
        stderr(&refused)
    );

    let login = ["server", "login", &address, "--password-stdin"];
    let wrong = keyring.shelf(&library, &login, "Tr0ub4dor&3\n");
    assert!(!wrong.status.success());
    assert!(
        stderr(&wrong).contains("refused the password"),
        "{}",
        stderr(&wrong)
    );
    let still = keyring.shelf(&library, &back_up, "");
    assert!(
        stderr(&still).contains("keeps none"),
        "a refused password is not kept: {}",
        stderr(&still)
    );

    let right = keyring.shelf(&library, &login, &format!("{password}\n"));
    assert!(right.status.success(), "{}", stderr(&right));
    assert!(
        stdout(&right).contains("kept in the system keyring"),
        "{}",
        stdout(&right)
    );
    let backed_up = keyring.shelf(&library, &back_up, "");
    assert!(backed_up.status.success(), "{}", stderr(&backed_up));
    assert!(zip.exists());
    // The keyring's own files are in its home (its run folder holds only sockets).
    let keyrings = keyring.folder.join("home/.local/share/keyrings");
    assert!(
        std::fs::read_dir(&keyrings).unwrap().count() > 0,
        "the keyring wrote its file"
    );
    let in_files = [dir.path(), keyring.folder.join("home").as_path()]
        .iter()
        .flat_map(|d| files_holding(d, password.as_bytes()))
        .collect::<Vec<_>>();
    assert!(in_files.is_empty(), "the password is in {in_files:?}");

    let logout = keyring.shelf(&library, &["server", "logout", &address], "");
    assert!(stdout(&logout).contains("no longer kept"), "{}", stdout(&logout));
    let after = keyring.shelf(&library, &back_up, "");
    assert!(stderr(&after).contains("keeps none"), "{}", stderr(&after));
    let again = keyring.shelf(&library, &["server", "logout", &address], "");
    assert!(stdout(&again).contains("kept no password"), "{}", stdout(&again));
}

#[test]
fn without_a_keyring_a_login_is_refused_in_plain_words_and_nothing_is_kept() {
    let db = server().database();
    person_with_password(&db, "pw_bo", "secret enough");
    let dir = tempfile::tempdir().unwrap();
    let mut no_bus = Command::new(env!("CARGO_BIN_EXE_shelf"));
    no_bus.env(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", dir.path().join("no-bus").display()),
    );
    let out = with_input(
        no_bus,
        &dir.path().join("library"),
        &["server", "login", &db.url("pw_bo"), "--password-stdin"],
        "secret enough\n",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("system keyring can't be reached"),
        "{}",
        stderr(&out)
    );
}

/// `shelf` with `stdin` as its standard input, outside any keyring session.
fn shelf_with_input(library: &Path, args: &[&str], stdin: &str) -> Output {
    with_input(Command::new(env!("CARGO_BIN_EXE_shelf")), library, args, stdin)
}

#[test]
fn an_owner_adds_a_person_whose_password_reaches_the_server_only_hashed() {
    let db = server().database();
    db.add_person("olga_people", "owner");
    db.add_person("sam_people", "staff");
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("library");
    let password = "cara's own long password";
    let add = |as_login: &str, username: &str, password: &str| {
        shelf_with_input(
            &library,
            &[
                "server",
                "add-person",
                &db.url(as_login),
                username,
                "--display-name",
                "Cara",
                "--password-stdin",
            ],
            &format!("{password}\n"),
        )
    };

    let added = add("olga_people", "pw_cara", password);
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(
        stdout(&added).contains("Added pw_cara (staff)"),
        "{}",
        stdout(&added)
    );
    let mut admin = db.client();
    let (stored, staff): (String, bool) = {
        let row = admin
            .query_one(
                "SELECT rolpassword, pg_has_role('pw_cara', 'shelf_staff', 'member') FROM pg_authid WHERE rolname = 'pw_cara'",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert!(
        stored.starts_with("SCRAM-SHA-256$") && !stored.contains(password),
        "{stored}"
    );
    assert!(staff, "in the staff group");
    let (role, name, actor): (String, String, String) = {
        let row = admin
            .query_one(
                "SELECT u.role, u.display_name, a.actor FROM users AS u
                 JOIN audit_log AS a ON a.table_name = 'users' AND a.row_id = u.id::text
                 WHERE u.username = 'pw_cara'",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    assert_eq!(
        (role.as_str(), name.as_str(), actor.as_str()),
        ("staff", "Cara", "olga_people")
    );

    // Cara's login takes her password, and only hers.
    admin.batch_execute("GRANT password_logins TO pw_cara").unwrap();
    let mut config: postgres::Config = db.url("pw_cara").parse().unwrap();
    assert!(config
        .clone()
        .password("not hers at all")
        .connect(postgres::NoTls)
        .is_err());
    let mut cara = config.password(password).connect(postgres::NoTls).unwrap();
    let who: String = cara.query_one("SELECT session_user::text", &[]).unwrap().get(0);
    assert_eq!(who, "pw_cara");

    // Staff can't add people; a short password and a taken login are refused; each changes nothing.
    let people = |admin: &mut postgres::Client| -> i64 {
        admin.query_one("SELECT count(*) FROM users", &[]).unwrap().get(0)
    };
    let before = people(&mut admin);
    let by_staff = add("sam_people", "pw_dan", "a long enough password");
    assert!(stderr(&by_staff).contains("for owners"), "{}", stderr(&by_staff));
    let short = add("olga_people", "pw_dan", "short");
    assert!(stderr(&short).contains("at least 8"), "{}", stderr(&short));
    let other_shop = server().database();
    other_shop.add_person("olga_people", "owner");
    let taken = shelf_with_input(
        &library,
        &[
            "server",
            "add-person",
            &other_shop.url("olga_people"),
            "pw_cara",
            "--password-stdin",
        ],
        "another long password\n",
    );
    assert!(
        stderr(&taken).contains("already has a login"),
        "{}",
        stderr(&taken)
    );
    assert_eq!(people(&mut admin), before);
    let dan: i64 = admin
        .query_one("SELECT count(*) FROM pg_roles WHERE rolname = 'pw_dan'", &[])
        .unwrap()
        .get(0);
    assert_eq!(dan, 0, "no login was made");
    assert!(!library.exists(), "no library was made for a server command");
}
