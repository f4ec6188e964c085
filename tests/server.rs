//! A real PostgreSQL 15 server for the team-mode tests: one throwaway cluster per test run
//! (`initdb` in a temporary folder, a free port on 127.0.0.1, owned by the `postgres` user
//! when the tests run as root, because PostgreSQL refuses to run as root), and one fresh
//! database per test, copied from a migrated template. A watcher process stops the cluster
//! and removes its folder when the test process exits, however it exits.

#![allow(dead_code)]

use postgres::{Client, NoTls};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The cluster's superuser: the role that creates and migrates databases, as a shop's
/// administrator would.
pub const ADMIN: &str = "shelfadmin";
const TEMPLATE: &str = "shelf_template";

pub struct TestServer {
    pub port: u16,
    folder: PathBuf,
}

/// The cluster of this test run, started on first use.
pub fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(TestServer::start)
}

fn bin(tool: &str) -> PathBuf {
    let output = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success());
    let dir = output.map_or_else(
        || PathBuf::from("/usr/lib/postgresql/15/bin"),
        |o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
    );
    let dir = if dir.join(tool).exists() {
        dir
    } else {
        PathBuf::from("/usr/lib/postgresql/15/bin")
    };
    dir.join(tool)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A command run as the `postgres` user when the tests run as root, as itself otherwise.
