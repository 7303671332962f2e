//! The staff rules on a real store: a new login is checked field by field and only ever
//! requested; the bootstrap holds while fewer than two administrators are enabled.
use chrono::Utc;
use rapport_domain::{BranchId, Role, Username};
use rapport_services::staff::{self, LoginRequest, Requester, StaffError};
use rapport_store::staff_changes::{RequestedVia, StaffChange};
use rapport_store_contract::{TestStore, fixture};

fn login(username: &str, role: Role, branch: Option<i64>) -> LoginRequest {
    LoginRequest {
        username: Username::parse(username).unwrap(),
        display_name: "  新员工 ".into(),
        role,
        branch_id: branch.map(BranchId),
    }
}

fn cli() -> Requester {
    Requester {
        staff: None,
        via: RequestedVia::Cli,
        at: Utc::now(),
    }
}

fn field_of(e: StaffError) -> &'static str {
    match e {
        StaffError::Invalid { field, .. } => field,
        other => panic!("expected a field at fault, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_login_is_checked_then_only_requested() {
    for t in TestStore::each().await {
        let s = t.store.as_ref();
        s.load_reference(&fixture::reference()).await.unwrap();
        let mut blank = login("new.rm", Role::Rm, Some(4));
        blank.display_name = " \t".into();
        let long = LoginRequest {
            display_name: "名".repeat(51),
            ..login("new.rm", Role::Rm, Some(4))
        };
        for bad in [blank, long] {
            let e = staff::check_login(s, &bad).await.unwrap_err();
            assert_eq!(field_of(e), "display_name", "{}", t.name);
        }
        let no_branch = login("new.bm", Role::BranchManager, None);
        let e = staff::check_login(s, &no_branch).await.unwrap_err();
        assert_eq!(field_of(e), "branch_id", "{}", t.name);
        let taken = login("rm.a", Role::Rm, Some(4));
        let e = staff::check_login(s, &taken).await.unwrap_err();
        assert_eq!(e.to_string(), "username rm.a is taken", "{}", t.name);

        let change = staff::check_login(s, &login("new.rm", Role::Rm, Some(4)))
            .await
            .unwrap();
        let StaffChange::CreateLogin { display_name, .. } = &change else {
            panic!("{change:?}");
        };
        assert_eq!(display_name, "新员工", "{}: trimmed", t.name);
        let row = staff::request(s, change, cli()).await.unwrap();
        assert_eq!(row.requested_by, None, "{}", t.name);
        let new = Username::parse("new.rm").unwrap();
        assert!(
            s.staff_by_username(&new).await.unwrap().is_none(),
            "{}: a request creates no login",
            t.name
        );
    }
}

#[tokio::test]
async fn a_reset_or_enable_of_nobody_is_refused_naming_the_username() {
    for t in TestStore::each().await {
        let s = t.store.as_ref();
        s.load_reference(&fixture::reference()).await.unwrap();
        let nobody = Username::parse("nobody").unwrap();
        let e = staff::request_password_reset(s, nobody.clone(), cli())
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "no staff member has the username nobody");
        let e = staff::request_enable(s, nobody, cli()).await.unwrap_err();
        assert!(
            matches!(e, StaffError::UnknownStaff(_)),
            "{}: {e:?}",
            t.name
        );
        let rm = Username::parse("rm.a").unwrap();
        let row = staff::request_password_reset(s, rm, cli()).await.unwrap();
        assert_eq!(row.change.kind(), "reset_password", "{}", t.name);
        assert_eq!(s.pending_staff_changes().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_bootstrap_holds_while_fewer_than_two_administrators_are_enabled() {
    for t in TestStore::each().await {
        let s = t.store.as_ref();
        s.load_reference(&fixture::reference()).await.unwrap();
        // The fixture has two enabled administrators: no bootstrap, and never for other roles.
        assert!(
            !staff::is_bootstrap(s, Role::Admin).await.unwrap(),
            "{}",
            t.name
        );
        let second = Username::parse("admin.b").unwrap();
        s.set_disabled(&second, true).await.unwrap();
        assert!(
            staff::is_bootstrap(s, Role::Admin).await.unwrap(),
            "{}",
            t.name
        );
        assert!(
            !staff::is_bootstrap(s, Role::Rm).await.unwrap(),
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_token_request_names_a_bad_life_or_name() {
    use rapport_services::staff::TokenRequest;
    for t in TestStore::each().await {
        let s = t.store.as_ref();
        s.load_reference(&fixture::reference()).await.unwrap();
        let token = |name: &str, days| TokenRequest {
            name: name.into(),
            role: Role::Marketing,
            branch_id: None,
            days,
        };
        for days in [0, 367] {
            let e = staff::check_token(s, &token("crm-sync", days))
                .await
                .unwrap_err();
            assert_eq!(field_of(e), "days", "{}", t.name);
        }
        let e = staff::check_token(s, &token("has space", 30))
            .await
            .unwrap_err();
        assert_eq!(field_of(e), "name", "{}", t.name);
        let change = staff::check_token(s, &token("crm-sync", 366))
            .await
            .unwrap();
        assert_eq!(change.kind(), "create_token", "{}", t.name);
    }
}
