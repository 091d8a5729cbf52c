use crate::enrollments::setup;
use crate::{id, t0};
use cairn_domain::account::EmailAddress;
use cairn_domain::award::{AwardSource, AwardVisibility};
use cairn_domain::{
    AchievementId, AchievementVersionId, AwardId, BulkImportId, BulkRowId, EmailId, JobId,
    OrganizationId, StatusListId, UserId,
};
use cairn_store::awards::{Award, StatusListRow};
use cairn_store::bulk::{BulkImport, BulkRow, Channel, ImportStatus, RowCounts, RowStatus};
use cairn_store::jobs::NewJob;
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;
use std::collections::{BTreeMap, HashSet};

fn import(
    org: OrganizationId,
    achievement: AchievementId,
    version: AchievementVersionId,
    by: UserId,
) -> BulkImport {
    BulkImport {
        id: BulkImportId(id()),
        organization_id: org,
        achievement_id: achievement,
        version_id: version,
        created_by: Some(by),
        channel: Channel::Web,
        file_name: Some("spring cohort.csv".into()),
        total_rows: 3,
        status: ImportStatus::Running,
        created_at: t0(),
        finished_at: None,
    }
}

fn row(import: BulkImportId, line: u32, email: &str, status: RowStatus) -> BulkRow {
    BulkRow {
        id: BulkRowId(id()),
        import_id: import,
        line,
        email: email.into(),
        name: format!("Person on row {line}"),
        earned_at: t0() - Duration::days(3),
        evidence_url: (line == 2).then(|| "https://example.org/work".to_owned()),
        narrative: (line == 2).then(|| "Led the unit,\nwith \"care\".".to_owned()),
        status,
        message: (status == RowStatus::Skipped).then(|| "Already awarded.".to_owned()),
        award_id: None,
        updated_at: t0(),
    }
}

#[tokio::test]
async fn an_import_and_its_rows_round_trip_and_each_row_settles_once() {
    each_backend(|store| async move {
        let (user, achievement, version, org) = setup(&store).await;
        let i = import(org, achievement, version, user);
        let rows = vec![
            row(i.id, 2, "ana@example.org", RowStatus::Pending),
            row(i.id, 3, "bo@example.org", RowStatus::Pending),
            row(i.id, 5, "cy@example.org", RowStatus::Skipped),
        ];
        let tx = store.begin().await.expect("begin");
        tx.bulk().insert_import(&i).await.expect("import");
        tx.bulk().insert_rows(&rows).await.expect("rows");
        tx.commit().await.expect("commit");

        assert_eq!(store.bulk().import(i.id).await.expect("get"), Some(i.clone()));
        assert_eq!(store.bulk().imports_of(org, 10).await.expect("list"), vec![i.clone()]);
        assert_eq!(
            store.bulk().counts(&[i.id]).await.expect("counts")[&i.id],
            RowCounts { pending: 2, issued: 0, skipped: 1, failed: 0 }
        );
        let pending = store.bulk().rows(i.id, RowStatus::Pending, 0, 10).await.expect("rows");
        assert_eq!(pending, rows[..2].to_vec(), "in file order, every field as written");
        let after = store.bulk().rows(i.id, RowStatus::Pending, 2, 10).await.expect("rows");
        assert_eq!(after, rows[1..2].to_vec(), "from a row on");
        assert_eq!(store.bulk().rows(i.id, RowStatus::Pending, 0, 1).await.expect("rows").len(), 1);

        let later = t0() + Duration::minutes(1);
        assert!(store
            .bulk()
            .settle(rows[0].id, RowStatus::Failed, None, Some("The server could not sign it."), later)
            .await
            .expect("settle"));
        assert!(
            !store
                .bulk()
                .settle(rows[0].id, RowStatus::Issued, None, None, later)
                .await
                .expect("settle again"),
            "a settled row stays as it was"
        );
        let failed = store.bulk().row(rows[0].id).await.expect("row").expect("there");
        assert_eq!(
            (failed.status, failed.message.as_deref(), failed.updated_at),
            (RowStatus::Failed, Some("The server could not sign it."), later)
        );

        let duplicate = store
            .bulk()
            .insert_rows(&[row(i.id, 9, "ana@example.org", RowStatus::Pending)])
            .await;
        assert!(
            matches!(&duplicate, Err(StoreError::Conflict { constraint }) if constraint == "ux_bulk_import_rows_import_email"),
            "{duplicate:?}"
        );

        assert!(store.bulk().finish(i.id, later).await.expect("finish"));
        assert!(!store.bulk().finish(i.id, later).await.expect("finish again"));
        let done = store.bulk().import(i.id).await.expect("get").expect("there");
        assert_eq!((done.status, done.finished_at), (ImportStatus::Done, Some(later)));
    })
    .await;
}

