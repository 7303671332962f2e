//! Saved segments: names unique among active segments, members replaced per as-of date in one
//! transaction, counts and member lists only within the viewer's scope, soft deletion.
use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{PartyId, Viewer};
use rapport_store::segments::NewSegment;
use rapport_store::{PageRequest, Store, StoreError};
use rapport_store_contract::fixture::{
    self, ADMIN, BM_XIHU, COMPANY, HEAD_BM, LI_NA, RM_A, RM_B, WANG_FANG, ZHANG_WEI_A, ZHANG_WEI_B,
};

use crate::loaded;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn new_segment(name: &str) -> NewSegment {
    NewSegment {
        name: name.into(),
        expression: "aum_m0 >= (100000 * 100)".into(),
        description: Some("Customers with 100,000 yuan or more".into()),
        created_by: RM_A,
        created_at: Utc.with_ymd_and_hms(2026, 7, 1, 2, 0, 0).unwrap(),
    }
}

const ALL: PageRequest = PageRequest {
    page: 1,
    page_size: 100,
};

async fn member_ids(s: &dyn Store, viewer: &Viewer, id: i64, as_of: NaiveDate) -> BTreeSet<i64> {
    s.segment_members(viewer, id, as_of, ALL)
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.party_id.0)
        .collect()
}

async fn count(s: &dyn Store, viewer: &Viewer, id: i64) -> i64 {
    let listed = s
        .list_segments(viewer)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
        .members;
    let one = s.segment(viewer, id).await.unwrap().unwrap().members;
    assert_eq!(listed, one, "the list and the segment agree");
    listed
}

#[tokio::test]
async fn segments_are_named_once_and_count_only_the_viewers_members() {
    let june = day(2026, 6, 30);
    for t in loaded().await {
        let s = t.store.as_ref();
        let id = s.create_segment(&new_segment("高净值客户")).await.unwrap();
        // A second active segment of the same name is refused; another name is fine.
        let dup = s.create_segment(&new_segment("高净值客户")).await;
        assert!(
            matches!(&dup, Err(StoreError::Conflict(m)) if m.contains("高净值客户")),
            "{}: {dup:?}",
            t.name
        );
        let other = s.create_segment(&new_segment("Dormant")).await.unwrap();
        assert_ne!(id, other);

        let admin = fixture::viewer(HEAD_BM);
        let listed = s.list_segments(&admin).await.unwrap();
        assert_eq!(
            listed.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["Dormant", "高净值客户"],
            "{}: by name",
            t.name
        );
        let row = s.segment(&admin, id).await.unwrap().unwrap();
        assert_eq!(row.expression, "aum_m0 >= (100000 * 100)");
        assert_eq!(
            row.description.as_deref(),
            Some("Customers with 100,000 yuan or more")
        );
        assert_eq!(
            (row.created_by, row.created_by_username.as_str()),
            (RM_A, "rm.a")
        );
        assert_eq!(row.created_at, new_segment("x").created_at);
        assert_eq!((row.as_of, row.members), (None, 0), "not evaluated yet");
        assert!(s.segment(&admin, 999_999).await.unwrap().is_none());

        s.replace_segment_members(
            id,
            june,
            &[
                ZHANG_WEI_A,
                WANG_FANG,
                ZHANG_WEI_B,
                COMPANY,
                LI_NA,
                WANG_FANG,
            ],
        )
        .await
        .unwrap();
        assert_eq!(
            s.segment(&admin, id).await.unwrap().unwrap().as_of,
            Some(june)
        );
        assert_members_counted_within_each_scope(t.name, s, id, june).await;
        assert_members_come_a_page_at_a_time(s, id, june).await;
        // The other segment has no members.
        assert_eq!(count(s, &admin, other).await, 0);
        assert_the_360_lists_segments_only_in_scope(t.name, s, id, june).await;
    }
}

