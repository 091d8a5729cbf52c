use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sponsorship_achievements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sponsorship_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub achievement_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
