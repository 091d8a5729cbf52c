use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub submission_id: Uuid,
    pub organization_id: Uuid,
    pub department_id: Option<Uuid>,
    pub reviewer_id: Uuid,
    pub assigned_by: Option<Uuid>,
    pub assigned_at: DateTimeUtc,
    pub decision: Option<String>,
    pub feedback: String,
    pub scores: String,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
