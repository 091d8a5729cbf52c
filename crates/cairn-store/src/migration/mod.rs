//! The one migration set, run on SQLite and PostgreSQL alike. A released
//! migration is never edited: changes go in a new `mNNNN_*` module.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_achievements;
mod m0003_earning;
mod m0004_awards;
mod m0005_review_queue;
mod m0006_backpack;
mod m0007_bulk_awards;

/// Every migration, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_achievements::Migration),
            Box::new(m0003_earning::Migration),
            Box::new(m0004_awards::Migration),
            Box::new(m0005_review_queue::Migration),
            Box::new(m0006_backpack::Migration),
            Box::new(m0007_bulk_awards::Migration),
        ]
    }
}
