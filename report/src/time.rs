//! Timestamps as a reader wants them: `2025-12-03 07:50:12 UTC`.

use std::time::{SystemTime, UNIX_EPOCH};

/// An RFC 3339 time from the state, to the second, with its zone; other text unchanged.
pub fn readable(rfc3339: &str) -> String {
    let bytes = rfc3339.as_bytes();
    let shaped = bytes.len() >= 19
        && bytes[10] == b'T'
        && bytes[4] == b'-'
        && bytes[13] == b':'
        && rfc3339.is_char_boundary(19);
    if !shaped {
        return rfc3339.to_string();
    }
    let (date_time, rest) = rfc3339.split_at(19);
    let zone = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let zone = match zone {
        "Z" | "z" | "+00:00" | "" => "UTC",
        other => other,
    };
    format!("{} {zone}", date_time.replacen('T', " ", 1))
}

/// The current time, UTC, to the second.
pub fn now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    from_unix(seconds)
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM:SS UTC` (the proleptic Gregorian calendar).
pub fn from_unix(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let time = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_time_reads_to_the_second_with_its_zone() {
        assert_eq!(
            readable("2025-12-03T07:50:12.123456789Z"),
            "2025-12-03 07:50:12 UTC"
        );
        assert_eq!(
            readable("2025-12-03T07:50:12.5+01:00"),
            "2025-12-03 07:50:12 +01:00"
        );
        assert_eq!(readable("yesterday"), "yesterday");
    }

    #[test]
    fn unix_seconds_become_a_utc_date() {
        assert_eq!(from_unix(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(from_unix(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(from_unix(1_764_748_212), "2025-12-03 07:50:12 UTC");
    }
}
