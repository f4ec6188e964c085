//! A real HTTP/1.1 server on 127.0.0.1 for the download tests: it serves fixed bodies by
//! path, answers redirects and errors, and counts how often each path was asked for. No
//! mock: the importer talks to it over a real socket.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
pub enum Reply {
    Body(&'static str, Vec<u8>),
    Redirect(String),
    Status(u16),
    /// Headers claim this many bytes (a liar), body is short.
    Lies(u64),
}

pub struct Server {
    pub addr: SocketAddr,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    /// Starts serving `routes` (path → reply) on a free port of 127.0.0.1, until the test ends.
    pub fn start(routes: HashMap<String, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let routes = Arc::new(routes);
        let counted = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (routes, counted) = (routes.clone(), counted.clone());
                std::thread::spawn(move || {
                    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request = String::new();
                    if reader.read_line(&mut request).is_err() {
                        return;
                    }
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                            break;
                        }
                    }
                    let path = request.split(' ').nth(1).unwrap_or("/").to_owned();
                    *counted.lock().unwrap().entry(path.clone()).or_insert(0) += 1;
                    let reply = routes.get(&path).cloned().unwrap_or(Reply::Status(404));
                    let (head, body) = match reply {
                        Reply::Body(kind, body) => (
                            format!("HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n", body.len()),
                            body,
                        ),
                        Reply::Redirect(to) => (
                            format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n"),
                            Vec::new(),
                        ),
                        Reply::Status(code) => (format!("HTTP/1.1 {code} Nope\r\nContent-Length: 0\r\n"), Vec::new()),
                        Reply::Lies(claimed) => (
                            format!("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {claimed}\r\n"),
                            vec![0xFF, 0xD8, 0xFF],
                        ),
                    };
                    let _ = stream.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes());
                    let _ = stream.write_all(&body);
                });
            }
        });
        Server { addr, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}
