//! Standardisation: one canonical form per field, whatever the source wrote.
use chrono::{Datelike, NaiveDate};
use rapport_domain::{Gender, Mobile, ResidentId, names};
use unicode_normalization::UnicodeNormalization;

/// A customer record as a source system holds it (strings as written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceCustomer {
    pub source_system: String,
    pub source_key: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    /// Another identifier of the person (a social-security or passport number): compared
    /// exactly or with one mistyped character, without the resident-ID rules.
    pub other_id: Option<String>,
    /// Postal code, where the source keeps it apart from the address.
    pub postcode: Option<String>,
    /// Suburb, town or city, where the source keeps it apart from the address.
    pub locality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumber {
    Valid(ResidentId),
    /// 18 characters that fail the check (a mistyped digit): still comparable.
    Invalid(String),
}

impl IdNumber {
    pub fn digits(&self) -> &str {
        match self {
            Self::Valid(id) => id.as_str(),
            Self::Invalid(s) => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Standardised {
    /// The name in simplified hanzi, if it was written in hanzi.
    pub hanzi: Option<String>,
    /// Every full-pinyin spelling of the name, without spaces.
    pub pinyin: Vec<String>,
    pub surname_pinyin: Option<String>,
    /// The words of a name written in letters (lower case).
    pub name_words: Vec<String>,
    pub gender: Option<Gender>,
    pub birth: Option<NaiveDate>,
    pub id: Option<IdNumber>,
    pub mobile: Option<String>,
    /// Address without 省/市, with half-width digits and `号` for `#`.
    pub address: Option<String>,
    /// The address up to its district/county.
    pub district: Option<String>,
    pub email: Option<String>,
    /// Upper-case letters and digits only.
    pub other_id: Option<String>,
    pub postcode: Option<String>,
    /// Lower-case, without spaces or punctuation.
    pub locality: Option<String>,
}

/// Traditional characters common in names and addresses, and their simplified forms.
const TRADITIONAL: &[(char, char)] = &[
    ('張', '张'),
    ('劉', '刘'),
    ('陳', '陈'),
    ('黃', '黄'),
    ('趙', '赵'),
    ('吳', '吴'),
    ('楊', '杨'),
    ('孫', '孙'),
    ('馬', '马'),
    ('羅', '罗'),
    ('鄭', '郑'),
    ('謝', '谢'),
    ('韓', '韩'),
    ('馮', '冯'),
    ('鄧', '邓'),
    ('蕭', '萧'),
    ('葉', '叶'),
    ('許', '许'),
    ('呂', '吕'),
    ('賀', '贺'),
    ('顧', '顾'),
    ('錢', '钱'),
    ('湯', '汤'),
    ('喬', '乔'),
    ('賴', '赖'),
    ('龔', '龚'),
    ('龐', '庞'),
    ('鍾', '钟'),
    ('偉', '伟'),
    ('華', '华'),
    ('麗', '丽'),
    ('軍', '军'),
    ('國', '国'),
    ('東', '东'),
    ('傑', '杰'),
    ('強', '强'),
    ('靜', '静'),
    ('紅', '红'),
    ('鵬', '鹏'),
    ('濤', '涛'),
    ('龍', '龙'),
    ('鳳', '凤'),
    ('蘭', '兰'),
    ('輝', '辉'),
    ('誠', '诚'),
    ('義', '义'),
    ('榮', '荣'),
    ('寧', '宁'),
    ('豐', '丰'),
    ('廣', '广'),
    ('區', '区'),
    ('縣', '县'),
    ('號', '号'),
    ('樓', '楼'),
    ('門', '门'),
    ('灣', '湾'),
    ('銀', '银'),
    ('貿', '贸'),
    ('達', '达'),
    ('進', '进'),
    ('飛', '飞'),
    ('雲', '云'),
    ('愛', '爱'),
];

pub fn to_simplified(s: &str) -> String {
    s.chars()
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|(t, _)| *t == c)
                .map_or(c, |(_, s)| *s)
        })
        .collect()
}

