use crate::{id, t0};
use cairn_domain::{ImportedBadgeId, UserId};
use cairn_store::backpack::{ImportFormat, ImportedBadge, StoredCheck};
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

async fn user(store: &Store, name: &str) -> UserId {
    let tx = store.begin().await.expect("begin");
    let user = tx
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: name,
            password_hash: None,
            platform_admin: false,
            may_create_organizations: false,
            now: t0(),
        })
        .await
        .expect("insert user");
    tx.commit().await.expect("commit");
    user.id
}

fn imported(user: UserId, fingerprint: &str, at_minutes: i64) -> ImportedBadge {
    ImportedBadge {
        id: ImportedBadgeId(id()),
        user_id: user,
        format: ImportFormat::Png,
        original_key: Some(format!("imports/{fingerprint}.png")),
        file_name: Some("badge.png".into()),
        source_url: None,
        fingerprint: fingerprint.into(),
        credential: r#"{"type":["VerifiableCredential","OpenBadgeCredential"]}"#.into(),
        verified: false,
        kind: "Open Badges 3.0 credential, baked into a PNG image".into(),
        checks: vec![StoredCheck {
            id: "proof".into(),
            title: "The signature matches the credential".into(),
            outcome: "failed".into(),
            reason: "the signature does not match".into(),
        }],
        issuer_name: "Elsewhere University".into(),
        achievement_name: "Data Literacy".into(),
        issued_at: Some(t0() - Duration::days(30)),
        shown: true,
        imported_at: t0() + Duration::minutes(at_minutes),
    }
}

#[tokio::test]
async fn a_profile_is_saved_updated_and_found_by_its_unique_handle() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana").await;
        let ben = user(&store, "Ben").await;
        assert_eq!(store.backpack().profile(ana).await.expect("load"), None);

        let tx = store.begin().await.expect("begin");
        let saved = tx
            .backpack()
            .save_profile(ana, "ana-lopez", "Ana López", false, t0())
            .await
            .expect("create");
        tx.commit().await.expect("commit");
        assert_eq!(saved.handle, "ana-lopez");
        assert!(!saved.public, "off until turned on");
        assert_eq!(saved.created_at, t0());

        let later = t0() + Duration::hours(1);
        let tx = store.begin().await.expect("begin");
        let updated = tx
            .backpack()
            .save_profile(ana, "ana", "Ana L.", true, later)
            .await
            .expect("update");
        tx.commit().await.expect("commit");
        assert_eq!(
            (updated.handle.as_str(), updated.display_name.as_str()),
            ("ana", "Ana L.")
        );
        assert!(updated.public);
        assert_eq!((updated.created_at, updated.updated_at), (t0(), later));
        assert_eq!(
            store.backpack().profile_by_handle("ana").await.expect("find"),
            Some(updated)
        );
        assert_eq!(
            store
                .backpack()
                .profile_by_handle("ana-lopez")
                .await
                .expect("find"),
            None,
            "the old handle is free again"
        );

        let tx = store.begin().await.expect("begin");
        let taken = tx
            .backpack()
            .save_profile(ben, "ana", "Ben", true, t0())
            .await
            .expect_err("taken");
        assert!(
            matches!(&taken, StoreError::Conflict { constraint } if constraint == "ux_profiles_handle"),
            "{taken:?}"
        );
        drop(tx);
        assert_eq!(store.backpack().profile(ben).await.expect("load"), None);
    })
    .await;
}

#[tokio::test]
async fn imported_badges_are_listed_newest_first_once_each_and_only_their_owner_changes_them() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana").await;
        let ben = user(&store, "Ben").await;
        let first = imported(ana, &"a".repeat(64), 0);
        let second = imported(ana, &"b".repeat(64), 5);
        store.backpack().insert_import(&first).await.expect("insert");
        store.backpack().insert_import(&second).await.expect("insert");
        let listed = store.backpack().imports_of(ana).await.expect("list");
        assert_eq!(listed, vec![second.clone(), first.clone()]);
        assert_eq!(
            store.backpack().import(first.id).await.expect("get"),
            Some(first.clone()),
            "checks and dates round-trip"
        );

        let again = store
            .backpack()
            .insert_import(&ImportedBadge {
                id: ImportedBadgeId(id()),
                ..first.clone()
            })
            .await
            .expect_err("once per person");
        assert!(
            matches!(&again, StoreError::Conflict { constraint } if constraint == "ux_imported_badges_user_fingerprint"),
            "{again:?}"
        );
        store
            .backpack()
            .insert_import(&ImportedBadge {
                id: ImportedBadgeId(id()),
                ..imported(ben, &"a".repeat(64), 1)
            })
            .await
            .expect("another person may hold the same credential");

        assert!(
            !store
                .backpack()
                .set_import_shown(first.id, ben, false)
                .await
                .expect("update"),
            "not Ben's"
        );
        assert!(
            store
                .backpack()
                .set_import_shown(first.id, ana, false)
                .await
                .expect("update")
        );
        assert!(
            !store
                .backpack()
                .import(first.id)
                .await
                .expect("get")
                .expect("kept")
                .shown
        );
        assert!(
            !store
                .backpack()
                .delete_import(first.id, ben)
                .await
                .expect("delete"),
            "not Ben's"
        );
        assert!(
            store
                .backpack()
                .delete_import(first.id, ana)
                .await
                .expect("delete")
        );
        assert_eq!(
            store.backpack().imports_of(ana).await.expect("list"),
            vec![second]
        );
        assert_eq!(store.backpack().imports_of(ben).await.expect("list").len(), 1);
    })
    .await;
}