#[tokio::test]
async fn many_rows_are_written_in_chunks_and_counted_per_import() {
    each_backend(|store| async move {
        let (user, achievement, version, org) = setup(&store).await;
        let first = import(org, achievement, version, user);
        let second = BulkImport {
            id: BulkImportId(id()),
            created_at: t0() + Duration::seconds(1),
            channel: Channel::Cli,
            created_by: None,
            file_name: None,
            ..first.clone()
        };
        let rows: Vec<BulkRow> = (0..1_234)
            .map(|n| {
                row(
                    first.id,
                    n + 2,
                    &format!("p{n}@example.org"),
                    RowStatus::Pending,
                )
            })
            .collect();
        store.bulk().insert_import(&first).await.expect("import");
        store.bulk().insert_import(&second).await.expect("import");
        store.bulk().insert_rows(&rows).await.expect("rows");
        store
            .bulk()
            .insert_rows(&[row(second.id, 2, "p0@example.org", RowStatus::Pending)])
            .await
            .expect("the same person in another import");
        let counts = store
            .bulk()
            .counts(&[first.id, second.id])
            .await
            .expect("counts");
        assert_eq!(counts[&first.id].pending, 1_234);
        assert_eq!(counts[&second.id].total(), 1);
        let listed: Vec<BulkImportId> = store
            .bulk()
            .imports_of(org, 10)
            .await
            .expect("list")
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(listed, vec![second.id, first.id], "newest first");
        assert_eq!(
            store.bulk().imports_of(org, 1).await.expect("list").len(),
            1
        );
    })
    .await;
}

async fn award(
    store: &Store,
    list: StatusListId,
    index: u32,
    (org, achievement, version): (OrganizationId, AchievementId, AchievementVersionId),
    recipient: &str,
    user: Option<UserId>,
    key: &str,
) -> AwardId {
    let a = Award {
        id: AwardId(id()),
        issue_key: key.into(),
        organization_id: org,
        achievement_id: achievement,
        version_id: version,
        user_id: user,
        enrollment_id: None,
        recipient_email: recipient.into(),
        recipient_salt: "salt".into(),
        earner_name: "Someone".into(),
        source: AwardSource::Bulk,
        issued_at: t0(),
        expires_at: None,
        status_list_id: list,
        status_index: index,
        credential: "{}".into(),
        png_key: None,
        svg_key: None,
        visibility: AwardVisibility::Public,
        share_results: false,
        revoked_at: None,
        revocation_reason: None,
        renews_id: None,
        renewed_by_id: None,
    };
    store.awards().insert(&a).await.expect("award");
    a.id
}

