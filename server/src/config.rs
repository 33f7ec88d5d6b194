//! Server configuration: a TOML file, then `ILP_SERVER_*` environment variables over it, then
//! command-line overrides. Defaults suit the demo on one machine.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything the server needs to start.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the SQLite database lives (and nothing else, when PostgreSQL is used).
    pub data_dir: PathBuf,
    /// `postgres://...` selects PostgreSQL; empty or absent: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// How long a login token is accepted.
    pub token_lifetime_secs: i64,
    /// How far a device clock or an HLC stamp may run ahead of the server's clock.
    pub max_drift_ms: i64,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// PostgreSQL connections kept (SQLite has one writer and a few readers regardless).
    pub pool_size: usize,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("ilp-server-data"),
            database_url: None,
            token_lifetime_secs: 30 * 24 * 3600,
            max_drift_ms: ilp_model::hlc::DEFAULT_MAX_DRIFT_MS,
            log_format: LogFormat::Text,
            pool_size: 8,
        }
    }
}

impl Config {
    /// Reads `file` (if given) and applies the environment.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    Error::Usage(format!("cannot read config {}: {e}", path.display()))
                })?;
                Self::from_toml(&text)?
            }
            None => Self::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::Usage(format!("config: {e}")))
    }

    /// Applies `ILP_SERVER_*` variables read through `var` (passed in so tests need no process
    /// environment).
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<()> {
        fn parse<T: std::str::FromStr>(name: &str, v: String) -> Result<T> {
            v.trim()
                .parse()
                .map_err(|_| Error::Usage(format!("{name} has an invalid value")))
        }
        if let Some(v) = var("ILP_SERVER_LISTEN") {
            self.listen = parse("ILP_SERVER_LISTEN", v)?;
        }
        if let Some(v) = var("ILP_SERVER_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var("ILP_SERVER_DATABASE_URL") {
            self.database_url = Some(v).filter(|s| !s.trim().is_empty());
        }
        if let Some(v) = var("ILP_SERVER_TOKEN_LIFETIME_SECS") {
            self.token_lifetime_secs = parse("ILP_SERVER_TOKEN_LIFETIME_SECS", v)?;
        }
        if let Some(v) = var("ILP_SERVER_MAX_DRIFT_MS") {
            self.max_drift_ms = parse("ILP_SERVER_MAX_DRIFT_MS", v)?;
        }
        if let Some(v) = var("ILP_SERVER_LOG_FORMAT") {
            self.log_format = match v.trim() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                _ => {
                    return Err(Error::Usage(
                        "ILP_SERVER_LOG_FORMAT must be text or json".into(),
                    ));
                }
            };
        }
        if let Some(v) = var("ILP_SERVER_POOL_SIZE") {
            self.pool_size = parse("ILP_SERVER_POOL_SIZE", v)?;
        }
        Ok(())
    }

    /// The PostgreSQL URL when one is configured.
    pub fn postgres_url(&self) -> Option<&str> {
        self.database_url
            .as_deref()
            .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("ilp-server.sqlite")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let mut c = Config::from_toml(
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/var/lib/ilp\"\nmax_drift_ms = 1000\n",
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9000);
        c.apply_env(|k| match k {
            "ILP_SERVER_DATABASE_URL" => Some("postgres://u@127.0.0.1/ilp".into()),
            "ILP_SERVER_MAX_DRIFT_MS" => Some("2000".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.max_drift_ms, 2000);
        assert_eq!(c.postgres_url(), Some("postgres://u@127.0.0.1/ilp"));
        assert_eq!(c.token_lifetime_secs, 30 * 24 * 3600);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        assert!(Config::from_toml("lisen = \"x\"").is_err());
        let mut c = Config::default();
        assert!(
            c.apply_env(|k| (k == "ILP_SERVER_LISTEN").then(|| "nowhere".into()))
                .is_err()
        );
    }
}
