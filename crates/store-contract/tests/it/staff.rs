use chrono::{Duration, TimeZone, Utc};
use rapport_domain::{Role, StaffId, Username};
use rapport_store::{LockoutPolicy, NewSession, NewStaff, StoreError};
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

#[tokio::test]
async fn repeated_failures_lock_the_account() {
    let policy = LockoutPolicy {
        max_failures: 3,
        lock_for: Duration::minutes(15),
    };
    let now = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 0).unwrap();
    for t in loaded().await {
        for _ in 0..2 {
            t.store
                .record_login_failure(fixture::RM_A, now, &policy)
                .await
                .unwrap();
        }
        let a = t.store.staff_by_id(fixture::RM_A).await.unwrap().unwrap();
        assert_eq!((a.failed_logins, a.locked_until), (2, None), "{}", t.name);
        t.store
            .record_login_failure(fixture::RM_A, now, &policy)
            .await
            .unwrap();
        let a = t.store.staff_by_id(fixture::RM_A).await.unwrap().unwrap();
        assert_eq!(
            a.locked_until,
            Some(now + Duration::minutes(15)),
            "{}",
            t.name
        );
        t.store.record_login_success(fixture::RM_A).await.unwrap();
        let a = t.store.staff_by_id(fixture::RM_A).await.unwrap().unwrap();
        assert_eq!((a.failed_logins, a.locked_until), (0, None), "{}", t.name);
    }
}

#[tokio::test]
async fn sessions_expire_and_die_with_a_disabled_account() {
    let now = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 0).unwrap();
    for t in loaded().await {
        let session = NewSession {
            token_hash: "hash-1".into(),
            staff_id: fixture::RM_A,
            csrf_token: "csrf".into(),
            created_at: now,
            idle_expires_at: now + Duration::minutes(30),
            absolute_expires_at: now + Duration::hours(8),
            kind: rapport_store::SessionKind::Browser,
            name: None,
        };
        t.store.create_session(&session).await.unwrap();
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

        t.store
            .create_session(&NewSession {
                token_hash: "hash-2".into(),
                ..session.clone()
            })
            .await
            .unwrap();
        t.store
            .set_disabled(&Username::parse("rm.a").unwrap(), true)
            .await
            .unwrap();
        assert!(
            t.store
                .touch_session("hash-2", now, Duration::minutes(30))
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

        t.store
            .create_session(&NewSession {
                token_hash: "hash-3".into(),
                staff_id: fixture::RM_B,
                ..session
            })
            .await
            .unwrap();
        t.store.delete_session("hash-3").await.unwrap();
        assert!(
            t.store
                .touch_session("hash-3", now, Duration::minutes(30))
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn staff_are_administered_and_tokens_ignore_idleness() {
    use rapport_store::{SessionKind, StaffUpdate};
    let now = Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, 0).unwrap();
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

        let session = |hash: &str, kind| NewSession {
            token_hash: hash.into(),
            staff_id: fixture::RM_B,
            csrf_token: "c".into(),
            created_at: now,
            idle_expires_at: now + Duration::minutes(30),
            absolute_expires_at: now + Duration::days(90),
            kind,
            name: (kind == SessionKind::Token).then(|| "crm-sync".to_owned()),
        };
        t.store
            .create_session(&session("aaaaaaaaaaaaaaaa0000", SessionKind::Browser))
            .await
            .unwrap();
        t.store
            .create_session(&session("bbbbbbbbbbbbbbbb0000", SessionKind::Token))
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

        // A reset password must be changed, and ends sessions.
        t.store
            .create_session(&session("cccccccccccccccc0000", SessionKind::Browser))
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

        // A password an administrator sets as chosen also ends sessions, but need not be
        // changed; an unknown staff member is not found and nothing changes.
        t.store
            .create_session(&session("dddddddddddddddd0000", SessionKind::Browser))
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
