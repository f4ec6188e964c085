//! How a CSV file's bytes become text: which character separates the cells, and which
//! encoding the file is in. Spreadsheets save CSV the way the computer's region says: a
//! semicolon between cells where the comma is the decimal mark (most of Europe), and on
//! Windows Excel's plain "CSV" is Windows-1252, not UTF-8.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The text encodings the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows' Western European code page (a superset of ISO 8859-1 for printable text).
    Windows1252,
}

/// What `sniff` found in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub encoding: Encoding,
    /// Whether the header row ends with CRLF (the reader's line numbers depend on it).
    pub header_crlf: bool,
}

/// How much of the file is read to choose the delimiter: the header row is in it.
const HEADER_WINDOW: u64 = 64 * 1024;
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Reads the file once: the delimiter and line ending from the header row, the encoding from
/// all of it.
/// A file that is valid UTF-8 apart from a few damaged rows stays UTF-8 (those rows are
/// refused); a file with no UTF-8 sequence at all but bytes above 127 is Windows-1252.
pub fn sniff(path: &Path) -> Result<Dialect> {
    let io = |e| Error::io("Can't read the CSV file", path, e);
    let mut file = File::open(path).map_err(io)?;
    let mut head = Vec::new();
    (&mut file)
        .take(HEADER_WINDOW)
        .read_to_end(&mut head)
        .map_err(io)?;
    let delimiter = delimiter_of(&head);
    let header_crlf = head
        .iter()
        .position(|b| *b == b'\n')
        .is_some_and(|i| i > 0 && head[i - 1] == b'\r');
    let mut scan = Utf8Scan::default();
    scan.feed(&head);
    let mut chunk = vec![0; 1 << 20];
    loop {
        let n = file.read(&mut chunk).map_err(io)?;
        if n == 0 {
            break;
        }
        scan.feed(&chunk[..n]);
    }
    scan.finish();
    let encoding = if scan.invalid && !scan.multibyte {
        Encoding::Windows1252
    } else {
        Encoding::Utf8
    };
    Ok(Dialect {
        delimiter,
        encoding,
        header_crlf,
    })
}

/// The delimiter that occurs most often in the first row, outside quotes; comma on a tie.
fn delimiter_of(head: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..DELIMITERS.len()).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)));
    best.filter(|&i| counts[i] > 0).map_or(b',', |i| DELIMITERS[i])
}

/// Whether a byte stream holds UTF-8 sequences of more than one byte, and invalid ones.
#[derive(Default)]
struct Utf8Scan {
    /// The unfinished sequence at the end of the previous chunk.
    carry: Vec<u8>,
    multibyte: bool,
    invalid: bool,
}

impl Utf8Scan {
    fn feed(&mut self, chunk: &[u8]) {
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.multibyte |= !text.is_ascii();
                    return;
                }
                Err(e) => {
                    let valid = &rest[..e.valid_up_to()];
                    self.multibyte |= !valid.is_ascii();
                    match e.error_len() {
                        Some(bad) => {
                            self.invalid = true;
                            rest = &rest[e.valid_up_to() + bad..];
                        }
                        None => {
                            self.carry = rest[e.valid_up_to()..].to_vec();
                            return;
                        }
                    }
                }
            }
        }
    }

    /// A sequence still unfinished at the end of the file is invalid.
    fn finish(&mut self) {
        self.invalid |= !self.carry.is_empty();
    }
}

/// One cell as text, or `None` when it is not valid in `encoding`.
pub fn decode(cell: &[u8], encoding: Encoding) -> Option<String> {
    match encoding {
        Encoding::Utf8 => String::from_utf8(cell.to_vec()).ok(),
        Encoding::Windows1252 => Some(cell.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// One cell as text for showing (headers, the preview): what is not valid in `encoding`
/// shows as U+FFFD instead of being refused.
pub fn shown(cell: &[u8], encoding: Encoding) -> String {
    decode(cell, encoding).unwrap_or_else(|| String::from_utf8_lossy(cell).into_owned())
}

/// Bytes 0x80-0x9F of Windows-1252 (the rest are the same code points as the byte). Five
/// bytes are unassigned; they become U+FFFD, as browsers show them.
const HIGH_CONTROLS: [char; 32] = [
    '€', '\u{fffd}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{fffd}', 'Ž', '\u{fffd}',
    '\u{fffd}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{fffd}', 'ž', 'Ÿ',
];

fn windows_1252(b: u8) -> char {
    match b {
        0x80..=0x9f => HIGH_CONTROLS[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_the_header_row_uses() {
        assert_eq!(delimiter_of(b"sku,name,price\n1;2;3;4;5\n"), b',');
        assert_eq!(delimiter_of(b"sku;name;price\n"), b';');
        assert_eq!(delimiter_of(b"sku\tname\tprice"), b'\t');
        assert_eq!(delimiter_of(b"\"a;b\",\"c;d\",e\n"), b',');
        assert_eq!(delimiter_of(b"sku\n"), b',');
    }

    #[test]
    fn windows_1252_maps_its_high_controls_and_latin_1() {
        let text = decode(b"Caf\xe9 \x80 \x93\x96\x94 \x99 \xff", Encoding::Windows1252).unwrap();
        assert_eq!(text, "Café € “–” ™ ÿ");
        assert_eq!(decode(b"Caf\xe9", Encoding::Utf8), None);
    }

    #[test]
    fn the_scan_tells_windows_1252_from_damaged_utf8() {
        let scan = |parts: &[&[u8]]| {
            let mut s = Utf8Scan::default();
            parts.iter().for_each(|p| s.feed(p));
            s.finish();
            (s.multibyte, s.invalid)
        };
        assert_eq!(scan(&[b"plain ascii"]), (false, false));
        assert_eq!(scan(&[b"caf\xe9 latin"]), (false, true));
        assert_eq!(scan(&["crème ".as_bytes(), b"caf\xe9"]), (true, true));
        // A sequence cut between two chunks is still one valid character.
        assert_eq!(scan(&[b"cr\xc3", b"\xa8me"]), (true, false));
    }
}