/// NFKC folds full-width forms; whitespace is dropped.
fn fold(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn gender(s: &str) -> Option<Gender> {
    match s.trim().to_lowercase().as_str() {
        "m" | "1" | "男" | "male" => Some(Gender::Male),
        "f" | "2" | "女" | "female" => Some(Gender::Female),
        _ => None,
    }
}

type NameForms = (Option<String>, Vec<String>, Option<String>, Vec<String>);

fn name_forms(raw: &str) -> NameForms {
    let folded = to_simplified(&raw.nfkc().collect::<String>());
    let hanzi: String = folded.chars().filter(|c| names::is_hanzi(*c)).collect();
    if !hanzi.is_empty() {
        let pinyin = names::full_pinyin_keys(&hanzi);
        let surname: String = hanzi.chars().take(1).collect();
        let surname_pinyin = names::full_pinyin_keys(&surname).into_iter().next();
        return (Some(hanzi), pinyin, surname_pinyin, Vec::new());
    }
    // A name in pinyin: `ZHANG WEI`, `Zhang Wei`, `zhangwei`; the given name may come first.
    let words: Vec<String> = folded
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let joined = words.concat();
    if joined.is_empty() {
        return (None, Vec::new(), None, Vec::new());
    }
    let mut pinyin = vec![joined];
    if let [first, second] = words.as_slice() {
        pinyin.push(format!("{second}{first}"));
    }
    let surname = match words.as_slice() {
        [first, _, ..] => Some(first.clone()),
        _ => None,
    };
    (None, pinyin, surname, words)
}

fn address(raw: &str) -> (String, Option<String>) {
    let a: String = to_simplified(&fold(raw))
        .replace('#', "号")
        .chars()
        .filter(|c| *c != '省' && *c != '市')
        .collect();
    let district = a
        .char_indices()
        .find(|(_, c)| matches!(c, '区' | '县' | '旗'))
        .and_then(|(i, c)| a.get(..i + c.len_utf8()))
        .map(str::to_owned);
    (a, district)
}

/// Letters and digits only (after NFKC), `None` when nothing is left.
fn alphanumeric(raw: Option<&str>) -> Option<String> {
    let s: String = raw?.nfkc().filter(|c| c.is_alphanumeric()).collect();
    (!s.is_empty()).then_some(s)
}

pub fn standardise(r: &SourceCustomer) -> Standardised {
    let (hanzi, pinyin, surname_pinyin, name_words) = name_forms(&r.name);
    let id = r
        .resident_id
        .as_deref()
        .map(fold)
        .filter(|s| !s.is_empty())
        .map(|s| match ResidentId::parse(&s) {
            Ok(id) => IdNumber::Valid(id),
            Err(_) => IdNumber::Invalid(s.to_ascii_uppercase()),
        });
    let mut birth = r
        .birth_date
        .as_deref()
        .and_then(|d| rapport_domain::dates::parse_any_date(&fold(d)));
    let mut g = r.gender.as_deref().and_then(gender);
    if let Some(IdNumber::Valid(v)) = &id {
        // The ID carries both; where the record has none, take them from it.
        birth = birth.or(Some(v.birth_date()));
        g = g.or(Some(v.gender()));
    }
    let (address, district) = match r.address.as_deref().map(address) {
        Some((a, d)) => (Some(a), d),
        None => (None, None),
    };
    Standardised {
        hanzi,
        pinyin,
        surname_pinyin,
        name_words,
        gender: g,
        // 1900-01-01 and earlier stand for "unknown" in many systems.
        birth: birth.filter(|b| b.year() > 1900 || (b.year() == 1900 && b.ordinal() > 1)),
        id,
        mobile: r
            .mobile
            .as_deref()
            .and_then(|m| Mobile::parse(m).ok())
            .map(|m| m.as_str().to_owned()),
        address: address.filter(|a| !a.is_empty()),
        district,
        email: r
            .email
            .as_deref()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| e.contains('@')),
        other_id: alphanumeric(r.other_id.as_deref()).map(|s| s.to_uppercase()),
        postcode: alphanumeric(r.postcode.as_deref()).map(|s| s.to_uppercase()),
        locality: alphanumeric(r.locality.as_deref()).map(|s| to_simplified(&s).to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str) -> SourceCustomer {
        SourceCustomer {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn names_in_hanzi_traditional_and_pinyin_meet() {
        let a = standardise(&rec("张伟"));
        let b = standardise(&rec("張偉"));
        let c = standardise(&rec("ZHANG WEI"));
        let d = standardise(&rec("Wei Zhang"));
        assert_eq!(a.hanzi, b.hanzi);
        assert!(c.pinyin.contains(&a.pinyin[0]) && d.pinyin.contains(&a.pinyin[0]));
    }

    #[test]
    fn identifiers_dates_and_addresses_are_canonical() {
        let r = SourceCustomer {
            name: "张伟".into(),
            resident_id: Some("110105491231002".into()),
            birth_date: Some("1949年12月31日".into()),
            mobile: Some("+86 138 1234 5678".into()),
            address: Some("浙江杭州西湖区文三路９０#".into()),
            gender: Some("女".into()),
            ..Default::default()
        };
        let s = standardise(&r);
        assert_eq!(
            s.id,
            Some(IdNumber::Valid(
                ResidentId::parse("11010519491231002X").unwrap()
            ))
        );
        assert_eq!(s.birth, NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(s.mobile.as_deref(), Some("13812345678"));
        let full = standardise(&SourceCustomer {
            address: Some("浙江省杭州市西湖区文三路90号".into()),
            ..r.clone()
        });
        assert_eq!(s.address, full.address);
        assert_eq!(s.district.as_deref(), Some("浙江杭州西湖区"));
    }
}
