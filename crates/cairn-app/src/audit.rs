//! Recording who did what.

use crate::{App, AppResult, RequestMeta};
use cairn_domain::{AuditEventId, OrganizationId, UserId};
use cairn_store::Repos;
use cairn_store::audit::AuditEvent;

impl App {
    /// Records an event through `repos` (usually the use case's transaction).
    pub(crate) async fn audit<R: Repos>(
        &self,
        repos: &R,
        meta: &RequestMeta,
        actor: Option<UserId>,
        organization: Option<OrganizationId>,
        action: &str,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        repos
            .audit()
            .record(&AuditEvent {
                id: AuditEventId(App::new_id()),
                occurred_at: self.now(),
                actor_id: actor,
                organization_id: organization,
                action: action.to_owned(),
                detail: detail.to_string(),
                ip: meta.ip.clone(),
            })
            .await?;
        Ok(())
    }
}
