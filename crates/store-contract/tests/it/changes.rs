//! Prospects, contact changes with history, optimistic concurrency (R1.5).
use chrono::{TimeZone, Utc};
use rapport_domain::{BranchId, Mobile, PartyId, Viewer};
use rapport_store::search::SearchQuery;
use rapport_store::{ChangeAuthor, ContactChanges, NewProspect, PageRequest, StoreError};
use rapport_store_contract::TestStore;
use rapport_store_contract::fixture::{self, RM_A, viewer};

use crate::loaded;

fn author(minute: u32) -> ChangeAuthor {
    ChangeAuthor {
        staff_id: Some(RM_A),
        username: "rm.a".into(),
        source: "rapport".into(),
        at: Utc.with_ymd_and_hms(2026, 7, 1, 2, minute, 0).unwrap(),
    }
}

fn mobile(s: &str) -> Option<Option<Mobile>> {
    Some(Some(Mobile::parse(s).unwrap()))
}

#[tokio::test]
async fn prospects_join_their_rm_s_portfolio_and_are_searchable() {
    for t in loaded().await {
        let id = t
            .store
            .create_prospect(
                &NewProspect {
                    name: "赵小明".into(),
                    gender: None,
                    birth_date: None,
                    resident_id: None,
                    mobile: Some(Mobile::parse("13700002468").unwrap()),
                    email: None,
                    address: Some("浙江省杭州市西湖区文二路1号".into()),
                    home_branch: BranchId(4),
                    primary_rm: Some(RM_A),
                },
                &author(0),
            )
            .await
            .unwrap();
        assert_eq!(id, PartyId(6), "{}", t.name);
        let v = t
            .store
            .customer_360(&viewer(RM_A), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                v.party.customer_number.as_str(),
                v.party.kind.as_str(),
                v.party.version
            ),
            ("C0000000006", "prospect", 1)
        );
        assert!(v.rms[0].primary && v.rms[0].staff_id == RM_A);
        for q in ["赵小明", "zxm", "2468", "13700002468"] {
            let found = t
                .store
                .search_customers(
                    &viewer(RM_A),
                    &SearchQuery::parse(q),
                    PageRequest {
                        page: 1,
                        page_size: 10,
                    },
                )
                .await
                .unwrap();
            assert_eq!(
                found.items.iter().map(|c| c.party_id).collect::<Vec<_>>(),
                vec![id],
                "{}: {q}",
                t.name
            );
        }
        assert!(
            t.store
                .customer_360(&viewer(fixture::RM_B), id)
                .await
                .unwrap()
                .is_none()
        );
        let history = t
            .store
            .party_changes(&viewer(RM_A), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].field, "created");
    }
}

/// 张伟 (1)'s first change: a new mobile and an email.
fn new_mobile_and_email() -> ContactChanges {
    ContactChanges {
        mobile: mobile("13988887777"),
        email: Some(Some("zw@example.com".into())),
        ..Default::default()
    }
}

#[tokio::test]
async fn contact_changes_are_versioned_kept_and_searchable() {
    for t in loaded().await {
        let n = t.name;
        let a = viewer(RM_A);
        let id = fixture::ZHANG_WEI_A;
        let changes = new_mobile_and_email();
        assert_eq!(
            t.store
                .update_contact(&a, id, 1, &changes, &author(5))
                .await
                .unwrap(),
            2,
            "{n}"
        );
        // The same change again against the old version is stale.
        let err = t
            .store
            .update_contact(&a, id, 1, &changes, &author(6))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(ref m) if m.contains("version 1")),
            "{n}: {err}"
        );
        // Nothing to change: the version stays.
        assert_eq!(
            t.store
                .update_contact(&a, id, 2, &changes, &author(7))
                .await
                .unwrap(),
            2
        );
        let cleared = ContactChanges {
            email: Some(None),
            address: Some(Some("浙江省杭州市滨江区江南大道3号".into())),
            ..Default::default()
        };
        assert_eq!(
            t.store
                .update_contact(&a, id, 2, &cleared, &author(8))
                .await
                .unwrap(),
            3
        );

        let v = t.store.customer_360(&a, id).await.unwrap().unwrap();
        assert_eq!(
            (
                v.party.mobile.as_deref(),
                v.party.email.as_deref(),
                v.party.version
            ),
            (Some("13988887777"), None, 3),
            "{n}"
        );
        assert_history_of_both_changes(&t, &a).await;
        assert_search_follows_the_new_mobile(&t, &a).await;
    }
}

/// Each changed field of versions 2 and 3 of 张伟 (1), old and new value, with who and when.
async fn assert_history_of_both_changes(t: &TestStore, a: &Viewer) {
    let n = t.name;
    let history = t
        .store
        .party_changes(a, fixture::ZHANG_WEI_A)
        .await
        .unwrap()
        .unwrap();
    let seen: Vec<(i64, &str, Option<&str>, Option<&str>)> = history
        .iter()
        .map(|c| {
            (
                c.version,
                c.field.as_str(),
                c.old_value.as_deref(),
                c.new_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                2,
                "mobile",
                Some(fixture::ZHANG_WEI_A_MOBILE),
                Some("13988887777")
            ),
            (2, "email", None, Some("zw@example.com")),
            (3, "email", Some("zw@example.com"), None),
            (
                3,
                "address",
                Some("浙江省杭州市西湖区文三路90号3栋201室"),
                Some("浙江省杭州市滨江区江南大道3号")
            ),
        ],
        "{n}"
    );
    assert_eq!(history[0].changed_by, "rm.a");
    assert_eq!(history[0].changed_at, author(5).at);
}

/// Search follows the mobile; the old one no longer finds the customer, and the new one is
/// nowhere in plaintext, history included.
async fn assert_search_follows_the_new_mobile(t: &TestStore, a: &Viewer) {
    let n = t.name;
    let page = PageRequest {
        page: 1,
        page_size: 10,
    };
    for (q, hits) in [
        ("13988887777", 1),
        ("7777", 1),
        (fixture::ZHANG_WEI_A_MOBILE, 0),
    ] {
        let found = t
            .store
            .search_customers(a, &SearchQuery::parse(q), page)
            .await
            .unwrap();
        assert_eq!(found.items.len(), hits, "{n}: {q}");
    }
    assert!(
        !t.raw.dump_text().await.unwrap().contains("13988887777"),
        "{n}"
    );
}

#[tokio::test]
async fn contact_changes_out_of_scope_are_not_found_and_leave_no_history() {
    for t in loaded().await {
        let n = t.name;
        let a = viewer(RM_A);
        let other = t
            .store
            .update_contact(
                &a,
                fixture::ZHANG_WEI_B,
                1,
                &new_mobile_and_email(),
                &author(9),
            )
            .await
            .unwrap_err();
        assert!(matches!(other, StoreError::NotFound(_)), "{n}");
        assert!(
            t.store
                .party_changes(&a, fixture::ZHANG_WEI_B)
                .await
                .unwrap()
                .is_none()
        );
    }
}