fn as_cluster_owner(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

impl TestServer {
    fn start() -> TestServer {
        // As root the cluster runs as `postgres`, which must reach its folder: /tmp, not a
        // TMPDIR that may be root's own.
        let temp = if running_as_root() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let folder = temp.join(format!("shelf-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        if running_as_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&folder)
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster folder to postgres");
        }
        let data = folder.join("data");
        let initdb = as_cluster_owner(&bin("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                ADMIN,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ])
            .output()
            .expect("initdb (is Debian's postgresql package installed? scripts/setup installs it)");
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        make_certificates(&folder);
        // Members of `password_logins` must give a password (the login tests); everyone else
        // is trusted, as a test cluster on loopback can be.
        let hba = data.join("pg_hba.conf");
        let trusted = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(
            &hba,
            format!("host all +password_logins 127.0.0.1/32 scram-sha-256\n{trusted}"),
        )
        .unwrap();
        // Loopback only, sockets in the cluster's own folder; durability settings off,
        // because a test cluster dies with the run (the benchmarks use the defaults).
        let port = free_port();
        let postmaster = as_cluster_owner(&bin("postgres"))
            .arg("-D")
            .arg(&data)
            .arg("-p")
            .arg(port.to_string())
            .arg("-k")
            .arg(&folder)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
            .args(["-c", "synchronous_commit=off", "-c", "full_page_writes=off"])
            .args(["-c", "max_connections=200", "-c", "ssl=on"])
            .arg("-c")
            .arg(format!("ssl_cert_file={}", folder.join("server.pem").display()))
            .arg("-c")
            .arg(format!("ssl_key_file={}", folder.join("server.key").display()))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(folder.join("server.log")).unwrap())
            .spawn()
            .expect("start postgres");
        drop(postmaster);
        watch(&folder);
        let server = TestServer { port, folder };
        server.wait_until_ready();
        server.make_template();
        server
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.try_connect("postgres", ADMIN).is_err() {
            assert!(
                Instant::now() < deadline,
                "PostgreSQL did not start: {}",
                std::fs::read_to_string(self.folder.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn try_connect(&self, database: &str, user: &str) -> Result<Client, postgres::Error> {
        Client::connect(&self.url(database, user), NoTls)
    }

    /// The test authority that signed the cluster's certificate (for "localhost").
    pub fn ca(&self) -> PathBuf {
        self.folder.join("ca.pem")
    }

    /// An authority that signed nothing here.
    pub fn other_ca(&self) -> PathBuf {
        self.folder.join("other-ca.pem")
    }

    pub fn url(&self, database: &str, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={user} dbname={database} connect_timeout=10",
            self.port
        )
    }

    /// The template every test's database is copied from: migrated by the core, as a shop's
    /// first connection would.
    fn make_template(&self) {
        let mut admin = self.try_connect("postgres", ADMIN).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {TEMPLATE}"))
            .unwrap();
        admin
            .batch_execute("CREATE ROLE password_logins NOLOGIN")
            .unwrap();
        let mut template = self.try_connect(TEMPLATE, ADMIN).unwrap();
        shelf_core::server::migrations::migrate(&mut template).expect("migrate the template");
    }

    /// A fresh, migrated, empty database for one test.
    pub fn database(&self) -> TestDatabase {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let name = format!("shelf_test_{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let mut admin = self.try_connect("postgres", ADMIN).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
            .unwrap();
        TestDatabase {
            name,
            port: self.port,
        }
    }

    /// An empty database with no schema at all, for the migration tests.
    pub fn empty_database(&self) -> TestDatabase {
        let db = self.database();
        let mut admin = self.try_connect("postgres", ADMIN).unwrap();
        admin
            .batch_execute(&format!("DROP DATABASE {}", db.name))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {}", db.name))
            .unwrap();
        db
    }
}

/// A test certificate authority, a certificate for "localhost" signed by it (the server's,
/// its key readable by the cluster's owner alone, as PostgreSQL requires), and a second
/// authority that signed nothing, made with Debian's openssl.
fn make_certificates(folder: &Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(folder)
            .output()
            .expect("openssl (scripts/setup installs it)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for (name, subject) in [
        ("ca", "/CN=Shelfkeeper test CA"),
        ("other-ca", "/CN=Someone else"),
    ] {
        run(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            subject,
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }
    std::fs::write(folder.join("server.ext"), "subjectAltName=DNS:localhost\n").unwrap();
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(folder.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    if running_as_root() {
        let status = Command::new("chown")
            .args(["postgres:postgres", "server.key", "server.pem"])
            .current_dir(folder)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// Stops the cluster (a fast shutdown) and removes its folder once the test run is over. The
/// postmaster's own pid is read from its pid file: the spawned process may be `runuser`.
fn watch(folder: &Path) {
    after_this_run(&format!(
        "pg=$(head -n 1 '{0}/data/postmaster.pid' 2>/dev/null); \
         [ -n \"$pg\" ] && kill -INT \"$pg\" 2>/dev/null; \
         for i in $(seq 1 100); do [ -n \"$pg\" ] && kill -0 \"$pg\" 2>/dev/null || break; sleep 0.1; done; \
         rm -rf '{0}'",
        folder.display()
    ));
}

/// Runs the shell command `then` once this test process has exited, however it exits: how
/// the servers a test run starts are stopped.
#[allow(clippy::zombie_processes)] // it must outlive this process, so nothing waits for it
pub fn after_this_run(then: &str) {
    let script = format!(
        "while kill -0 {} 2>/dev/null; do sleep 0.5; done; {then}",
        std::process::id()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a watcher for after the test run");
}

/// One test's database on the shared cluster.
pub struct TestDatabase {
    pub name: String,
    pub port: u16,
}

impl TestDatabase {
    pub fn url(&self, user: &str) -> String {
        server().url(&self.name, user)
    }

    /// A plain connection as the administrator: like psql or a script, not the core.
    pub fn client(&self) -> Client {
        self.client_as(ADMIN)
    }

    pub fn client_as(&self, role: &str) -> Client {
        Client::connect(&self.url(role), NoTls).expect("connect to the test database")
    }

    /// Runs Debian's `psql` on this database as `role`, stopping at the first error.
    pub fn psql(&self, role: &str, sql: &str) -> std::process::Output {
        Command::new(bin("psql"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .args(["-p", &self.port.to_string(), "-U", role, "-d", &self.name])
            .args(["-c", sql])
            .output()
            .expect("run psql")
    }

    /// A login role for a person, in the staff or owner group, with its `users` row.
    pub fn add_person(&self, username: &str, role: &str) -> i64 {
        // Role names are cluster-wide: a test's people may exist from another test, and two
        // tests creating one role at once would collide.
        static ROLES: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one_at_a_time = ROLES.lock().unwrap_or_else(|e| e.into_inner());
        let mut admin = self.client();
        admin
            .batch_execute(&format!(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{username}') \
                 THEN CREATE ROLE \"{username}\" LOGIN; END IF; END $$; \
                 GRANT shelf_{role} TO \"{username}\""
            ))
            .unwrap();
        admin
            .query_one(
                "INSERT INTO users (username, display_name, role) VALUES ($1::text, $1::text, $2) RETURNING id",
                &[&username, &role],
            )
            .unwrap()
            .get(0)
    }

    /// What every table holds, as one hash per table: a refused write must leave each the same.
    /// (Identity sequences are not compared: PostgreSQL never gives back a number a failed
    /// insert drew, by design.)
    pub fn fingerprint(&self) -> Vec<(String, String)> {
        let mut client = self.client();
        let tables: Vec<String> = client
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        tables
            .into_iter()
            .map(|table| {
                let sql = format!(
                    "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" AS t"
                );
                let hash: String = client.query_one(&sql, &[]).unwrap().get(0);
                (table, hash)
            })
            .collect()
    }

    /// Runs `sql` from a plain connection and asserts that the server refuses it with an error
    /// whose message or constraint contains `expected`, leaving every table as it was.
    pub fn assert_refused_unchanged(&self, sql: &str, expected: &str) {
        let before = self.fingerprint();
        let err = self
            .client()
            .batch_execute(sql)
            .expect_err("the server must refuse this write");
        let said = server_error_text(&err);
        assert!(
            said.contains(expected),
            "{sql}\n  refused with {said}, expected {expected}"
        );
        assert!(
            self.fingerprint() == before,
            "the refused write changed the server's tables"
        );
    }
}

/// The server's message and the constraint it names, as one line.
pub fn server_error_text(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} [{}]", db.message(), db.constraint().unwrap_or("")),
        None => err.to_string(),
    }
}
