//! Runs the Bookshelf API server until Ctrl-C.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use generated_example::{Bookshelf, Store};
use specfirst_runtime::{
    parse_duration_setting, CorsConfig, InvalidDuration, RouterOptions, ServerConfig, TlsConfig,
};
use tracing_subscriber::EnvFilter;

/// Serves the Bookshelf API from `specs/bookshelf.yaml`, keeping books in SQLite (in
/// memory unless `--database` names a file).
///
/// Settings come from the defaults, then the `--config` file, then the flags given.
#[derive(Debug, Parser)]
#[command(name = "generated-example", version)]
struct Args {
    /// TOML file with server settings (the keys of `specfirst_runtime::ServerConfig`).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    bind: Option<SocketAddr>,
    /// Largest request body accepted, in bytes; larger bodies get a 413 [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    body_limit: Option<usize>,
    /// Largest request head (request line and headers), in bytes; larger heads get a 431
    /// [default: 65536].
    #[arg(long, value_name = "BYTES")]
    head_limit: Option<usize>,
    /// Most header lines in a request; more get a 431 [default: 100].
    #[arg(long, value_name = "COUNT")]
    max_headers: Option<usize>,
    /// Time allowed from request head to response head, such as `30s` or `off`; slow bodies
    /// get a 408, slow handlers a 503 [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    request_timeout: Option<OrOff<Duration>>,
    /// Time allowed to send a request head before the connection is closed [default: 10s].
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    header_read_timeout: Option<OrOff<Duration>>,
    /// Most requests handled at once, or `off`; more get an immediate 503 [default: 1024].
    #[arg(long, value_name = "COUNT|off", value_parser = count)]
    max_concurrent_requests: Option<OrOff<usize>>,
    /// Most connections open at once, or `off`; more wait in the listen queue until one
    /// closes [default: 10000].
    #[arg(long, value_name = "COUNT|off", value_parser = count)]
    max_connections: Option<OrOff<usize>>,
    /// Time a graceful shutdown waits for in-flight requests, or `off` [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    shutdown_timeout: Option<OrOff<Duration>>,
    /// PEM certificate chain; serves HTTPS together with `--tls-key`.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Items per page of `GET /books` when the client gives no `limit` [default: 100].
    #[arg(long, value_name = "COUNT")]
    page_default_limit: Option<std::num::NonZeroU32>,
    /// Most items per page of `GET /books`; larger limits are capped [default: 10000].
    #[arg(long, value_name = "COUNT")]
    page_max_limit: Option<std::num::NonZeroU32>,
    /// Compress responses with gzip for clients that accept it, and read gzip request
    /// bodies (`compression = true` in the config file).
    #[arg(long)]
    compression: bool,
    /// Let browser scripts from this origin (such as `https://app.example.com`, or `*`
    /// for any) call the API; may be repeated. Replaces the config file's
    /// `cors.allowed_origins` [default: none].
    #[arg(long, value_name = "ORIGIN")]
    cors_origin: Vec<String>,
    /// Where the books are kept: `sqlite`, or `memory` for plain maps without SQLite
    /// (what the serving benchmark compares frameworks on).
    #[arg(long, value_enum, value_name = "STORE", default_value_t = StoreKind::Sqlite)]
    store: StoreKind,
    /// SQLite database file for the books, created when missing; only with
    /// `--store sqlite` [default: in memory].
    #[arg(long, value_name = "FILE")]
    database: Option<PathBuf>,
    /// Bearer token that allows adding, replacing and removing books; may be repeated.
    /// Also read from `BOOKSHELF_API_TOKEN`. Without one the shelf is read-only.
    #[arg(long, value_name = "TOKEN")]
    api_token: Vec<String>,
    /// Fill the shelf with this many generated books at start.
    #[arg(long, value_name = "N", default_value_t = 0)]
    demo_items: usize,
    /// Serve a documentation page for the API at `/docs` (Swagger UI, bundled: it works
    /// offline), beside `/openapi.json`.
    #[arg(long)]
    docs: bool,
    /// Log format: `human` on a terminal and `json` otherwise, unless chosen here.
    #[arg(long, value_enum, default_value_t = LogFormat::Auto)]
    log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StoreKind {
    Sqlite,
    Memory,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogFormat {
    Auto,
    Human,
    Json,
}

/// A flag value that may be `off`; a newtype because clap reads `Option<Option<T>>` as a
/// flag whose value may be left out.
#[derive(Clone, Copy, Debug)]
struct OrOff<T>(Option<T>);

fn duration(text: &str) -> Result<OrOff<Duration>, InvalidDuration> {
    parse_duration_setting(text).map(OrOff)
}

fn count(text: &str) -> Result<OrOff<usize>, String> {
    if text == "off" {
        return Ok(OrOff(None));
    }
    text.parse()
        .map(|n| OrOff(Some(n)))
        .map_err(|e| format!("expected a count or \"off\": {e}"))
}

impl Args {
    /// The defaults, overridden by the config file, overridden by flags.
    fn server_config(&self) -> anyhow::Result<ServerConfig> {
        let mut config = match &self.config {
            Some(path) => ServerConfig::from_toml_file(path)?,
            None => ServerConfig::default(),
        };
        if let Some(bind) = self.bind {
            config.bind_address = bind;
        }
        if let Some(bytes) = self.body_limit {
            config.request_body_max_bytes = bytes;
        }
        if let Some(bytes) = self.head_limit {
            config.request_head_max_bytes = bytes;
        }
        if let Some(count) = self.max_headers {
            config.request_head_max_headers = count;
        }
        if let Some(timeout) = self.request_timeout {
            config.request_timeout = timeout.0;
        }
        if let Some(timeout) = self.header_read_timeout {
            config.header_read_timeout = timeout.0;
        }
        if let Some(count) = self.max_concurrent_requests {
            config.max_concurrent_requests = count.0;
        }
        if let Some(count) = self.max_connections {
            config.max_connections = count.0;
        }
        if let Some(timeout) = self.shutdown_timeout {
            config.shutdown_timeout = timeout.0;
        }
        if let Some(count) = self.page_default_limit {
            config.page_default_limit = count;
        }
        if let Some(count) = self.page_max_limit {
            config.page_max_limit = count;
        }
        if let (Some(cert_file), Some(key_file)) = (&self.tls_cert, &self.tls_key) {
            config.tls = Some(TlsConfig::new(cert_file.clone(), key_file.clone()));
        }
        if self.compression {
            config.compression = true;
        }
        if !self.cors_origin.is_empty() {
            let cors = config
                .cors
                .get_or_insert_with(|| CorsConfig::new(Vec::<String>::new()));
            cors.allowed_origins = self.cors_origin.clone();
        }
        Ok(config)
    }

    /// The store `--store` and `--database` ask for, opened.
    fn open_store(&self) -> anyhow::Result<Store> {
        match (self.store, &self.database) {
            (StoreKind::Sqlite, path) => Store::sqlite(path.as_deref())
                .with_context(|| format!("opening the database {path:?}")),
            (StoreKind::Memory, None) => Ok(Store::memory()),
            // Silently ignoring the file would lose every book written to it.
            (StoreKind::Memory, Some(path)) => anyhow::bail!(
                "--database {} keeps books in SQLite and cannot be used with --store memory",
                path.display()
            ),
        }
    }
}

fn init_logging(format: LogFormat) {
    // An unset or unparsable RUST_LOG should not silence the server.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match format {
        LogFormat::Auto => !std::io::stdout().is_terminal(),
        LogFormat::Human => false,
        LogFormat::Json => true,
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        // One object per line, with the request span's fields, for log collectors.
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    init_logging(args.log_format);
    let config = args.server_config()?;
    let bind = config.bind_address;
    let mut shelf = Bookshelf::from_store(args.open_store()?);
    let from_env = std::env::var("BOOKSHELF_API_TOKEN")
        .ok()
        .filter(|token| !token.is_empty());
    let tokens: Vec<&String> = args.api_token.iter().chain(&from_env).collect();
    if tokens.is_empty() {
        tracing::warn!("no --api-token given: adding, replacing and removing books is refused");
    }
    for token in tokens {
        shelf = shelf.with_api_token(token.as_str());
    }
    if args.demo_items > 0 {
        shelf
            .fill_demo(args.demo_items)
            .context("adding demo books")?;
        tracing::info!(count = args.demo_items, store = ?args.store, "added demo books");
    }
    let mut options = RouterOptions::default();
    if args.docs {
        options = options.with_docs_path("/docs");
    }
    let app = generated_example::app_with(Arc::new(shelf), &options);
    specfirst_runtime::serve(config, app)
        .await
        .with_context(|| format!("serving on {bind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<ServerConfig> {
        let mut argv = vec!["generated-example"];
        argv.extend_from_slice(args);
        Args::try_parse_from(argv)?.server_config()
    }

    #[test]
    fn flags_override_the_file() {
        let dir = std::env::temp_dir().join(format!("specfirst-main-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("server.toml");
        std::fs::write(
            &file,
            "request_timeout = \"5s\"\nmax_concurrent_requests = 7\nbind_address = \"127.0.0.1:9\"\n",
        )
        .unwrap();
        let config = parse(&[
            "--config",
            file.to_str().unwrap(),
            "--max-concurrent-requests",
            "off",
            "--shutdown-timeout",
            "250ms",
            "--head-limit",
            "9000",
            "--max-connections",
            "64",
        ])
        .unwrap();
        assert_eq!(config.max_connections, Some(64));
        assert_eq!(config.request_timeout, Some(Duration::from_secs(5)));
        assert_eq!(config.max_concurrent_requests, None);
        assert_eq!(config.shutdown_timeout, Some(Duration::from_millis(250)));
        assert_eq!(config.request_head_max_bytes, 9000);
        assert_eq!(config.bind_address, "127.0.0.1:9".parse().unwrap());
        std::fs::write(&file, "bogus = 1\n").unwrap();
        let message = parse(&["--config", file.to_str().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(message.contains("unknown field `bogus`"), "{message}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn store_flag_picks_the_store_and_memory_refuses_a_database_file() {
        let open = |args: &[&str]| {
            let mut argv = vec!["generated-example"];
            argv.extend_from_slice(args);
            Args::try_parse_from(argv)?.open_store()
        };
        assert!(matches!(open(&[]).unwrap(), Store::Sqlite(_)));
        assert!(matches!(
            open(&["--store", "sqlite"]).unwrap(),
            Store::Sqlite(_)
        ));
        assert!(matches!(
            open(&["--store", "memory"]).unwrap(),
            Store::Memory(_)
        ));
        assert!(open(&["--store", "redis"]).is_err());
        let message = open(&["--store", "memory", "--database", "books.db"])
            .err()
            .expect("--database with --store memory is refused")
            .to_string();
        assert!(
            message.contains("--database books.db") && message.contains("--store memory"),
            "{message}"
        );
    }

    #[test]
    fn bad_flags_are_rejected() {
        assert!(parse(&["--request-timeout", "soon"]).is_err());
        assert!(parse(&["--tls-cert", "c.pem"]).is_err());
        let config = parse(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]).unwrap();
        assert_eq!(config.tls.unwrap().key_file, PathBuf::from("k.pem"));
    }

    #[test]
    fn cors_origins_repeat_and_keep_the_file_s_other_cors_settings() {
        assert_eq!(parse(&[]).unwrap().cors, None);
        assert!(!parse(&[]).unwrap().compression);
        assert!(parse(&["--compression"]).unwrap().compression);
        let config = parse(&["--cors-origin", "https://a.example", "--cors-origin", "*"]).unwrap();
        assert_eq!(
            config.cors,
            Some(CorsConfig::new(["https://a.example", "*"]))
        );
        let dir = std::env::temp_dir().join(format!("specfirst-cors-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("server.toml");
        std::fs::write(
            &file,
            "[cors]\nallowed_origins = [\"https://old.example\"]\nmax_age = \"1m\"\n",
        )
        .unwrap();
        let config = parse(&[
            "--config",
            file.to_str().unwrap(),
            "--cors-origin",
            "https://new.example",
        ])
        .unwrap();
        let cors = config.cors.unwrap();
        assert_eq!(cors.allowed_origins, ["https://new.example"]);
        assert_eq!(cors.max_age, Some(Duration::from_secs(60)));
        // Browsers refuse any origin with credentials, and so does the file.
        std::fs::write(
            &file,
            "[cors]\nallowed_origins = [\"*\"]\nallow_credentials = true\n",
        )
        .unwrap();
        let message = parse(&["--config", file.to_str().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(message.contains("allow_credentials"), "{message}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
