use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "achievements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub department_id: Option<Uuid>,
    pub level_id: Option<Uuid>,
    pub slug: String,
    pub status: String,
    pub title: String,
    pub summary: String,
    pub search_text: String,
    pub credit_hundredths: i32,
    pub price_cents: i32,
    pub sponsorable: bool,
    pub current_version_id: Option<Uuid>,
    pub version_number: i32,
    pub lock_version: i32,
    pub image_svg_key: Option<String>,
    pub image_png_key: Option<String>,
    pub image_design: Option<String>,
    pub prerequisite_rule: Option<String>,
    pub prerequisite_count: Option<i32>,
    pub awards_count: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
