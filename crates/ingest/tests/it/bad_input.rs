//! Each bad input: a clear message naming line/column/field and reason, and nothing half-written.
use rapport_store::ingest::LoadMode;

use crate::{
    CUSTOMER_MAPPING, Env, HEADER, count, good_rows, refused_file, stores, valid_resident_id,
};

/// A CSV file of these bytes is refused whole (see [`refused_file`]).
async fn refused(mapping: &str, bytes: &[u8], expect: &[&str]) {
    refused_file("bad.csv", mapping, bytes, expect).await;
}

#[tokio::test]
async fn a_gbk_file_without_declaration_is_refused_with_a_hint() {
    let text = good_rows();
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    refused(
        CUSTOMER_MAPPING,
        &bytes,
        &["line 2", "not valid UTF-8", "gbk"],
    )
    .await;
}

#[tokio::test]
async fn a_utf8_file_declared_gbk_is_refused() {
    let mapping = CUSTOMER_MAPPING.replace(
        "kind = \"customers\"",
        "kind = \"customers\"\nencoding = \"gbk\"",
    );
    refused(&mapping, good_rows().as_bytes(), &["line 2", "utf-8"]).await;
}

#[tokio::test]
async fn a_mapped_column_missing_from_the_file_is_named() {
    let text = good_rows().replace("cif,name,", "cif,full_name,");
    refused(
        CUSTOMER_MAPPING,
        text.as_bytes(),
        &["'name'", "column 'name'", "full_name"],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_column_is_named() {
    let text = good_rows().replacen("branch\n", "branch,shoe_size\n", 1);
    let text = text.replace("R01B01S01\n", "R01B01S01,42\n");
    refused(CUSTOMER_MAPPING, text.as_bytes(), &["shoe_size", "ignore"]).await;
}

#[tokio::test]
async fn a_column_of_card_secrets_is_refused() {
    let text = good_rows().replacen("branch\n", "branch,CVN\n", 1);
    let mapping = format!("ignore = [\"CVN\"]\n{CUSTOMER_MAPPING}");
    refused(&mapping, text.as_bytes(), &["CVN", "never be stored"]).await;
}

#[tokio::test]
async fn an_empty_file_is_refused() {
    refused(CUSTOMER_MAPPING, b"", &["empty"]).await;
    refused(CUSTOMER_MAPPING, b"\n", &["empty"]).await;
}

#[tokio::test]
async fn a_100_mb_line_is_refused_without_reading_it_all() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 100 << 20));
    bytes.push(b'\n');
    refused(CUSTOMER_MAPPING, &bytes, &["line 2", "longer than 1 MiB"]).await;
}

#[tokio::test]
async fn a_mapping_without_a_required_field_or_with_an_unknown_one_is_refused() {
    let e = rapport_ingest::Mapping::parse(&CUSTOMER_MAPPING.replace("name = \"name\"\n", ""))
        .unwrap_err();
    assert!(e.contains("required field 'name'"), "{e}");
    let e = rapport_ingest::Mapping::parse(&CUSTOMER_MAPPING.replace("sex", "sex\"\nshoe = \"x"))
        .unwrap_err();
    assert!(e.contains("unknown field 'shoe'"), "{e}");
}

/// Bad rows are reported (line, field, masked value, reason) while the good rows load.
async fn rows_rejected(text: &str, expect_lines: &[&str], loaded: i64) {
    for ts in stores().await {
        let env = Env::new();
        let path = env.file("rows.csv", text.as_bytes());
        let report = env
            .import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        let rejects = env.rejects_text();
        for e in expect_lines {
            assert!(
                rejects.contains(e),
                "{}: rejects report should contain '{e}':\n{rejects}",
                ts.name
            );
        }
        assert_eq!(report.run.counts.inserted, loaded, "{}", ts.name);
        assert_eq!(
            count(&ts, "SELECT count(*) FROM source_records").await,
            loaded
        );
    }
}

#[tokio::test]
async fn a_bad_resident_id_check_digit_rejects_the_row_by_default() {
    let bad = valid_resident_id(11);
    let last = bad.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{wrong}", &bad[..17]);
    let text = format!("{HEADER}K1,张伟,M,1980-01-01,{bad},13800138000,R01B01S01\nK2,王芳,F,,,,\n");
    rows_rejected(
        &text,
        &["2,resident_id,", "check character", "row rejected"],
        1,
    )
    .await;
    // The rejects report never shows the whole identifier.
    let env = Env::new();
    for ts in stores().await {
        let path = env.file("rows.csv", text.as_bytes());
        env.import(&ts, CUSTOMER_MAPPING, &path, LoadMode::Delta)
            .await
            .unwrap();
        assert!(!env.rejects_text().contains(&bad));
    }
}

#[tokio::test]
async fn impossible_dates_are_rejected_with_their_field() {
    let text = format!(
        "{HEADER}K1,张伟,M,1985-02-30,,,\nK2,王芳,F,1985-13-01,,,\nK3,李娜,F,1985-12-01,,,\n"
    );
    rows_rejected(
        &text,
        &["2,birth_date,", "3,birth_date,", "not a real date"],
        1,
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_source_key_names_the_first_line() {
    let text = format!("{HEADER}K1,张伟,M,,,,\nK2,王芳,F,,,,\nK1,张伟,M,,,,\n");
    rows_rejected(
        &text,
        &["4,source_key,", "line 2 has the same source_key"],
        2,
    )
    .await;
}

#[tokio::test]
async fn a_truncated_last_line_is_rejected_and_the_rest_loads() {
    let text = format!("{HEADER}K1,张伟,M,,,,\nK2,王芳,F,19");
    rows_rejected(&text, &["3,(line),", "cut short"], 1).await;
}

#[tokio::test]
async fn bad_mobiles_genders_and_missing_names_are_named() {
    let text = format!(
        "{HEADER}K1,张伟,M,,,1380013800,\nK2,王芳,X,,,,\nK3,,F,,,,\nK4,李娜,F,,,１３８００１３８０００,\n"
    );
    rows_rejected(&text, &["2,mobile,", "3,gender,", "4,name,", "is empty"], 1).await;
}