/// Counts and members within each viewer's scope (see the fixture's bank).
async fn assert_members_counted_within_each_scope(
    name: &str,
    s: &dyn Store,
    id: i64,
    june: NaiveDate,
) {
    for (staff, expected) in [
        (HEAD_BM, vec![1, 2, 3, 4, 5]),
        (ADMIN, vec![]),
        (RM_A, vec![1, 2, 4]),
        (RM_B, vec![2, 3]),
        (BM_XIHU, vec![1, 4]),
    ] {
        let v = fixture::viewer(staff);
        let expected: BTreeSet<i64> = expected.into_iter().collect();
        assert_eq!(
            member_ids(s, &v, id, june).await,
            expected,
            "{name}: staff {}",
            staff.0
        );
        assert_eq!(count(s, &v, id).await, expected.len() as i64, "{name}");
    }
}

/// Members come as customer rows (masked later, at the edge), a page at a time.
async fn assert_members_come_a_page_at_a_time(s: &dyn Store, id: i64, june: NaiveDate) {
    let rm_a = fixture::viewer(RM_A);
    let first = s
        .segment_members(
            &rm_a,
            id,
            june,
            PageRequest {
                page: 1,
                page_size: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        first.items.iter().map(|c| c.party_id).collect::<Vec<_>>(),
        [ZHANG_WEI_A, WANG_FANG]
    );
    assert!(first.has_more);
    assert_eq!(first.items[0].name, "张伟");
    assert_eq!(
        first.items[0].mobile.as_deref(),
        Some(fixture::ZHANG_WEI_A_MOBILE),
        "opened by the store, masked by the edge"
    );
    assert!(first.items[0].latest_aum.is_some());
    let second = s
        .segment_members(
            &rm_a,
            id,
            june,
            PageRequest {
                page: 2,
                page_size: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].party_id, COMPANY);
    assert!(!second.has_more);
}

/// The 360 view's list of a party's segments: only for a party in scope.
async fn assert_the_360_lists_segments_only_in_scope(
    name: &str,
    s: &dyn Store,
    id: i64,
    june: NaiveDate,
) {
    let rm_a = fixture::viewer(RM_A);
    let admin = fixture::viewer(HEAD_BM);
    let mine = rapport_store_contract::reads::in_scope(s, &rm_a, ZHANG_WEI_A, |c| async move {
        s.party_segments(&c).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        mine.iter()
            .map(|r| (r.id, r.name.as_str(), r.as_of))
            .collect::<Vec<_>>(),
        [(id, "高净值客户", june)]
    );
    assert!(
        rapport_store_contract::reads::in_scope(s, &rm_a, ZHANG_WEI_B, |c| async move {
            s.party_segments(&c).await
        })
        .await
        .unwrap()
        .is_none(),
        "{name}: RM B's customer is out of RM A's scope"
    );
    assert_eq!(
        rapport_store_contract::reads::in_scope(
            s,
            &fixture::viewer(RM_B),
            ZHANG_WEI_B,
            |c| async move { s.party_segments(&c).await }
        )
        .await
        .unwrap()
        .unwrap()
        .len(),
        1
    );
    assert!(
        rapport_store_contract::reads::in_scope(s, &admin, PartyId(999_999), |c| async move {
            s.party_segments(&c).await
        },)
        .await
        .unwrap()
        .is_none()
    );
}

#[tokio::test]
async fn members_are_replaced_per_as_of_all_or_nothing() {
    let (may, june, july) = (day(2026, 5, 31), day(2026, 6, 30), day(2026, 7, 31));
    for t in loaded().await {
        let s = t.store.as_ref();
        let admin = fixture::viewer(HEAD_BM);
        let id = s.create_segment(&new_segment("Affluent")).await.unwrap();
        s.replace_segment_members(id, june, &[ZHANG_WEI_A, WANG_FANG, LI_NA])
            .await
            .unwrap();
        // A re-run of the same date replaces that date's members.
        s.replace_segment_members(id, june, &[ZHANG_WEI_A, ZHANG_WEI_B])
            .await
            .unwrap();
        assert_eq!(
            member_ids(s, &admin, id, june).await,
            BTreeSet::from([1, 3]),
            "{}",
            t.name
        );
        assert_eq!(count(s, &fixture::viewer(RM_A), id).await, 1);

        // An unknown party fails the whole replacement: the members stay as they were.
        let bad = s
            .replace_segment_members(id, june, &[WANG_FANG, COMPANY, PartyId(999_999)])
            .await;
        assert!(bad.is_err(), "{}: {bad:?}", t.name);
        assert_eq!(
            member_ids(s, &admin, id, june).await,
            BTreeSet::from([1, 3]),
            "{}: all or nothing",
            t.name
        );
        // Nor does it move the latest as-of date.
        let bad = s
            .replace_segment_members(id, july, &[PartyId(999_999)])
            .await;
        assert!(bad.is_err());
        assert_eq!(
            s.segment(&admin, id).await.unwrap().unwrap().as_of,
            Some(june)
        );

        // An earlier date is kept as history but is not the latest.
        s.replace_segment_members(id, may, &[LI_NA]).await.unwrap();
        let row = s.segment(&admin, id).await.unwrap().unwrap();
        assert_eq!((row.as_of, row.members), (Some(june), 2), "{}", t.name);
        assert_eq!(member_ids(s, &admin, id, may).await, BTreeSet::from([5]));
        assert!(
            rapport_store_contract::reads::in_scope(s, &admin, LI_NA, |c| async move {
                s.party_segments(&c).await
            })
            .await
            .unwrap()
            .unwrap()
            .is_empty(),
            "{}: a member of May only is not a member now",
            t.name
        );

        // A later evaluation that selects nobody is the latest: nobody is a member.
        s.replace_segment_members(id, july, &[]).await.unwrap();
        let row = s.segment(&admin, id).await.unwrap().unwrap();
        assert_eq!((row.as_of, row.members), (Some(july), 0), "{}", t.name);
        assert!(
            rapport_store_contract::reads::in_scope(s, &admin, ZHANG_WEI_A, |c| async move {
                s.party_segments(&c).await
            })
            .await
            .unwrap()
            .unwrap()
            .is_empty()
        );

        let unknown = s
            .replace_segment_members(999_999, june, &[ZHANG_WEI_A])
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound(_))),
            "{}: {unknown:?}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_deleted_segment_is_gone_and_its_name_free_again() {
    let june = day(2026, 6, 30);
    for t in loaded().await {
        let s = t.store.as_ref();
        let admin = fixture::viewer(HEAD_BM);
        let id = s.create_segment(&new_segment("Wealth")).await.unwrap();
        s.replace_segment_members(id, june, &[ZHANG_WEI_A])
            .await
            .unwrap();
        let defs = s.segment_definitions().await.unwrap();
        assert_eq!(defs.len(), 1, "{}", t.name);
        assert_eq!(
            (
                defs[0].id,
                defs[0].name.as_str(),
                defs[0].expression.as_str()
            ),
            (id, "Wealth", "aum_m0 >= (100000 * 100)")
        );
        let at = Utc.with_ymd_and_hms(2026, 7, 2, 2, 0, 0).unwrap();
        assert!(s.delete_segment(id, at).await.unwrap(), "{}", t.name);
        assert!(!s.delete_segment(id, at).await.unwrap(), "already deleted");
        assert!(!s.delete_segment(999_999, at).await.unwrap());
        assert!(s.segment(&admin, id).await.unwrap().is_none(), "{}", t.name);
        assert!(s.list_segments(&admin).await.unwrap().is_empty());
        assert!(s.segment_definitions().await.unwrap().is_empty());
        assert!(
            rapport_store_contract::reads::in_scope(s, &admin, ZHANG_WEI_A, |c| async move {
                s.party_segments(&c).await
            })
            .await
            .unwrap()
            .unwrap()
            .is_empty()
        );
        let late = s.replace_segment_members(id, june, &[WANG_FANG]).await;
        assert!(matches!(late, Err(StoreError::NotFound(_))), "{late:?}");
        let again = s.create_segment(&new_segment("Wealth")).await.unwrap();
        assert_ne!(again, id, "{}: a new segment under the old name", t.name);
        assert_eq!(s.list_segments(&admin).await.unwrap().len(), 1);
    }
}
