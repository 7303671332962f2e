use std::collections::BTreeSet;

use rapport_domain::{PartyId, StaffId};
use rapport_store::search::SearchQuery;
use rapport_store::{Direction, PageRequest};
use rapport_store_contract::{TestStore, fixture::*};

use crate::loaded;

const PAGE: PageRequest = PageRequest {
    page: 1,
    page_size: 50,
};

async fn listed(t: &TestStore, staff: StaffId) -> BTreeSet<i64> {
    let page = t.store.list_customers(&viewer(staff), PAGE).await.unwrap();
    page.items.iter().map(|c| c.party_id.0).collect()
}

async fn found(t: &TestStore, staff: StaffId, q: &str) -> Vec<i64> {
    let page = t
        .store
        .search_customers(&viewer(staff), &SearchQuery::parse(q), PAGE)
        .await
        .unwrap();
    page.items.iter().map(|c| c.party_id.0).collect()
}

#[tokio::test]
async fn each_role_lists_exactly_its_scope() {
    for t in loaded().await {
        let n = t.name;
        assert_eq!(
            listed(&t, RM_A).await,
            BTreeSet::from([1, 2, 4]),
            "{n}: RM A: primary + secondary, not the ended one"
        );
        assert_eq!(listed(&t, RM_B).await, BTreeSet::from([2, 3]), "{n}: RM B");
        assert_eq!(
            listed(&t, BM_XIHU).await,
            BTreeSet::from([1, 4]),
            "{n}: branch subtree"
        );
        for staff in [AGENT, STEWARD, MARKETING, AUDITOR, HEAD_BM] {
            assert_eq!(
                listed(&t, staff).await,
                BTreeSet::from([1, 2, 3, 4, 5]),
                "{n}: {staff:?} sees all"
            );
        }
        // Separation of duties: administering logins gives no sight of customers.
        assert!(listed(&t, ADMIN).await.is_empty(), "{n}: admin sees none");
        assert!(
            found(&t, ADMIN, "张伟").await.is_empty(),
            "{n}: admin finds none"
        );
    }
}

#[tokio::test]
async fn out_of_scope_and_unknown_customers_are_alike() {
    // (caller, customer, seen?, why)
    let cases = [
        (RM_A, ZHANG_WEI_A, true, "the RM's own customer"),
        (RM_A, ZHANG_WEI_B, false, "another RM's customer"),
        (RM_A, LI_NA, false, "an ended assignment"),
        (RM_A, PartyId(9_999), false, "no such customer"),
        (BM_XIHU, WANG_FANG, false, "another branch's customer"),
        (AGENT, LI_NA, true, "the call centre sees the whole bank"),
    ];
    for t in loaded().await {
        for (caller, party, seen, why) in cases {
            let view = t.store.customer_360(&viewer(caller), party).await.unwrap();
            assert_eq!(view.is_some(), seen, "{}: {why}", t.name);
        }
    }
}

