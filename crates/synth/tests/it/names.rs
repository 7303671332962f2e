use std::collections::HashMap;

use rapport_domain::PartyKind;

use crate::bank;

#[test]
fn common_names_recur_and_surnames_follow_the_statistics() {
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut surnames: HashMap<char, usize> = HashMap::new();
    let mut one_char = 0;
    let mut total = 0;
    for p in bank().parties().filter(|p| p.kind == PartyKind::Individual) {
        *names.entry(p.name.as_str()).or_default() += 1;
        *surnames.entry(p.name.chars().next().unwrap()).or_default() += 1;
        total += 1;
        if p.name.chars().count() == 2 {
            one_char += 1;
        }
    }
    let zw = names.get("张伟").copied().unwrap_or(0);
    let wf = names.get("王芳").copied().unwrap_or(0);
    assert!(zw >= 2 || wf >= 2, "张伟 {zw}, 王芳 {wf}");
    assert!(zw + wf >= 4, "张伟 {zw}, 王芳 {wf}");
    let share = |c| surnames.get(&c).copied().unwrap_or(0) as f64 / total as f64;
    for (c, expected) in [
        ('王', 0.0712),
        ('李', 0.07),
        ('张', 0.0668),
        ('刘', 0.0538),
        ('陈', 0.0453),
    ] {
        crate::assert_rate(&format!("surname {c}"), share(c), expected, 0.015);
    }
    let one = one_char as f64 / total as f64;
    assert!(
        (0.3..0.7).contains(&one),
        "single-character given names {one}"
    );
    assert!(names.keys().any(|n| n.starts_with("欧阳")
        || n.starts_with("诸葛")
        || n.starts_with("上官")
        || n.starts_with("司马")));
}
