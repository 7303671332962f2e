//! Tasks and interactions: created and read only within scope, completed only by their owner,
//! a completion is one contact in the log.
use chrono::{NaiveDate, TimeZone, Utc};
use rapport_domain::{Reason, Username};
use rapport_store::work::{
    Channel, Direction, InteractionRow, NewInteraction, NewTask, TaskCompletion, TaskKind,
    TaskQuery, TaskRow, TaskStatus, WorkApplied, WorkPlan,
};
use rapport_store::{Store, StoreError};
use rapport_store_contract::fixture::{
    self, BM_XIHU, LI_NA, RM_A, RM_B, WANG_FANG, ZHANG_WEI_A, ZHANG_WEI_B,
};

use crate::loaded;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn task(party: rapport_domain::PartyId, owner: rapport_domain::StaffId, due: NaiveDate) -> NewTask {
    NewTask {
        party_id: party,
        owner,
        kind: TaskKind::Care,
        reason: "birthday on 2026-07-03".into(),
        detail: None,
        alert_id: None,
        due_on: due,
        created_by: Some(owner),
        created_at: Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap(),
    }
}

fn all_open(limit: i64) -> TaskQuery {
    TaskQuery {
        status: Some(TaskStatus::Open),
        due_after: None,
        due_until: None,
        offset: 0,
        limit,
    }
}

/// RM A's two open tasks: 张伟 (1)'s due on 2026-07-03 and 王芳's on 2026-07-20.
async fn rm_a_s_two_tasks(s: &dyn Store) -> (TaskRow, TaskRow) {
    let rm_a = fixture::viewer(RM_A);
    let mine = s
        .create_task(&rm_a, &task(ZHANG_WEI_A, RM_A, day(2026, 7, 3)))
        .await
        .unwrap()
        .expect("ZHANG_WEI_A is RM A's");
    let later = s
        .create_task(&rm_a, &task(WANG_FANG, RM_A, day(2026, 7, 20)))
        .await
        .unwrap()
        .unwrap();
    (mine, later)
}

#[tokio::test]
async fn tasks_are_created_only_for_a_customer_in_scope() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let rm_a = fixture::viewer(RM_A);
        let (mine, _) = rm_a_s_two_tasks(s).await;
        assert_eq!((mine.status, mine.kind), (TaskStatus::Open, TaskKind::Care));
        assert!(!mine.party_name.is_empty());
        // Out of scope is the same as unknown.
        assert!(
            s.create_task(&rm_a, &task(ZHANG_WEI_B, RM_A, day(2026, 7, 3)))
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.name
        );
        assert!(
            s.create_task(
                &rm_a,
                &task(rapport_domain::PartyId(999_999), RM_A, day(2026, 7, 3))
            )
            .await
            .unwrap()
            .is_none()
        );
    }
}

#[tokio::test]
async fn open_tasks_are_listed_soonest_first_by_due_date_and_paged() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let rm_a = fixture::viewer(RM_A);
        let rm_b = fixture::viewer(RM_B);
        let (mine, later) = rm_a_s_two_tasks(s).await;
        // Today's and overdue ones, soonest first; RM B sees none of RM A's.
        let due = s
            .my_tasks(
                &rm_a,
                &TaskQuery {
                    due_until: Some(day(2026, 7, 10)),
                    ..all_open(50)
                },
            )
            .await
            .unwrap();
        assert_eq!(due.iter().map(|t| t.id).collect::<Vec<_>>(), [mine.id]);
        let all = s.my_tasks(&rm_a, &all_open(50)).await.unwrap();
        assert_eq!(
            all.iter().map(|t| t.id).collect::<Vec<_>>(),
            [mine.id, later.id]
        );
        assert!(s.my_tasks(&rm_b, &all_open(50)).await.unwrap().is_empty());
        // Upcoming ones (after a day), and paging.
        let upcoming = s
            .my_tasks(
                &rm_a,
                &TaskQuery {
                    due_after: Some(day(2026, 7, 10)),
                    due_until: Some(day(2026, 7, 24)),
                    ..all_open(50)
                },
            )
            .await
            .unwrap();
        assert_eq!(
            upcoming.iter().map(|t| t.id).collect::<Vec<_>>(),
            [later.id]
        );
        let second = s
            .my_tasks(
                &rm_a,
                &TaskQuery {
                    offset: 1,
                    ..all_open(1)
                },
            )
            .await
            .unwrap();
        assert_eq!(second.iter().map(|t| t.id).collect::<Vec<_>>(), [later.id]);
    }
}

