//! Chinese names and their pinyin forms, for search keys and (later) identity matching.
//!
//! The `pinyin` crate looks up one character at a time and ranks readings by general use, which
//! is wrong for several surnames (单 is Shàn, not dān). A name's first character (or first two
//! for compound surnames) is therefore read through [`SURNAME_READINGS`] first.
use pinyin::ToPinyinMulti;

/// Compound surnames (复姓) that must be kept together.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "司徒",
];

/// Surnames whose reading differs from the character's most common reading.
pub const SURNAME_READINGS: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('朴', "piao"),
    ('查', "zha"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('缪', "miao"),
    ('种', "chong"),
    ('覃', "qin"),
    ('尉', "yu"),
    ('柏', "bai"),
    ('长', "chang"),
    ('重', "chong"),
    ('翟', "zhai"),
    ('殷', "yin"),
    ('沈', "shen"),
    ('吕', "lv"),
    ('万', "wan"),
    ('任', "ren"),
    ('员', "yun"),
];

/// Most names have one reading; bound the combinations a name with several polyphonic
/// characters can produce.
const MAX_READINGS: usize = 8;

/// The syllables of each character: every plain (toneless) reading, surname-aware.
/// Characters without a reading (Latin letters, digits) are skipped.
pub fn syllables(name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, (c, multi)) in name.chars().zip(name.to_pinyin_multi()).enumerate() {
        if i == 0
            && let Some((_, reading)) = SURNAME_READINGS.iter().find(|(s, _)| *s == c)
        {
            out.push(vec![(*reading).to_owned()]);
            continue;
        }
        let Some(multi) = multi else { continue };
        let mut readings: Vec<String> = Vec::new();
        for p in multi {
            // ü is typed as v on Chinese keyboards (吕 → lv).
            let plain = p.plain().replace('ü', "v");
            if !readings.contains(&plain) {
                readings.push(plain);
            }
        }
        if !readings.is_empty() {
            out.push(readings);
        }
    }
    out
}

/// Every full-pinyin spelling of a name without spaces (`张伟` → `zhangwei`), most likely first.
pub fn full_pinyin_keys(name: &str) -> Vec<String> {
    combine(&syllables(name), |s| s.to_owned())
}

/// Every initials spelling (`张伟` → `zw`).
pub fn initials_keys(name: &str) -> Vec<String> {
    combine(&syllables(name), |s| s.chars().take(1).collect())
}

fn combine(syllables: &[Vec<String>], part: impl Fn(&str) -> String) -> Vec<String> {
    let mut acc = vec![String::new()];
    for readings in syllables {
        let mut next = Vec::new();
        for prefix in &acc {
            for r in readings {
                let candidate = format!("{prefix}{}", part(r));
                if !next.contains(&candidate) && next.len() < MAX_READINGS {
                    next.push(candidate);
                }
            }
        }
        acc = next;
    }
    acc.retain(|s| !s.is_empty());
    acc
}

/// Whether the text contains any CJK ideograph.
pub fn has_hanzi(s: &str) -> bool {
    s.chars().any(is_hanzi)
}

pub fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_pinyin_and_initials() {
        assert_eq!(full_pinyin_keys("张伟")[0], "zhangwei");
        assert_eq!(initials_keys("张伟")[0], "zw");
        assert!(full_pinyin_keys("王芳").contains(&"wangfang".to_owned()));
    }

    #[test]
    fn surname_readings_override_common_readings() {
        assert_eq!(full_pinyin_keys("单伟")[0], "shanwei");
        assert_eq!(full_pinyin_keys("曾静")[0], "zengjing");
        assert_eq!(initials_keys("解明")[0], "xm");
    }

    #[test]
    fn polyphonic_given_names_yield_every_reading_bounded() {
        let keys = full_pinyin_keys("李乐乐");
        assert!(keys.len() <= MAX_READINGS);
        assert!(
            keys.iter().any(|k| k == "lilele" || k == "liyueyue"),
            "{keys:?}"
        );
    }

    #[test]
    fn u_umlaut_is_typed_as_v() {
        assert_eq!(full_pinyin_keys("吕绿")[0], "lvlv");
    }

    #[test]
    fn non_hanzi_is_skipped() {
        assert_eq!(full_pinyin_keys("Tom"), Vec::<String>::new());
        assert!(has_hanzi("abc张"));
        assert!(!has_hanzi("zhang"));
    }
}
