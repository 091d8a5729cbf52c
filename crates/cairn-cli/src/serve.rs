//! Wiring: the store, the mailer, the application and the web server.

use crate::config::Config;
use anyhow::Context;
use cairn_app::clock::SystemClock;
use cairn_app::mail::Mailer;
use cairn_app::store::Store;
use cairn_app::store::blobs::LocalBlobs;
use cairn_app::{App, AppSettings};
use cairn_web::WebSettings;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tracing_subscriber::EnvFilter;

pub fn init_logging(config: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(&config.log_level)
        .with_context(|| format!("log_level {:?} is not valid", config.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = if config.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    result.map_err(|e| anyhow::anyhow!("could not start logging: {e}"))
}

async fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url(), config.database_max_connections)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// `cairn migrate`.
pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url(), 2)
        .await
        .context("opening the database")?;
    let pending = store.pending_migrations().await?;
    store.migrate().await.context("migrating the database")?;
    tracing::info!(applied = pending, "the database is up to date");
    store.close().await?;
    Ok(())
}

/// Builds the application from the configuration.
pub async fn build_app(config: &Config) -> anyhow::Result<(App, WebSettings)> {
    let store = open_store(config).await?;
    let blobs = LocalBlobs::open(config.uploads_dir()).context("opening the uploads folder")?;
    let mailer = match &config.smtp_url {
        Some(url) => Mailer::smtp(url.expose(), &config.mail_from)?,
        None => Mailer::outbox(config.outbox_dir(), &config.mail_from)?,
    };
    let public_url = url::Url::parse(&config.public_url()).context("public_url")?;
    let secure_cookies = public_url.scheme() == "https";
    let secret_key = config.secret_key()?;
    let settings = AppSettings {
        key_secret: hex::encode(&secret_key),
        did_web: config.did_web,
        public_url,
        session_days: config.session_days,
        signups_open: config.signups_open,
        open_organization_creation: config.open_organization_creation,
    };
    let app = App::new(store, blobs, Arc::new(SystemClock), settings, mailer);
    let web = WebSettings {
        secure_cookies,
        secret_key,
        trust_proxy_headers: config.trust_proxy_headers,
        max_body_bytes: config.max_body_bytes,
    };
    Ok((app, web))
}

/// `cairn serve`, and `cairn serve --demo` when `demo` is set.
pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let (app, web) = build_app(&config).await?;
    if demo {
        crate::demo::load_if_empty(&app, &config).await?;
    }
    if config.smtp_url.is_none() {
        tracing::info!(outbox = %config.outbox_dir().display(), "no SMTP server configured: emails are written to the outbox folder");
    }
    if let Some(link) = app.admin_setup_link().await? {
        tracing::warn!("no platform administrator yet");
        #[expect(
            clippy::print_stdout,
            reason = "the one-time link is for the person who started the server"
        )]
        {
            println!(
                "\n  No administrator yet. Open this one-time link to create one:\n\n    {link}\n"
            );
        }
    }
    let addr: SocketAddr = config.listen.parse().context("listen")?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(app.clone().run_worker(wait_for(stop_rx.clone())));
    let router = cairn_web::router(app, web);
    tracing::info!(address = %addr, public_url = %config.public_url(), startup_ms = started.elapsed().as_millis(), "Cairn is listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = stop_tx.send(true);
    })
    .await
    .context("serving")?;
    worker.await.context("stopping the job worker")?;
    Ok(())
}

async fn wait_for(mut stop: tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