#[tokio::test]
async fn open_tasks_are_counted_by_when_and_by_kind() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let rm_a = fixture::viewer(RM_A);
        let rm_b = fixture::viewer(RM_B);
        rm_a_s_two_tasks(s).await;
        // Counted by when and by kind, up to a day; RM B owns none.
        let counts = s
            .task_counts(&rm_a, day(2026, 7, 3), day(2026, 7, 17))
            .await
            .unwrap();
        assert_eq!(
            (counts.overdue, counts.due_today, counts.upcoming),
            (0, 1, 0),
            "{}: the 20th is past the window",
            t.name
        );
        assert_eq!(counts.by_kind, [("care".to_owned(), 1)]);
        let counts = s
            .task_counts(&rm_a, day(2026, 7, 5), day(2026, 7, 20))
            .await
            .unwrap();
        assert_eq!(
            (counts.overdue, counts.due_today, counts.upcoming),
            (1, 0, 1)
        );
        assert_eq!(counts.by_kind, [("care".to_owned(), 2)]);
        assert_eq!(
            s.task_counts(&rm_b, day(2026, 7, 5), day(2026, 7, 20))
                .await
                .unwrap(),
            Default::default()
        );
    }
}

#[tokio::test]
async fn a_task_is_completed_once_by_its_owner_as_a_logged_contact() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let rm_a = fixture::viewer(RM_A);
        let rm_b = fixture::viewer(RM_B);
        let (mine, later) = rm_a_s_two_tasks(s).await;
        // Another RM cannot complete it; its owner can, once.
        let done = TaskCompletion {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            notes: "called, wished a happy birthday".into(),
            outcome: "reached".into(),
            at: Utc.with_ymd_and_hms(2026, 7, 3, 2, 0, 0).unwrap(),
        };
        assert!(
            s.complete_task(&rm_b, mine.id, &done)
                .await
                .unwrap()
                .is_none()
        );
        let (task_done, contact) = s
            .complete_task(&rm_a, mine.id, &done)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(task_done.status, TaskStatus::Done, "{}", t.name);
        assert_eq!(task_done.outcome.as_deref(), Some("reached"));
        assert_eq!(task_done.interaction_id, Some(contact.id));
        assert_eq!(task_done.completed_at, Some(done.at));
        assert_eq!(contact.interaction.purpose, Some(TaskKind::Care));
        assert_eq!(contact.interaction.task_id, Some(mine.id));
        assert!(
            s.complete_task(&rm_a, mine.id, &done)
                .await
                .unwrap()
                .is_none(),
            "only once"
        );
        // Open ones by default; any status when none is asked for.
        let open = s.my_tasks(&rm_a, &all_open(50)).await.unwrap();
        assert_eq!(open.iter().map(|t| t.id).collect::<Vec<_>>(), [later.id]);
        let any = s
            .my_tasks(
                &rm_a,
                &TaskQuery {
                    status: None,
                    ..all_open(50)
                },
            )
            .await
            .unwrap();
        assert_eq!(
            any.iter().map(|t| (t.id, t.status)).collect::<Vec<_>>(),
            [(mine.id, TaskStatus::Done), (later.id, TaskStatus::Open)],
            "{}",
            t.name
        );
        assert_the_contact_is_in_the_log_within_scope(s, &contact).await;
    }
}

