use chrono::{DateTime, Duration, TimeZone, Utc};
use rapport_domain::{Role, StaffId, Username};
use rapport_store::{NewStaff, Session, SessionKind, StaffUpdate, StoreError};
use rapport_store_contract::fixture;

use crate::loaded;

fn new_staff(name: &str) -> NewStaff {
    NewStaff {
        username: Username::parse(name).unwrap(),
        display_name: "测试".into(),
        role: Role::Rm,
        branch_id: Some(rapport_domain::BranchId(4)),
        password_hash: "$argon2id$fake".into(),
        must_change_password: false,
    }
}

#[tokio::test]
async fn staff_are_created_once_per_username() {
    for t in loaded().await {
        let id = t.store.create_staff(&new_staff("rm.new")).await.unwrap();
        assert!(id.0 > 10, "{}: new ids follow loaded ones", t.name);
        let err = t
            .store
            .create_staff(&new_staff("rm.new"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(ref m) if m.contains("rm.new")),
            "{}: {err}",
            t.name
        );
        let found = t
            .store
            .staff_by_username(&Username::parse("rm.new").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.password_hash.as_deref(), Some("$argon2id$fake"));
        assert!(t.store.list_staff().await.unwrap().len() >= 11);
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 0).unwrap()
}

/// A browser session of `staff` begun `now()`: idle for 30 minutes at most, 8 hours in all.
fn browser_session(token_hash: &str, staff: StaffId) -> Session {
    let now = now();
    Session {
        token_hash: token_hash.into(),
        staff_id: staff,
        csrf_token: "csrf".into(),
        created_at: now,
        idle_expires_at: now + Duration::minutes(30),
        absolute_expires_at: now + Duration::hours(8),
        kind: SessionKind::Browser,
        name: None,
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_past_the_deadline() {
    let now = now();
    for t in loaded().await {
        t.store
            .create_session(&browser_session("hash-1", fixture::RM_A))
            .await
            .unwrap();
        let (s, staff) = t
            .store
            .touch_session("hash-1", now, Duration::minutes(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.staff_id, staff.id),
            (fixture::RM_A, fixture::RM_A),
            "{}",
            t.name
        );
        // Activity 20 minutes later moves the idle deadline.
        let later = now + Duration::minutes(20);
        let (s, _) = t
            .store
            .touch_session("hash-1", later, Duration::minutes(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.idle_expires_at,
            later + Duration::minutes(30),
            "{}",
            t.name
        );
        // Idle past the deadline: gone.
        assert!(
            t.store
                .touch_session(
                    "hash-1",
                    later + Duration::minutes(31),
                    Duration::minutes(30)
                )
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            t.store
                .touch_session("hash-1", later, Duration::minutes(30))
                .await
                .unwrap()
                .is_none(),
            "{}: deleted",
            t.name
        );
    }
}

#[tokio::test]
async fn sessions_die_with_a_disabled_account() {
    for t in loaded().await {
        t.store
            .create_session(&browser_session("hash-2", fixture::RM_A))
            .await
            .unwrap();
        t.store
            .set_disabled(&Username::parse("rm.a").unwrap(), true)
            .await
            .unwrap();
        assert!(
            t.store
                .touch_session("hash-2", now(), Duration::minutes(30))
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.name
        );
        assert!(
            t.store
                .set_disabled(&Username::parse("nobody").unwrap(), true)
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_deleted_session_is_gone() {
    for t in loaded().await {
        t.store
            .create_session(&browser_session("hash-3", fixture::RM_B))
            .await
            .unwrap();
        t.store.delete_session("hash-3").await.unwrap();
        assert!(
            t.store
                .touch_session("hash-3", now(), Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn staff_are_updated_and_an_unknown_one_is_an_error() {
    for t in loaded().await {
        let n = t.name;
        let rm_a = Username::parse("rm.a").unwrap();
        let updated = t
            .store
            .update_staff(
                &rm_a,
                &StaffUpdate {
                    role: Some(Role::BranchManager),
                    branch_id: Some(Some(rapport_domain::BranchId(3))),
                    display_name: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (updated.role, updated.branch_id),
            (Role::BranchManager, Some(rapport_domain::BranchId(3))),
            "{n}"
        );
        assert!(
            t.store
                .update_staff(&Username::parse("nobody").unwrap(), &StaffUpdate::default())
                .await
                .is_err()
        );
    }
}

/// A session of RM B begun `now()` that lives 90 days unless idle (a token has a name).
fn rm_b_session(token_hash: &str, kind: SessionKind) -> Session {
    let now = now();
    Session {
        token_hash: token_hash.into(),
        staff_id: fixture::RM_B,
        csrf_token: "c".into(),
        created_at: now,
        idle_expires_at: now + Duration::minutes(30),
        absolute_expires_at: now + Duration::days(90),
        kind,
        name: (kind == SessionKind::Token).then(|| "crm-sync".to_owned()),
    }
}

#[tokio::test]
async fn tokens_ignore_idleness_and_are_revoked_by_id() {
    let now = now();
    for t in loaded().await {
        let n = t.name;
        t.store
            .create_session(&rm_b_session("aaaaaaaaaaaaaaaa0000", SessionKind::Browser))
            .await
            .unwrap();
        t.store
            .create_session(&rm_b_session("bbbbbbbbbbbbbbbb0000", SessionKind::Token))
            .await
            .unwrap();
        let later = now + Duration::days(2);
        let live = t
            .store
            .list_sessions(Some(fixture::RM_B), later)
            .await
            .unwrap();
        assert_eq!(
            live.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            vec!["bbbbbbbbbbbbbbbb"],
            "{n}: only the token outlives idleness"
        );
        assert!(
            t.store
                .touch_session("bbbbbbbbbbbbbbbb0000", later, Duration::minutes(30))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            t.store
                .touch_session("aaaaaaaaaaaaaaaa0000", later, Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
        assert!(t.store.revoke_session("bbbbbbbbbbbbbbbb").await.unwrap());
        assert!(!t.store.revoke_session("bbbbbbbbbbbbbbbb").await.unwrap());
        assert!(
            t.store.revoke_session("b%").await.is_err(),
            "{n}: no wildcards"
        );
        assert!(
            t.store
                .touch_session("bbbbbbbbbbbbbbbb0000", later, Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_reset_password_must_be_changed_and_ends_sessions() {
    let now = now();
    for t in loaded().await {
        let n = t.name;
        t.store
            .create_session(&rm_b_session("cccccccccccccccc0000", SessionKind::Browser))
            .await
            .unwrap();
        t.store
            .reset_password(fixture::RM_B, "$argon2id$temp", true)
            .await
            .unwrap();
        let b = t.store.staff_by_id(fixture::RM_B).await.unwrap().unwrap();
        assert!(b.must_change_password, "{n}");
        assert!(
            t.store
                .touch_session("cccccccccccccccc0000", now, Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
        t.store
            .set_password(fixture::RM_B, "$argon2id$chosen")
            .await
            .unwrap();
        assert!(
            !t.store
                .staff_by_id(fixture::RM_B)
                .await
                .unwrap()
                .unwrap()
                .must_change_password
        );
    }
}

/// A password an administrator sets as chosen also ends sessions, but need not be changed; an
/// unknown staff member is not found and nothing changes.
#[tokio::test]
async fn a_password_set_as_chosen_ends_sessions_but_need_not_be_changed() {
    let now = now();
    for t in loaded().await {
        let n = t.name;
        t.store
            .create_session(&rm_b_session("dddddddddddddddd0000", SessionKind::Browser))
            .await
            .unwrap();
        t.store
            .reset_password(fixture::RM_B, "$argon2id$given", false)
            .await
            .unwrap();
        let b = t.store.staff_by_id(fixture::RM_B).await.unwrap().unwrap();
        assert!(!b.must_change_password, "{n}");
        assert_eq!(b.password_hash.as_deref(), Some("$argon2id$given"), "{n}");
        assert!(
            t.store
                .touch_session("dddddddddddddddd0000", now, Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
        let missing = t
            .store
            .reset_password(StaffId(999_999), "$argon2id$x", false)
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound(_))),
            "{n}: {missing:?}"
        );
    }
}

/// Rate-limit counters: per bucket and fixed window, shared through the store (two handles
/// on one database count together), a new window starts from zero, buckets are separate.
#[tokio::test]
async fn throttle_counts_per_bucket_and_window() {
    use chrono::TimeZone;
    for t in crate::loaded().await {
        let s = t.store.as_ref();
        let at = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 5).unwrap();
        assert_eq!(
            s.throttle_hits("login-user:rm.a", 900, at).await.unwrap(),
            0
        );
        for n in 1..=3 {
            assert_eq!(s.throttle_hit("login-user:rm.a", 900, at).await.unwrap(), n);
        }
        let later = at + chrono::Duration::minutes(10);
        assert_eq!(
            s.throttle_hits("login-user:rm.a", 900, later)
                .await
                .unwrap(),
            3,
            "{}: same window",
            t.name
        );
        assert_eq!(
            s.throttle_hits("login-user:rm.b", 900, at).await.unwrap(),
            0
        );
        let next = at + chrono::Duration::minutes(15);
        assert_eq!(
            s.throttle_hits("login-user:rm.a", 900, next).await.unwrap(),
            0,
            "{}: a new window",
            t.name
        );
        assert_eq!(
            s.throttle_hit("login-user:rm.a", 900, next).await.unwrap(),
            1
        );
    }
}

mod maker_checker {
    use chrono::{Duration, Utc};
    use rapport_domain::{BranchId, Role, Username};
    use rapport_store::staff_changes::{
        IssuedCredential, NewStaffChange, RequestedVia, StaffChange, StaffChangeDecision,
        StaffChangeStatus,
    };
    use rapport_store::{Store, StoreError};
    use rapport_store_contract::fixture::{ADMIN, ADMIN_B, RM_A};

    use crate::loaded;

    fn head_office_login(name: &str) -> StaffChange {
        StaffChange::CreateLogin {
            username: Username::parse(name).unwrap(),
            display_name: "总行新经理".into(),
            role: Role::BranchManager,
            branch_id: Some(BranchId(1)),
        }
    }

    async fn request(s: &dyn Store, change: StaffChange) -> i64 {
        s.request_staff_change(&NewStaffChange {
            change,
            requested_by: Some(ADMIN),
            requested_via: RequestedVia::Web,
            at: Utc::now(),
        })
        .await
        .unwrap()
        .id
    }

    fn by(id: i64, who: rapport_domain::StaffId) -> StaffChangeDecision {
        StaffChangeDecision {
            id,
            decided_by: who,
            at: Utc::now(),
        }
    }

    async fn rm_a_hash(s: &dyn Store) -> Option<String> {
        s.staff_by_id(RM_A).await.unwrap().unwrap().password_hash
    }

    fn password(hash: &str) -> IssuedCredential {
        IssuedCredential::Password { hash: hash.into() }
    }

    #[tokio::test]
    async fn a_login_exists_only_once_a_second_admin_approves() {
        for t in loaded().await {
            let s = t.store.as_ref();
            let name = Username::parse("bm.new").unwrap();
            let id = request(s, head_office_login("bm.new")).await;
            assert!(
                s.staff_by_username(&name).await.unwrap().is_none(),
                "{}: no login while pending",
                t.name
            );
            let pending = s.pending_staff_changes().await.unwrap();
            assert_eq!(pending.len(), 1, "{}", t.name);
            assert_eq!(pending[0].change.kind(), "create_login");
            assert_eq!(pending[0].requested_by, Some(ADMIN));

            // The maker cannot approve, and the refusal writes nothing.
            let err = s
                .approve_staff_change(&by(id, ADMIN), &password("$argon2id$x"))
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::Invalid(_)), "{}: {err}", t.name);
            assert!(s.staff_by_username(&name).await.unwrap().is_none());

            let applied = s
                .approve_staff_change(&by(id, ADMIN_B), &password("$argon2id$x"))
                .await
                .unwrap();
            assert_eq!(applied.row.status, StaffChangeStatus::Approved);
            assert_eq!(applied.row.decided_by, Some(ADMIN_B));
            let made = s.staff_by_username(&name).await.unwrap().unwrap();
            assert_eq!(made.id, applied.staff_id);
            assert_eq!(
                (made.role, made.branch_id, made.must_change_password),
                (Role::BranchManager, Some(BranchId(1)), true),
                "{}",
                t.name
            );
            assert_eq!(made.password_hash.as_deref(), Some("$argon2id$x"));
            assert!(s.pending_staff_changes().await.unwrap().is_empty());

            // Decided once: neither approved again nor rejected.
            let again = s
                .approve_staff_change(&by(id, ADMIN_B), &password("$argon2id$y"))
                .await
                .unwrap_err();
            assert!(
                matches!(again, StoreError::Conflict(_)),
                "{}: {again}",
                t.name
            );
            let again = s.reject_staff_change(&by(id, ADMIN_B)).await.unwrap_err();
            assert!(
                matches!(again, StoreError::Conflict(_)),
                "{}: {again}",
                t.name
            );
            let unknown = s.reject_staff_change(&by(999, ADMIN_B)).await.unwrap_err();
            assert!(matches!(unknown, StoreError::NotFound(_)), "{}", t.name);
        }
    }

    #[tokio::test]
    async fn a_password_reset_waits_and_a_rejection_changes_nothing() {
        for t in loaded().await {
            let s = t.store.as_ref();
            s.set_password(RM_A, "$argon2id$old").await.unwrap();
            let rm_a = Username::parse("rm.a").unwrap();
            let id = request(
                s,
                StaffChange::ResetPassword {
                    username: rm_a.clone(),
                },
            )
            .await;
            assert_eq!(
                rm_a_hash(s).await.as_deref(),
                Some("$argon2id$old"),
                "{}",
                t.name
            );
            s.reject_staff_change(&by(id, ADMIN_B)).await.unwrap();
            assert_eq!(
                rm_a_hash(s).await.as_deref(),
                Some("$argon2id$old"),
                "{}",
                t.name
            );
            assert_eq!(
                s.staff_change(id).await.unwrap().unwrap().status,
                StaffChangeStatus::Rejected
            );

            let id = request(
                s,
                StaffChange::ResetPassword {
                    username: rm_a.clone(),
                },
            )
            .await;
            s.approve_staff_change(&by(id, ADMIN_B), &password("$argon2id$new"))
                .await
                .unwrap();
            let a = s.staff_by_id(RM_A).await.unwrap().unwrap();
            assert_eq!(a.password_hash.as_deref(), Some("$argon2id$new"));
            assert!(a.must_change_password, "{}", t.name);
        }
    }

    #[tokio::test]
    async fn access_enable_and_tokens_apply_at_approval() {
        for t in loaded().await {
            let s = t.store.as_ref();
            let rm_a = Username::parse("rm.a").unwrap();
            s.set_disabled(&rm_a, true).await.unwrap();
            let elevate = request(
                s,
                StaffChange::ChangeAccess {
                    username: rm_a.clone(),
                    role: Some(Role::BranchManager),
                    set_branch: true,
                    branch_id: Some(BranchId(1)),
                },
            )
            .await;
            let enable = request(
                s,
                StaffChange::Enable {
                    username: rm_a.clone(),
                },
            )
            .await;
            let a = s.staff_by_id(RM_A).await.unwrap().unwrap();
            assert_eq!((a.role, a.disabled), (Role::Rm, true), "{}", t.name);
            // A credential that does not fit the change is refused.
            assert!(matches!(
                s.approve_staff_change(&by(enable, ADMIN_B), &password("$x"))
                    .await
                    .unwrap_err(),
                StoreError::Invalid(_)
            ));
            for id in [elevate, enable] {
                s.approve_staff_change(&by(id, ADMIN_B), &IssuedCredential::Nothing)
                    .await
                    .unwrap();
            }
            let a = s.staff_by_id(RM_A).await.unwrap().unwrap();
            assert_eq!(
                (a.role, a.branch_id, a.disabled),
                (Role::BranchManager, Some(BranchId(1)), false),
                "{}",
                t.name
            );

            // A token from the command line: any administrator approves it.
            let token = s
                .request_staff_change(&NewStaffChange {
                    change: StaffChange::CreateToken {
                        name: "reports".into(),
                        role: Role::Marketing,
                        branch_id: None,
                        days: 30,
                    },
                    requested_by: None,
                    requested_via: RequestedVia::Cli,
                    at: Utc::now(),
                })
                .await
                .unwrap();
            assert_eq!(token.requested_via, RequestedVia::Cli);
            let now = Utc::now();
            s.approve_staff_change(
                &by(token.id, ADMIN),
                &IssuedCredential::Token {
                    account_password_hash: "$argon2id$unusable".into(),
                    token_hash: "ab".repeat(32),
                    csrf_token: "c".repeat(32),
                },
            )
            .await
            .unwrap();
            let live = s
                .touch_session(&"ab".repeat(32), now, Duration::minutes(30))
                .await;
            let (_, staff) = live.unwrap().unwrap();
            assert_eq!(
                (staff.username.as_str(), staff.role),
                ("svc.reports", Role::Marketing),
                "{}",
                t.name
            );
        }
    }
}
