//! UTC timestamps for file names (`20261123T151500Z`) and the day/week arithmetic of the
//! retention policy, from Unix seconds, without a date crate: the civil-calendar conversion
//! is Howard Hinnant's `days_from_civil` and its inverse.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYYMMDDTHHMMSSZ`.
pub fn stamp(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// The inverse of [`stamp`]; `None` for anything else.
pub fn parse_stamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 (UTC).
pub fn day_of(secs: i64) -> i64 {
    secs.div_euclid(86_400)
}

/// Weeks since the Monday before 1970-01-01 (ISO weeks start on Monday; the epoch was a
/// Thursday).
pub fn week_of(secs: i64) -> i64 {
    (day_of(secs) + 3).div_euclid(7)
}

/// Nanoseconds since the epoch, for unique scratch names.
pub fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_and_weeks_start_on_monday() {
        for secs in [0, 86_399, 951_782_400, 1_795_000_000, 4_102_444_799] {
            assert_eq!(parse_stamp(&stamp(secs)), Some(secs));
        }
        assert_eq!(stamp(0), "19700101T000000Z");
        assert_eq!(stamp(951_782_400), "20000229T000000Z");
        assert_eq!(parse_stamp("20261323T000000Z"), None);
        // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
        let sunday = parse_stamp("20261122T235959Z").unwrap();
        let monday = parse_stamp("20261123T000000Z").unwrap();
        assert_eq!(week_of(monday), week_of(sunday) + 1);
        assert_eq!(week_of(monday), week_of(parse_stamp("20261129T235959Z").unwrap()));
    }
}
