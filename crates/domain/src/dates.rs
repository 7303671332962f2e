//! Dates as source systems write them.
use chrono::NaiveDate;

/// Reads `1985-07-09`, `19850709`, `1985/7/9` or `1985年7月9日`.
pub fn parse_any_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_forms() {
        let d = NaiveDate::from_ymd_opt(1985, 7, 9);
        for s in [
            "1985-07-09",
            "19850709",
            "1985/7/9",
            "1985年7月9日",
            " 1985-7-9 ",
        ] {
            assert_eq!(parse_any_date(s), d, "{s}");
        }
        assert_eq!(parse_any_date("1985-02-30"), None);
        assert_eq!(parse_any_date("yesterday"), None);
    }
}
