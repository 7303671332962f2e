//! Masked display (脱敏) as Chinese banks show it (R8.2). Every function is idempotent and never
//! reveals more characters than its rule allows, whatever the input.

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    let hidden = chars.len() - head - tail;
    let mut out = String::with_capacity(s.len());
    out.extend(chars.iter().take(head));
    out.extend(std::iter::repeat_n('*', hidden));
    out.extend(chars.iter().skip(head + hidden));
    out
}

/// `13812345678` → `138****5678`.
pub fn mask_mobile(s: &str) -> String {
    keep_ends(s, 3, 4)
}

/// First 6 + last 4: `110105********1234`.
pub fn mask_resident_id(s: &str) -> String {
    keep_ends(s, 6, 4)
}

/// Every character hidden, the length kept: `******************`.
pub fn mask_all(s: &str) -> String {
    "*".repeat(s.chars().count().max(1))
}

/// Bank card and account numbers: first 6 + last 4 when at least 5 digits stay hidden (a
/// card's Luhn digit removes one in ten, so 5 hidden digits leave 10,000 candidates); a shorter
/// number shows its last 4 only while 5 stay hidden, and nothing otherwise.
pub fn mask_account_number(s: &str) -> String {
    let n = s.chars().count();
    if n >= 15 {
        keep_ends(s, 6, 4)
    } else if n >= 9 {
        keep_ends(s, 0, 4)
    } else {
        mask_all(s)
    }
}

/// `zhang.wei@example.com` → `z***@example.com`: the first character of the mailbox and the
/// domain. Text without one `@` is hidden whole.
pub fn mask_email(s: &str) -> String {
    match s.split_once('@') {
        Some((local, domain)) if !domain.contains('@') => {
            // A `*` is already hidden: masking a masked address changes nothing.
            let first: String = local.chars().take(1).filter(|c| *c != '*').collect();
            format!("{first}***@{domain}")
        }
        _ => mask_all(s),
    }
}

/// `张伟` → `张*`, `张小伟` → `张*伟`, `欧阳小明` → `欧**明`, `Zhang Wei` → `Z*******i`.
pub fn mask_name(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => String::new(),
        [_] => "*".to_owned(),
        [first, _] => format!("{first}*"),
        [first, middle @ .., last] => {
            let mut out = String::new();
            out.push(*first);
            out.extend(std::iter::repeat_n('*', middle.len()));
            out.push(*last);
            out
        }
    }
}

/// Cuts an address after its district/county (区, 县, 旗, or a county-level 市 after a city),
/// so `浙江省杭州市西湖区文三路90号` → `浙江省杭州市西湖区`. An address without a recognisable
/// district keeps at most its first 6 characters.
pub fn mask_address(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut city_seen = false;
    let mut previous = None;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '区' | '县' | '旗' => return chars.iter().take(i + 1).collect(),
            '市' if city_seen => return chars.iter().take(i + 1).collect(),
            '市' | '盟' => city_seen = true,
            // 自治州 is prefecture-level; a bare 州 is part of a name (杭州市).
            '州' if previous == Some('治') => city_seen = true,
            _ => {}
        }
        previous = Some(*c);
    }
    chars.iter().take(6).collect()
}

#[cfg(test)]
#[allow(clippy::string_slice)] // the proptests compare ASCII digits by position
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The characters of `masked` that are not `*` and the original's characters at the same
    /// positions: what the mask reveals.
    fn revealed(original: &str, masked: &str) -> usize {
        original
            .chars()
            .zip(masked.chars())
            .filter(|(o, m)| o == m && *m != '*')
            .count()
    }

    proptest! {
        #[test]
        fn masks_reveal_no_more_than_their_policy_and_are_idempotent(s in "\\PC{0,40}") {
            let n = s.chars().count();
            for (masked, allowed) in [
                (mask_mobile(&s), 7),
                (mask_resident_id(&s), 10),
                (mask_account_number(&s), 10),
            ] {
                prop_assert!(revealed(&s, &masked) <= allowed.min(n));
                prop_assert_eq!(masked.chars().count(), n.max(1));
            }
            prop_assert_eq!(mask_mobile(&mask_mobile(&s)), mask_mobile(&s));
            prop_assert!(mask_all(&s).chars().all(|c| c == '*'));
            prop_assert_eq!(mask_email(&mask_email(&s)), mask_email(&s));
            prop_assert_eq!(mask_resident_id(&mask_resident_id(&s)), mask_resident_id(&s));
            prop_assert_eq!(mask_account_number(&mask_account_number(&s)), mask_account_number(&s));
            prop_assert_eq!(mask_name(&mask_name(&s)), mask_name(&s));
            prop_assert_eq!(mask_address(&mask_address(&s)), mask_address(&s));
            // A name shows at most its first and last character.
            prop_assert!(revealed(&s, &mask_name(&s)) <= 2);
            // An address is cut, never extended.
            prop_assert!(s.starts_with(&mask_address(&s)));
        }

        #[test]
        fn an_eleven_digit_mobile_shows_exactly_three_and_four(m in "1[3-9][0-9]{9}") {
            let masked = mask_mobile(&m);
            prop_assert_eq!(&masked[..3], &m[..3]);
            prop_assert_eq!(&masked[7..], &m[7..]);
            prop_assert_eq!(&masked[3..7], "****");
        }
    }

    #[test]
    fn masks_as_banks_show_them() {
        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_resident_id("11010519491231002X"), "110105********002X");
        assert_eq!(
            mask_account_number("6222021234567890123"),
            "622202*********0123"
        );
        assert_eq!(mask_account_number("123456789012"), "********9012");
        assert_eq!(mask_account_number("12345678"), "********");
        assert_eq!(mask_email("zhang.wei@example.com"), "z***@example.com");
        assert_eq!(mask_email("no-at-sign"), "**********");
        assert_eq!(mask_name("张伟"), "张*");
        assert_eq!(mask_name("张小伟"), "张*伟");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name("Zhang Wei"), "Z*******i");
        assert_eq!(
            mask_address("浙江省杭州市西湖区文三路90号"),
            "浙江省杭州市西湖区"
        );
        assert_eq!(mask_address("北京市朝阳区建国路8号"), "北京市朝阳区");
        assert_eq!(
            mask_address("江苏省苏州市昆山市前进路1号"),
            "江苏省苏州市昆山市"
        );
        assert_eq!(
            mask_address("湖南省湘西土家族苗族自治州吉首市人民路2号"),
            "湖南省湘西土家族苗族自治州吉首市"
        );
    }

    #[test]
    fn masks_are_idempotent_and_short_inputs_reveal_nothing() {
        for s in [
            "13812345678",
            "11010519491231002X",
            "张小伟",
            "浙江省杭州市西湖区文三路90号",
            "123",
        ] {
            assert_eq!(mask_mobile(&mask_mobile(s)), mask_mobile(s));
            assert_eq!(mask_resident_id(&mask_resident_id(s)), mask_resident_id(s));
            assert_eq!(mask_name(&mask_name(s)), mask_name(s));
            assert_eq!(mask_address(&mask_address(s)), mask_address(s));
        }
        assert_eq!(mask_mobile("1234567"), "*******");
    }
}