#[tokio::test]
async fn holders_owners_and_used_keys_are_found_and_awards_join_their_account() {
    each_backend(|store| async move {
        let (_, achievement, version, org) = setup(&store).await;
        let target = (org, achievement, version);
        let lena = store
            .users()
            .insert(NewUser {
                id: UserId(id()),
                display_name: "Lena",
                password_hash: None,
                platform_admin: false,
                may_create_organizations: false,
                now: t0(),
            })
            .await
            .expect("user")
            .id;
        let address = |e: &str| EmailAddress::parse(e).expect("address");
        for (email, verified) in [("lena@example.org", true), ("lena.work@example.org", false)] {
            store
                .users()
                .add_email(EmailId(id()), lena, &address(email), verified.then(t0), verified, t0())
                .await
                .expect("email");
        }
        let list = StatusListId(id());
        store
            .awards()
            .insert_list(&StatusListRow {
                id: list,
                organization_id: org,
                size: 131_072,
                bits: String::new(),
                allocator_key: "00".repeat(32),
                next_counter: 0,
                created_at: t0(),
                updated_at: t0(),
            })
            .await
            .expect("list");
        let to_ana = award(&store, list, 1, target, "ana@example.org", None, "bulk:x:ana@example.org").await;
        award(&store, list, 2, target, "lena.old@example.org", Some(lena), "request:1").await;
        let revoked = award(&store, list, 3, target, "cy@example.org", None, "bulk:x:cy@example.org").await;
        assert!(store.awards().revoke(revoked, "A mistake", t0()).await.expect("revoke"));

        let asked: Vec<String> = ["ana@example.org", "lena@example.org", "lena.work@example.org", "bo@example.org", "cy@example.org"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(
            store.bulk().holders(achievement, &asked).await.expect("holders"),
            HashSet::from(["ana@example.org".to_owned(), "lena@example.org".to_owned()]),
            "by address, or by the account a verified address belongs to; revoked awards do not count"
        );
        assert_eq!(
            store.bulk().holders(AchievementId(id()), &asked).await.expect("holders"),
            HashSet::new(),
            "another micro-credential"
        );
        assert_eq!(
            store.bulk().verified_owners(&asked).await.expect("owners"),
            BTreeMap::from([("lena@example.org".to_owned(), lena)]),
            "unverified addresses name no account"
        );
        assert_eq!(
            store
                .bulk()
                .keys_used(&["bulk:x:cy@example.org".to_owned(), "bulk:x:bo@example.org".to_owned()])
                .await
                .expect("keys"),
            HashSet::from(["bulk:x:cy@example.org".to_owned()]),
            "revoked awards keep their key"
        );

        assert_eq!(store.bulk().attach_awards("ana@example.org", lena).await.expect("attach"), 1);
        assert_eq!(
            store.bulk().attach_awards("ana@example.org", UserId(id())).await.expect("attach again"),
            0,
            "an award on an account stays there"
        );
        assert_eq!(store.awards().get(to_ana).await.expect("get").expect("there").user_id, Some(lena));
    })
    .await;
}

#[tokio::test]
async fn a_running_job_renews_its_lease_and_loses_the_job_when_it_lapses() {
    each_backend(|store| async move {
        let job = JobId(id());
        store
            .jobs()
            .enqueue(NewJob {
                id: job,
                kind: "bulk.award",
                payload: serde_json::json!({}),
                dedupe_key: None,
                run_at: t0(),
                max_attempts: 3,
                now: t0(),
            })
            .await
            .expect("enqueue");
        assert!(
            !store.jobs().renew_lease(job, t0()).await.expect("renew"),
            "not running yet"
        );
        let claimed = store
            .jobs()
            .claim_next(t0(), Duration::minutes(5))
            .await
            .expect("claim");
        assert_eq!(claimed.map(|j| j.id), Some(job));
        assert!(
            store
                .jobs()
                .renew_lease(job, t0() + Duration::seconds(30))
                .await
                .expect("renew")
        );
        assert!(
            store
                .jobs()
                .claim_next(t0() + Duration::seconds(29), Duration::minutes(5))
                .await
                .expect("claim")
                .is_none(),
            "held while the lease runs"
        );
        let again = store
            .jobs()
            .claim_next(t0() + Duration::seconds(31), Duration::minutes(5))
            .await
            .expect("claim")
            .expect("claimable once the shorter lease lapsed");
        assert_eq!((again.id, again.attempts), (job, 2));
        store
            .jobs()
            .complete(job, serde_json::json!({}), t0())
            .await
            .expect("complete");
        assert!(
            !store
                .jobs()
                .renew_lease(job, t0() + Duration::minutes(1))
                .await
                .expect("renew"),
            "done"
        );
    })
    .await;
}
