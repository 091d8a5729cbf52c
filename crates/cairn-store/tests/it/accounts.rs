use crate::{id, t0};
use cairn_domain::account::EmailAddress;
use cairn_domain::token::TokenPurpose;
use cairn_domain::{ApiTokenId, EmailId, EmailTokenId, SessionId, UserId};
use cairn_store::api_tokens::NewApiToken;
use cairn_store::email_tokens::NewEmailToken;
use cairn_store::sessions::NewSession;
use cairn_store::users::{NewUser, User};
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).expect("valid email")
}

async fn user(store: &Store, name: &str, address: &str) -> User {
    let tx = store.begin().await.expect("begin");
    let user = tx
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: name,
            password_hash: Some("hash"),
            platform_admin: false,
            may_create_organizations: false,
            now: t0(),
        })
        .await
        .expect("insert user");
    tx.users()
        .add_email(EmailId(id()), user.id, &email(address), None, true, t0())
        .await
        .expect("add email");
    tx.commit().await.expect("commit");
    user
}

#[tokio::test]
async fn users_round_trip_with_exact_timestamps() {
    each_backend(|store| async move {
        let created = user(&store, "Ana López", "ana@example.org").await;
        let loaded = store.users().require(created.id).await.expect("load");
        assert_eq!(loaded, created);
        assert_eq!(
            loaded.created_at,
            t0(),
            "microseconds survive the round trip"
        );
        assert_eq!(loaded.display_name, "Ana López");
        assert!(!store.users().any_platform_admin().await.expect("query"));
        store
            .users()
            .set_platform_admin(created.id, true, t0())
            .await
            .expect("update");
        assert!(store.users().any_platform_admin().await.expect("query"));
        assert!(matches!(
            store.users().require(UserId(id())).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn an_email_address_belongs_to_one_account() {
    each_backend(|store| async move {
        user(&store, "Ana", "ana@example.org").await;
        let tx = store.begin().await.expect("begin");
        let bob = tx
            .users()
            .insert(NewUser {
                id: UserId(id()),
                display_name: "Bob",
                password_hash: None,
                platform_admin: false,
                may_create_organizations: false,
                now: t0(),
            })
            .await
            .expect("insert");
        let err = tx
            .users()
            .add_email(EmailId(id()), bob.id, &email("ana@example.org"), None, true, t0())
            .await
            .expect_err("duplicate address");
        assert!(matches!(&err, StoreError::Conflict { constraint } if constraint == "ux_user_emails_email"), "{err:?}");
        drop(tx);
        assert_eq!(store.users().count().await.expect("count"), 1, "the failed transaction left nothing behind");
    })
    .await;
}

#[tokio::test]
async fn the_primary_address_moves_between_addresses() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana", "ana@school.example.org").await;
        let personal = store
            .users()
            .add_email(
                EmailId(id()),
                ana.id,
                &email("ana@home.example.org"),
                Some(t0()),
                false,
                t0(),
            )
            .await
            .expect("add");
        let tx = store.begin().await.expect("begin");
        tx.users()
            .set_primary_email(ana.id, personal.id)
            .await
            .expect("switch");
        tx.commit().await.expect("commit");
        let emails = store.users().emails_of(ana.id).await.expect("list");
        assert_eq!(emails.len(), 2);
        assert_eq!(emails[0].email, "ana@home.example.org");
        assert!(emails[0].is_primary && !emails[1].is_primary);
        let primary = store
            .users()
            .primary_email(ana.id)
            .await
            .expect("query")
            .expect("a primary");
        assert_eq!(primary.id, personal.id);
        store
            .users()
            .remove_email(ana.id, emails[1].id)
            .await
            .expect("remove");
        assert_eq!(
            store.users().emails_of(ana.id).await.expect("list").len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_one_time_token_works_once_and_not_after_expiry() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana", "ana@example.org").await;
        let token = |hash: &'static str, expires| NewEmailToken {
            id: EmailTokenId(id()),
            token_hash: hash,
            purpose: TokenPurpose::PasswordReset,
            user_id: Some(ana.id),
            email: "ana@example.org",
            now: t0(),
            expires_at: expires,
        };
        store
            .email_tokens()
            .insert(token("h1", t0() + Duration::hours(1)))
            .await
            .expect("insert");
        store
            .email_tokens()
            .insert(token("h2", t0() + Duration::minutes(1)))
            .await
            .expect("insert");
        assert!(
            store
                .email_tokens()
                .find("h1", TokenPurpose::MagicLogin)
                .await
                .expect("find")
                .is_none(),
            "purpose is checked"
        );
        let t1 = store
            .email_tokens()
            .find("h1", TokenPurpose::PasswordReset)
            .await
            .expect("find")
            .expect("exists");
        assert!(
            store
                .email_tokens()
                .consume(t1.id, t0())
                .await
                .expect("consume")
        );
        assert!(
            !store
                .email_tokens()
                .consume(t1.id, t0())
                .await
                .expect("consume"),
            "second use refused"
        );
        let t2 = store
            .email_tokens()
            .find("h2", TokenPurpose::PasswordReset)
            .await
            .expect("find")
            .expect("exists");
        assert!(
            !store
                .email_tokens()
                .consume(t2.id, t0() + Duration::minutes(2))
                .await
                .expect("consume"),
            "expired"
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_ended() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana", "ana@example.org").await;
        for (hash, sid) in [("s1", id()), ("s2", id())] {
            store
                .sessions()
                .insert(NewSession {
                    id: SessionId(sid),
                    token_hash: hash,
                    user_id: ana.id,
                    now: t0(),
                    expires_at: t0() + Duration::days(1),
                    user_agent: Some("test"),
                    ip: None,
                })
                .await
                .expect("insert");
        }
        let s1 = store
            .sessions()
            .find_live("s1", t0())
            .await
            .expect("find")
            .expect("live");
        assert!(
            store
                .sessions()
                .find_live("s1", t0() + Duration::days(2))
                .await
                .expect("find")
                .is_none()
        );
        assert_eq!(
            store
                .sessions()
                .delete_all_for_user(ana.id, Some(s1.id))
                .await
                .expect("delete"),
            1
        );
        assert!(
            store
                .sessions()
                .find_live("s2", t0())
                .await
                .expect("find")
                .is_none()
        );
        assert!(
            store
                .sessions()
                .delete(ana.id, s1.id)
                .await
                .expect("delete")
        );
        assert!(
            store
                .sessions()
                .list_for_user(ana.id, t0())
                .await
                .expect("list")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn api_tokens_are_found_by_hash_until_revoked() {
    each_backend(|store| async move {
        let ana = user(&store, "Ana", "ana@example.org").await;
        let token = store
            .api_tokens()
            .insert(NewApiToken {
                id: ApiTokenId(id()),
                user_id: ana.id,
                name: "CI",
                token_hash: "th",
                token_prefix: "cairn_abcd",
                now: t0(),
                expires_at: None,
            })
            .await
            .expect("insert");
        assert_eq!(
            store
                .api_tokens()
                .find_active("th", t0())
                .await
                .expect("find")
                .map(|t| t.id),
            Some(token.id)
        );
        let other = UserId(id());
        assert!(
            !store
                .api_tokens()
                .revoke(other, token.id, t0())
                .await
                .expect("revoke"),
            "only the owner revokes"
        );
        assert!(
            store
                .api_tokens()
                .revoke(ana.id, token.id, t0())
                .await
                .expect("revoke")
        );
        assert!(
            store
                .api_tokens()
                .find_active("th", t0())
                .await
                .expect("find")
                .is_none()
        );
        assert_eq!(
            store
                .api_tokens()
                .list_for_user(ana.id)
                .await
                .expect("list")
                .len(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn rate_limit_counts_are_per_bucket_key_and_window() {
    each_backend(|store| async move {
        for minutes in [0, 5, 20] {
            store
                .rate_limits()
                .hit(id(), "login", "k", t0() - Duration::minutes(minutes))
                .await
                .expect("hit");
        }
        store
            .rate_limits()
            .hit(id(), "login", "other", t0())
            .await
            .expect("hit");
        let since = t0() - Duration::minutes(15);
        assert_eq!(
            store
                .rate_limits()
                .count_since("login", "k", since)
                .await
                .expect("count"),
            2
        );
        store
            .rate_limits()
            .clear("login", "k")
            .await
            .expect("clear");
        assert_eq!(
            store
                .rate_limits()
                .count_since("login", "k", since)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            store
                .rate_limits()
                .count_since("login", "other", since)
                .await
                .expect("count"),
            1
        );
    })
    .await;
}
