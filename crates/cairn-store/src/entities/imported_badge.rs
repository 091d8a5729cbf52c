use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imported_badges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub format: String,
    pub original_key: Option<String>,
    pub file_name: Option<String>,
    pub source_url: Option<String>,
    pub fingerprint: String,
    pub credential: String,
    pub verified: bool,
    pub kind: String,
    pub report: String,
    pub issuer_name: String,
    pub achievement_name: String,
    pub issued_at: Option<DateTimeUtc>,
    pub shown: bool,
    pub imported_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