#[tokio::test]
async fn the_360_view_has_profile_holdings_trend_relationships_and_rms() {
    for t in loaded().await {
        let v = t
            .store
            .customer_360(&viewer(RM_A), ZHANG_WEI_A)
            .await
            .unwrap()
            .unwrap();
        let n = t.name;
        assert_eq!(v.party.name, "张伟", "{n}");
        assert_eq!(
            v.party.resident_id.as_deref(),
            Some(zhang_wei_a_resident_id().as_str())
        );
        assert_eq!(v.party.home_branch.code, "R01B01S01");
        assert_eq!(v.accounts.len(), 3, "{n}");
        assert!(
            v.accounts
                .iter()
                .any(|a| a.product_name_zh == "一年期定期存款" && a.matures_on.is_some())
        );
        assert_eq!(v.monthly_aum.len(), 24, "{n}");
        assert!(
            v.monthly_aum.windows(2).all(|w| w[0].month < w[1].month),
            "{n}: oldest first"
        );
        assert_eq!(
            v.monthly_aum[23].aum.to_minor_units().unwrap(),
            42_000_000,
            "{n}"
        );
        assert_eq!(v.rms.len(), 1);
        assert!(v.rms[0].primary && v.rms[0].staff_id == RM_A);
        let company = v
            .relationships
            .iter()
            .find(|r| r.party_id == COMPANY)
            .unwrap();
        assert!(
            company.in_scope && company.direction == Direction::Outgoing,
            "{n}"
        );
        let spouse = v
            .relationships
            .iter()
            .find(|r| r.party_id == LI_NA)
            .unwrap();
        assert!(!spouse.in_scope, "{n}: RM A may not open the spouse's view");
        // Seen from the company, the employee is an incoming link.
        let c = t
            .store
            .customer_360(&viewer(RM_A), COMPANY)
            .await
            .unwrap()
            .unwrap();
        assert!(
            c.relationships
                .iter()
                .any(|r| r.party_id == ZHANG_WEI_A && r.direction == Direction::Incoming)
        );
        // The list view carries the primary RM and the latest AUM.
        let page = t.store.list_customers(&viewer(RM_A), PAGE).await.unwrap();
        let s = page
            .items
            .iter()
            .find(|c| c.party_id == ZHANG_WEI_A)
            .unwrap();
        assert_eq!(s.primary_rm.as_deref(), Some("陈晓明"), "{n}");
        assert_eq!(
            s.latest_aum.unwrap().to_minor_units().unwrap(),
            42_000_000,
            "{n}"
        );
    }
}

#[tokio::test]
async fn search_finds_by_every_kind_of_key_within_scope() {
    for t in loaded().await {
        let n = t.name;
        let id15 = zhang_wei_a_resident_id().to_legacy_15();
        for q in [
            "张伟",
            "伟",
            "zhangwei",
            "zhang wei",
            "ZhangWei",
            "zw",
            "zhangwie",
            "zhanwei",
            "5678",
            ZHANG_WEI_A_MOBILE,
            zhang_wei_a_resident_id().as_str(),
            id15.as_str(),
            "C0000000001",
            ZHANG_WEI_A_ACCOUNT,
        ] {
            assert_eq!(
                found(&t, RM_A, q).await,
                vec![1],
                "{n}: RM A searching {q:?}"
            );
        }
        // The other 张伟 belongs to RM B: the same query there finds only that one.
        assert_eq!(found(&t, RM_B, "张伟").await, vec![3], "{n}");
        assert_eq!(
            found(&t, AGENT, "张伟").await,
            vec![1, 3],
            "{n}: call center sees both"
        );
        assert_eq!(
            found(&t, RM_A, "恒信").await,
            vec![4],
            "{n}: part of a company name"
        );
        assert!(
            found(&t, RM_A, "李娜").await.is_empty(),
            "{n}: out of scope"
        );
        for q in [
            "",
            "%",
            "_",
            "'; DROP TABLE parties; --",
            "??",
            "zzzzzzzzzz",
        ] {
            assert!(found(&t, HEAD_BM, q).await.is_empty(), "{n}: {q:?}");
        }
        assert_eq!(t.store.counts().await.unwrap().parties, 5);
    }
}

#[tokio::test]
async fn pages_follow_one_another() {
    for t in loaded().await {
        let first = t
            .store
            .list_customers(
                &viewer(HEAD_BM),
                PageRequest {
                    page: 1,
                    page_size: 2,
                },
            )
            .await
            .unwrap();
        let third = t
            .store
            .list_customers(
                &viewer(HEAD_BM),
                PageRequest {
                    page: 3,
                    page_size: 2,
                },
            )
            .await
            .unwrap();
        assert!(first.has_more && !third.has_more, "{}", t.name);
        assert_eq!(first.items.len(), 2);
        assert_eq!(
            third.items.iter().map(|c| c.party_id.0).collect::<Vec<_>>(),
            vec![5]
        );
    }
}
