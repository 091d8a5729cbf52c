use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "awards")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub issue_key: String,
    pub organization_id: Uuid,
    pub achievement_id: Uuid,
    pub version_id: Uuid,
    pub user_id: Option<Uuid>,
    pub enrollment_id: Option<Uuid>,
    pub recipient_email: String,
    pub recipient_salt: String,
    pub earner_name: String,
    pub source: String,
    pub issued_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub status_list_id: Uuid,
    pub status_index: i32,
    pub credential: String,
    pub png_key: Option<String>,
    pub svg_key: Option<String>,
    pub visibility: String,
    pub share_results: bool,
    pub revoked_at: Option<DateTimeUtc>,
    pub revocation_reason: Option<String>,
    pub renews_id: Option<Uuid>,
    pub renewed_by_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
