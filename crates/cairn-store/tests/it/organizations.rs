use crate::{id, t0};
use cairn_domain::organization::{DepartmentInput, OrganizationProfile, OrganizationProfileInput};
use cairn_domain::role::{Role, RoleSet};
use cairn_domain::{DepartmentId, InvitationId, MembershipId, OrganizationId, UserId};
use cairn_store::audit::AuditEvent;
use cairn_store::memberships::NewInvitation;
use cairn_store::organizations::Organization;
use cairn_store::users::NewUser;
use cairn_store::{Repos, Store, StoreError};
use cairn_test_support::each_backend;
use chrono::Duration;

async fn person(store: &Store, name: &str) -> UserId {
    store
        .users()
        .insert(NewUser {
            id: UserId(id()),
            display_name: name,
            password_hash: None,
            platform_admin: false,
            may_create_organizations: true,
            now: t0(),
        })
        .await
        .expect("insert user")
        .id
}

fn profile(name: &str) -> OrganizationProfile {
    OrganizationProfile::parse(&OrganizationProfileInput {
        name,
        website: "https://example.org",
        contact_email: "info@example.org",
        description: "Ünïcode “quotes” and <b>markup</b> stay as typed.",
    })
    .expect("valid profile")
}

async fn organization(store: &Store, slug: &str, creator: UserId) -> Organization {
    store
        .organizations()
        .insert(
            OrganizationId(id()),
            slug,
            &profile("KU Center for Research on Learning"),
            creator,
            t0(),
        )
        .await
        .expect("insert organization")
}

