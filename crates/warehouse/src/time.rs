//! Dates and instants from extract text, and the month partition they fall in.
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Days from 0001-01-01 (day 1 in chrono's count) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2199;

/// A calendar month as `year * 12 + (month - 1)`: cheap to hash, orders like the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Month(i32);

impl Month {
    pub(crate) fn of(date: NaiveDate) -> Self {
        Self(date.year() * 12 + date.month0() as i32)
    }

    /// `YYYY-MM`, the partition value in `month=YYYY-MM`.
    pub(crate) fn label(self) -> String {
        format!(
            "{:04}-{:02}",
            self.0.div_euclid(12),
            self.0.rem_euclid(12) + 1
        )
    }
}

/// An instant as stored: microseconds since the epoch (UTC) and the local date in the bank's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Instant {
    pub(crate) micros: i64,
    pub(crate) local_date: NaiveDate,
}

impl Instant {
    pub(crate) fn local_days(&self) -> i32 {
        days_since_epoch(self.local_date)
    }
}

pub(crate) fn days_since_epoch(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

fn in_range(date: NaiveDate) -> Result<NaiveDate, String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!("year outside {MIN_YEAR}-{MAX_YEAR}"))
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &d| {
        d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ`, what the generator and most exports write, without chrono's
/// general parser (a third of the import time otherwise).
fn parse_utc_seconds(b: &[u8]) -> Option<Result<NaiveDateTime, String>> {
    let &[
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
        b'Z',
    ] = b
    else {
        return None;
    };
    let (y, m, d) = (
        digits(&[y0, y1, y2, y3])?,
        digits(&[m0, m1])?,
        digits(&[d0, d1])?,
    );
    let (h, mi, s) = (digits(&[h0, h1])?, digits(&[i0, i1])?, digits(&[s0, s1])?);
    let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) else {
        return Some(Err("no such date".into()));
    };
    Some(
        date.and_hms_opt(h, mi, s)
            .ok_or_else(|| "no such time of day".to_owned()),
    )
}

/// Parses an instant: RFC 3339 with `Z` or an offset, or a local time without offset
/// (`YYYY-MM-DD HH:MM:SS[.ffffff]`, `T` also accepted) which is read in the bank's zone.
pub(crate) fn parse_instant(text: &str, tz: Tz) -> Result<Instant, String> {
    let t = text.trim_matches(' ');
    let utc = match parse_utc_seconds(t.as_bytes()) {
        Some(parsed) => parsed?,
        None => parse_general(t, tz)?,
    };
    in_range(utc.date())?;
    let micros = utc.and_utc().timestamp_micros();
    let offset = tz.offset_from_utc_datetime(&utc).fix().local_minus_utc();
    let local = utc + chrono::Duration::seconds(i64::from(offset));
    Ok(Instant {
        micros,
        local_date: local.date(),
    })
}

fn parse_general(t: &str, tz: Tz) -> Result<NaiveDateTime, String> {
    if t.is_empty() {
        return Err("empty".into());
    }
    let utc = if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        dt.naive_utc()
    } else {
        let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f"))
            .map_err(|e| format!("not an RFC 3339 or `YYYY-MM-DD HH:MM:SS` time ({e})"))?;
        tz.from_local_datetime(&naive)
            .single()
            .ok_or_else(|| format!("local time that is skipped or repeated in {tz}"))?
            .naive_utc()
    };
    if utc.and_utc().timestamp_subsec_nanos() % 1_000 != 0 {
        return Err("more precise than microseconds".into());
    }
    Ok(utc)
}

/// Parses a calendar date: `YYYY-MM-DD` or `YYYYMMDD`.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.trim_matches(' ').as_bytes();
    let (y, m, d) = match *b {
        [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] | [y0, y1, y2, y3, m0, m1, d0, d1] => {
            ([y0, y1, y2, y3], [m0, m1], [d0, d1])
        }
        [] => return Err("empty".into()),
        _ => return Err("not a `YYYY-MM-DD` date".into()),
    };
    let (Some(y), Some(m), Some(d)) = (digits(&y), digits(&m), digits(&d)) else {
        return Err("not a `YYYY-MM-DD` date".into());
    };
    in_range(NaiveDate::from_ymd_opt(y as i32, m, d).ok_or("no such date")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn the_local_date_follows_the_bank_zone() {
        let i = parse_instant("2025-01-31T17:30:00Z", SHANGHAI).unwrap();
        assert_eq!(i.local_date, NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        assert_eq!(Month::of(i.local_date).label(), "2025-02");
        let same = parse_instant("2025-02-01T01:30:00+08:00", SHANGHAI).unwrap();
        assert_eq!(same, i);
        let local = parse_instant("2025-02-01 01:30:00", SHANGHAI).unwrap();
        assert_eq!(local, i);
    }

    #[test]
    fn impossible_times_are_refused() {
        for bad in [
            "2025-02-30T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "yesterday",
            "",
            "1800-01-01T00:00:00Z",
            "2025-01-01T00:00:00.0000001Z",
        ] {
            assert!(parse_instant(bad, SHANGHAI).is_err(), "{bad:?}");
        }
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert_eq!(parse_date("20240105"), parse_date("2024-01-05"));
    }
}
