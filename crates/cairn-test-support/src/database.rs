use cairn_store::Store;
use futures::FutureExt;
use sea_orm::{ConnectionTrait, Database};
use std::future::Future;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

/// The variable naming a PostgreSQL server for tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_VAR: &str = "CAIRN_TEST_POSTGRES_URL";

static SKIP_NOTICE: Once = Once::new();

/// A database created for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// What the test output calls this backend.
    pub label: &'static str,
    /// The URL Cairn connects with.
    pub url: String,
    dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh SQLite file in a temporary folder.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder for SQLite");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("cairn.db").display()
        );
        Self {
            label: "sqlite",
            url,
            dir: Some(dir),
            postgres: None,
        }
    }

    /// A fresh database on the PostgreSQL server named by
    /// `CAIRN_TEST_POSTGRES_URL`, or `None` (with a notice on stderr) when
    /// the variable is unset.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
            SKIP_NOTICE.call_once(|| {
                // Written past the test harness's capture so it is always seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {POSTGRES_URL_VAR} is not set; skipping the PostgreSQL backend (SQLite only)"
                );
            });
            return None;
        };
        let name = format!("cairn_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to the PostgreSQL test server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        admin.close().await.expect("close the admin connection");
        let mut url = url::Url::parse(&admin_url).expect("CAIRN_TEST_POSTGRES_URL is a URL");
        url.set_path(&name);
        Some(Self {
            label: "postgres",
            url: url.to_string(),
            dir: None,
            postgres: Some((admin_url, name)),
        })
    }

    /// Connects a migrated store.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url, 5)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }

    /// Drops the database (PostgreSQL) or its folder (SQLite).
    pub async fn drop_database(mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to the PostgreSQL test server");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop the test database");
            admin.close().await.expect("close the admin connection");
        }
        drop(self.dir.take());
    }
}

/// The databases a test runs on: SQLite always, PostgreSQL when configured.
pub async fn test_databases() -> Vec<TestDatabase> {
    let mut dbs = vec![TestDatabase::sqlite()];
    dbs.extend(TestDatabase::postgres().await);
    dbs
}

/// Runs `test` once per backend with a fresh database, dropping it
/// afterwards whether the test passed or panicked.
pub async fn each_database<F, Fut>(test: F)
where
    F: Fn(&'static str, String) -> Fut,
    Fut: Future<Output = ()>,
{
    for db in test_databases().await {
        let outcome = AssertUnwindSafe(test(db.label, db.url.clone()))
            .catch_unwind()
            .await;
        let label = db.label;
        db.drop_database().await;
        if let Err(panic) = outcome {
            let _ = writeln!(std::io::stderr(), "test failed on the {label} backend");
            std::panic::resume_unwind(panic);
        }
    }
}

/// Runs `test` once per backend with a freshly migrated store.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    each_database(|_, url| {
        let test = &test;
        async move {
            let store = Store::connect(&url, 5)
                .await
                .expect("connect to the test database");
            store.migrate().await.expect("migrate the test database");
            test(store.clone()).await;
            store.close().await.expect("close the test store");
        }
    })
    .await;
}