#[tokio::test]
async fn organizations_have_unique_slugs_and_editable_profiles() {
    each_backend(|store| async move {
        let ana = person(&store, "Ana").await;
        let org = organization(&store, "kucrl", ana).await;
        let loaded = store.organizations().by_slug("kucrl").await.expect("load").expect("exists");
        assert_eq!(loaded, org);
        assert_eq!(loaded.description, "Ünïcode “quotes” and <b>markup</b> stay as typed.");
        let err = store
            .organizations()
            .insert(OrganizationId(id()), "kucrl", &profile("Other"), ana, t0())
            .await
            .expect_err("slug taken");
        assert!(matches!(&err, StoreError::Conflict { constraint } if constraint == "ux_organizations_slug"), "{err:?}");
        store.organizations().update_profile(org.id, &profile("KUCRL"), t0() + Duration::hours(1)).await.expect("update");
        let updated = store.organizations().get(org.id).await.expect("load").expect("exists");
        assert_eq!(updated.name, "KUCRL");
        assert_eq!(updated.updated_at, t0() + Duration::hours(1));
        assert_eq!(store.organizations().list(10, 0).await.expect("list").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn departments_are_unique_within_an_organization() {
    each_backend(|store| async move {
        let ana = person(&store, "Ana").await;
        let a = organization(&store, "district-a", ana).await;
        let b = organization(&store, "district-b", ana).await;
        let sped = DepartmentInput::parse("Special Education", "", "").expect("valid");
        store.organizations().insert_department(DepartmentId(id()), a.id, &sped, t0()).await.expect("insert");
        store.organizations().insert_department(DepartmentId(id()), b.id, &sped, t0()).await.expect("same slug, other org");
        let err = store
            .organizations()
            .insert_department(DepartmentId(id()), a.id, &sped, t0())
            .await
            .expect_err("duplicate");
        assert!(matches!(&err, StoreError::Conflict { constraint } if constraint == "ux_departments_org_slug"), "{err:?}");
        let dept = store.organizations().department_by_slug(a.id, "special-education").await.expect("q").expect("exists");
        let renamed = DepartmentInput::parse("Inclusive Education", "inclusive", "Renamed").expect("valid");
        store.organizations().update_department(dept.id, &renamed, t0()).await.expect("update");
        let depts = store.organizations().departments(a.id).await.expect("list");
        assert_eq!(depts.iter().map(|d| d.slug.as_str()).collect::<Vec<_>>(), vec!["inclusive"]);
        store.organizations().delete_department(dept.id).await.expect("delete");
        assert!(store.organizations().departments(a.id).await.expect("list").is_empty());
    })
    .await;
}

#[tokio::test]
async fn memberships_carry_roles() {
    each_backend(|store| async move {
        let ana = person(&store, "Ana").await;
        let bob = person(&store, "bob").await;
        let org = organization(&store, "kucrl", ana).await;
        let tx = store.begin().await.expect("begin");
        tx.memberships().add(MembershipId(id()), org.id, ana, RoleSet::of([Role::Admin]), t0()).await.expect("add");
        tx.memberships().add(MembershipId(id()), org.id, bob, RoleSet::of([Role::Reviewer, Role::Coach]), t0()).await.expect("add");
        tx.commit().await.expect("commit");

        let members = store.memberships().list(org.id).await.expect("list");
        assert_eq!(members.iter().map(|m| m.display_name.as_str()).collect::<Vec<_>>(), vec!["Ana", "bob"]);
        assert!(members[1].roles.has(Role::Coach) && members[1].roles.has(Role::Member));
        assert_eq!(store.memberships().count_admins(org.id).await.expect("count"), 1);

        let (membership, roles) = store.memberships().roles_of(org.id, bob).await.expect("roles");
        assert!(roles.has(Role::Reviewer));
        store.memberships().set_roles(membership.expect("member"), RoleSet::of([Role::Admin])).await.expect("set");
        assert_eq!(store.memberships().count_admins(org.id).await.expect("count"), 2);

        let orgs = store.memberships().organizations_of(bob).await.expect("orgs");
        assert_eq!(orgs.len(), 1);
        assert!(orgs[0].1.has(Role::Admin));

        let dup = store.memberships().add(MembershipId(id()), org.id, bob, RoleSet::of([]), t0()).await.expect_err("dup");
        assert!(matches!(&dup, StoreError::Conflict { constraint } if constraint == "ux_memberships_org_user"), "{dup:?}");

        store.memberships().remove(membership.expect("member")).await.expect("remove");
        assert_eq!(store.memberships().roles_of(org.id, bob).await.expect("roles").1, RoleSet::NONE);
    })
    .await;
}

#[tokio::test]
async fn an_invitation_is_accepted_once() {
    each_backend(|store| async move {
        let ana = person(&store, "Ana").await;
        let bob = person(&store, "Bob").await;
        let org = organization(&store, "kucrl", ana).await;
        let invitation = store
            .memberships()
            .invite(NewInvitation {
                id: InvitationId(id()),
                organization_id: org.id,
                email: "bob@example.org",
                roles: RoleSet::of([Role::Coach]),
                token_hash: "inv",
                invited_by: ana,
                now: t0(),
                expires_at: t0() + Duration::days(14),
            })
            .await
            .expect("invite");
        assert_eq!(
            store
                .memberships()
                .open_invitations(org.id, t0())
                .await
                .expect("list")
                .len(),
            1
        );
        let found = store
            .memberships()
            .invitation_by_token("inv")
            .await
            .expect("find")
            .expect("exists");
        assert_eq!(found.roles, RoleSet::of([Role::Coach]));
        assert!(
            !store
                .memberships()
                .accept_invitation(invitation.id, bob, t0() + Duration::days(15))
                .await
                .expect("late")
        );
        assert!(
            store
                .memberships()
                .accept_invitation(invitation.id, bob, t0())
                .await
                .expect("accept")
        );
        assert!(
            !store
                .memberships()
                .accept_invitation(invitation.id, bob, t0())
                .await
                .expect("again")
        );
        assert!(
            !store
                .memberships()
                .revoke_invitation(org.id, invitation.id, t0())
                .await
                .expect("revoke")
        );
        assert!(
            store
                .memberships()
                .open_invitations(org.id, t0())
                .await
                .expect("list")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn audit_events_are_listed_newest_first() {
    each_backend(|store| async move {
        let ana = person(&store, "Ana").await;
        let org = organization(&store, "kucrl", ana).await;
        for (minutes, action) in [(0, "organization.created"), (1, "member.invited")] {
            store
                .audit()
                .record(&AuditEvent {
                    id: cairn_domain::AuditEventId(id()),
                    occurred_at: t0() + Duration::minutes(minutes),
                    actor_id: Some(ana),
                    organization_id: Some(org.id),
                    action: action.into(),
                    detail: "{}".into(),
                    ip: None,
                })
                .await
                .expect("record");
        }
        let events = store
            .audit()
            .for_organization(org.id, 10)
            .await
            .expect("list");
        assert_eq!(
            events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            vec!["member.invited", "organization.created"]
        );
        assert_eq!(store.audit().by_actor(ana, 1).await.expect("list").len(), 1);
    })
    .await;
}
