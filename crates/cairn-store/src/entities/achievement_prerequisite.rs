use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "achievement_prerequisites")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub achievement_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub required_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