/// The contact is in the customer's log, for those who may see the customer.
async fn assert_the_contact_is_in_the_log_within_scope(s: &dyn Store, contact: &InteractionRow) {
    let rm_a = fixture::viewer(RM_A);
    let rm_b = fixture::viewer(RM_B);
    let log = rapport_store_contract::reads::in_scope(s, &rm_a, ZHANG_WEI_A, |c| async move {
        s.party_interactions(&c, 10).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(&log[0], contact);
    assert!(
        rapport_store_contract::reads::in_scope(s, &rm_b, ZHANG_WEI_A, |c| async move {
            s.party_interactions(&c, 10).await
        })
        .await
        .unwrap()
        .is_none()
    );
    let tasks = rapport_store_contract::reads::in_scope(s, &rm_a, ZHANG_WEI_A, |c| async move {
        s.party_tasks(&c, 10).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(tasks.len(), 1);
    assert!(
        rapport_store_contract::reads::in_scope(s, &rm_b, ZHANG_WEI_A, |c| async move {
            s.party_tasks(&c, 10).await
        })
        .await
        .unwrap()
        .is_none()
    );
}

#[tokio::test]
async fn contacts_are_logged_within_scope_by_the_viewer() {
    for t in loaded().await {
        let s = t.store.as_ref();
        let contact = NewInteraction {
            party_id: ZHANG_WEI_A,
            // Whoever is named, the log records the viewer.
            staff_id: RM_B,
            channel: Channel::WeChat,
            direction: Direction::Inbound,
            purpose: None,
            occurred_at: Utc.with_ymd_and_hms(2026, 7, 2, 3, 0, 0).unwrap(),
            notes: "asked about time deposit rates".into(),
            outcome: "sent the rate sheet".into(),
            task_id: None,
            alert_id: None,
        };
        let logged = s
            .log_interaction(&fixture::viewer(RM_A), &contact)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(logged.interaction.staff_id, RM_A, "{}", t.name);
        assert!(
            s.log_interaction(&fixture::viewer(RM_B), &contact)
                .await
                .unwrap()
                .is_none()
        );
        // A branch manager sees the branch subtree's customers' contacts.
        let bm = rapport_store_contract::reads::in_scope(
            s,
            &fixture::viewer(BM_XIHU),
            ZHANG_WEI_A,
            |c| async move { s.party_interactions(&c, 10).await },
        )
        .await
        .unwrap();
        let in_subtree = s
            .customer_360(&fixture::viewer(BM_XIHU), ZHANG_WEI_A)
            .await
            .unwrap()
            .is_some();
        assert_eq!(bm.is_some(), in_subtree, "{}", t.name);
    }
}

#[tokio::test]
async fn a_task_for_a_disabled_owner_is_refused_naming_the_owner() {
    for t in loaded().await {
        let s = t.store.as_ref();
        s.set_disabled(&Username::parse("rm.a").unwrap(), true)
            .await
            .unwrap();
        let err = s
            .create_task(
                &fixture::viewer(RM_A),
                &task(ZHANG_WEI_A, RM_A, day(2026, 7, 3)),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid(m) if m.contains("owner")),
            "{}: {err}",
            t.name
        );
        assert!(
            s.my_tasks(&fixture::viewer(RM_A), &all_open(10))
                .await
                .unwrap()
                .is_empty()
        );
    }
}

fn plan(
    party: rapport_domain::PartyId,
    key: &str,
    task: Option<(TaskKind, NaiveDate)>,
) -> WorkPlan {
    WorkPlan {
        alert: rapport_store::scores::NewAlert {
            party_id: party,
            kind: rapport_domain::AlertKind::Birthday,
            severity: rapport_domain::AlertSeverity::Low,
            reason: "birthday on 2026-07-10 (solar calendar)".into(),
            detail: Some(Reason::Birthday {
                on: day(2026, 7, 10),
                lunar: false,
            }),
            as_of: day(2026, 7, 5),
            dedup_key: key.into(),
        },
        task,
    }
}

#[tokio::test]
async fn the_alert_job_raises_each_alert_once_with_one_task_for_the_primary_rm() {
    let at = Utc.with_ymd_and_hms(2026, 7, 5, 1, 0, 0).unwrap();
    for t in loaded().await {
        let s = t.store.as_ref();
        let plans = vec![
            plan(
                ZHANG_WEI_A,
                "birthday:1:2026-07-10",
                Some((TaskKind::Care, day(2026, 7, 10))),
            ),
            // No current primary RM: the alert, but no task.
            plan(
                LI_NA,
                "birthday:5:2026-07-10",
                Some((TaskKind::Care, day(2026, 7, 10))),
            ),
        ];
        let first = s.apply_work_plans(&plans, at).await.unwrap();
        assert_eq!(
            first,
            WorkApplied {
                alerts: 2,
                tasks: 1
            },
            "{}",
            t.name
        );
        let again = s.apply_work_plans(&plans, at).await.unwrap();
        assert_eq!(again, WorkApplied::default(), "{}: idempotent", t.name);
        let tasks = s
            .my_tasks(&fixture::viewer(RM_A), &all_open(10))
            .await
            .unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(
            (tasks[0].party_id, tasks[0].kind),
            (ZHANG_WEI_A, TaskKind::Care)
        );
        assert!(tasks[0].alert_id.is_some() && tasks[0].created_by.is_none());
        // The reason as data goes from the plan to its alert and on to the task.
        let birthday = Some(Reason::Birthday {
            on: day(2026, 7, 10),
            lunar: false,
        });
        assert_eq!(tasks[0].detail, birthday, "{}", t.name);

        // LI_NA's alert still waits for a task; ZHANG_WEI_A's has one.
        let waiting = s.alerts_needing_tasks(0, 10).await.unwrap();
        assert_eq!(
            waiting.iter().map(|a| a.alert.party_id).collect::<Vec<_>>(),
            [LI_NA],
            "{}",
            t.name
        );
        assert_eq!(waiting[0].alert.dedup_key, "birthday:5:2026-07-10");
        assert_eq!(waiting[0].alert.detail, birthday, "{}", t.name);

        // Completing the task closes its alert and counts as a care contact.
        let (_, contact) = s
            .complete_task(
                &fixture::viewer(RM_A),
                tasks[0].id,
                &TaskCompletion {
                    channel: Channel::Phone,
                    direction: Direction::Outbound,
                    notes: String::new(),
                    outcome: "reached".into(),
                    at: Utc.with_ymd_and_hms(2026, 7, 10, 2, 0, 0).unwrap(),
                },
            )
            .await
            .unwrap()
            .unwrap();
        assert_work_facts_after_the_care_contact(t.name, s, &contact).await;
        assert!(
            s.alerts_needing_tasks(waiting[0].alert_id, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

/// The facts the alert job reads after 张伟 (1)'s care contact: his primary RM and last care,
/// the maturities inside the window (by blind key), and 李娜 without an RM.
async fn assert_work_facts_after_the_care_contact(
    name: &str,
    s: &dyn Store,
    contact: &InteractionRow,
) {
    let facts = s
        .work_facts(0, 100, day(2026, 7, 11), day(2027, 1, 31))
        .await
        .unwrap();
    let zhang = facts.iter().find(|f| f.party_id == ZHANG_WEI_A).unwrap();
    assert_eq!(zhang.primary_rm, Some(RM_A), "{name}");
    assert_eq!(
        zhang.last_care,
        Some(contact.interaction.occurred_at),
        "{name}"
    );
    assert!(zhang.contacted_since_onboarding);
    assert_eq!(zhang.birthday_calendar, "solar");
    assert!(zhang.is_person);
    // The fixture's time deposits mature on 2026-12-31: inside the window given.
    assert!(
        facts.iter().any(|f| f
            .maturities
            .iter()
            .any(|m| m.matures_on == day(2026, 12, 31))),
        "{name}"
    );
    // The blind key, never the account number (a prefix test would fail once in 65,536
    // random key rings, when the key happens to start with the number's digits).
    let numbers: Vec<String> = fixture::customers()
        .accounts
        .iter()
        .map(|a| a.account_number.clone())
        .collect();
    assert!(
        facts
            .iter()
            .flat_map(|f| &f.maturities)
            .all(|m| !numbers.contains(&m.account_key) && m.account_key.len() == 32),
        "never an account number"
    );
    let li_na = facts.iter().find(|f| f.party_id == LI_NA).unwrap();
    assert_eq!(li_na.primary_rm, None);
}
