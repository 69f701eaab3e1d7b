//! Logs for an application that set up none: [`serve`](crate::serve) writes them to
//! stderr, so a first run says where it listens and what goes wrong, with no setup.
//!
//! The runtime logs through `tracing`, which prints nothing until the application installs
//! a subscriber. When none is installed, `serve` installs this one: plain lines on stderr
//! at `info` (one for listening, one per failed request, none per request), filtered by
//! `RUST_LOG` in the `target=level` form (`RUST_LOG=debug` for more, `RUST_LOG=off` for
//! none). An application that installs its own subscriber first keeps it.

use tracing_subscriber::filter::{LevelFilter, Targets};

/// The filter `RUST_LOG` asks for, and a complaint when it could not be read.
fn filter(rust_log: Option<&str>) -> (Targets, Option<String>) {
    let fallback = Targets::new().with_default(LevelFilter::INFO);
    match rust_log.map(str::trim) {
        None | Some("") => (fallback, None),
        Some(text) => match text.parse::<Targets>() {
            Ok(targets) => (targets, None),
            Err(error) => (
                fallback,
                Some(format!(
                    "RUST_LOG={text:?} is not a list of `target=level` directives ({error}); logging at info"
                )),
            ),
        },
    }
}

/// Installs the stderr subscriber when the application installed none; whether it did.
pub(crate) fn install_default() -> bool {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::Layer as _;
    if tracing::dispatcher::has_been_set() {
        return false;
    }
    let (targets, complaint) = filter(std::env::var("RUST_LOG").ok().as_deref());
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_filter(targets),
    );
    // Another thread may have installed one meanwhile; then that one stays.
    let installed = tracing::subscriber::set_global_default(subscriber).is_ok();
    if let (true, Some(complaint)) = (installed, complaint) {
        tracing::warn!("{complaint}");
    }
    installed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_sets_the_levels() {
        let enabled = |rust_log: Option<&str>, target: &str, level: tracing::Level| {
            filter(rust_log).0.would_enable(target, &level)
        };
        use tracing::Level;
        assert!(enabled(None, "specfirst_runtime::server", Level::INFO));
        assert!(!enabled(None, "specfirst_runtime::server", Level::DEBUG));
        assert!(enabled(Some("debug"), "app", Level::DEBUG));
        assert!(!enabled(
            Some("off"),
            "specfirst_runtime::server",
            Level::ERROR
        ));
        assert!(enabled(
            Some("warn,specfirst_runtime=debug"),
            "specfirst_runtime::x",
            Level::DEBUG
        ));
        assert!(!enabled(
            Some("warn,specfirst_runtime=debug"),
            "app",
            Level::INFO
        ));
    }

    #[test]
    fn an_unreadable_rust_log_is_said_and_info_kept() {
        let (targets, complaint) = filter(Some("[span{x=1}]=debug"));
        assert!(targets.would_enable("app", &tracing::Level::INFO));
        let complaint = complaint.unwrap_or_default();
        assert!(complaint.contains("RUST_LOG"), "{complaint}");
        assert_eq!(filter(Some("info")).1, None);
    }
}
