//! `ilp-server`: serve the sync API, run the demo server, seed the demo kelurahan, and administer
//! users, devices and tokens. Every command reads the same configuration (file, then
//! `ILP_SERVER_*` variables, then the flags given here).

use clap::{Args, Parser, Subcommand};
use ilp_server::admin::Admin;
use ilp_server::auth::PasswordCost;
use ilp_server::clock::{Clock, OsEntropy, SystemClock};
use ilp_server::config::Config;
use ilp_server::demo;
use ilp_server::error::{Error, Result};
use ilp_server::http::{self, AppState};
use ilp_server::storage::{self, Db, TokenFilter};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "ilp-server", version, about = "Posyandu ILP sync server")]
struct Cli {
    /// TOML configuration file (listen, data_dir, database_url, token_lifetime_secs,
    /// max_drift_ms, log_format, pool_size).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory (SQLite database); overrides the file and ILP_SERVER_DATA_DIR.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// postgres://... to use PostgreSQL instead of SQLite.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API.
    Serve,
    /// The demo: seed Kelurahan Oesapa into an empty data directory, then serve it on 127.0.0.1
    /// and print the URL and the demo logins.
    Demo {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        #[arg(long, default_value_t = 500, value_name = "N")]
        households: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Seed the demo kelurahan (areas, Posyandu, users with demo passwords, households, people,
    /// a year of events) into the configured database.
    SeedDemo {
        #[arg(long, default_value_t = 500, value_name = "N")]
        households: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Users: add, assign, disable, password, list.
    #[command(subcommand)]
    User(UserCmd),
    /// Devices: list, revoke.
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Tokens: revoke.
    #[command(subcommand)]
    Token(TokenCmd),
}

#[derive(Args)]
struct PasswordArg {
    /// The password or PIN; without it, ILP_USER_PASSWORD, else one line from stdin.
    #[arg(long)]
    password: Option<String>,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user who can log in.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// kader, bidan, supervisor or admin.
        #[arg(long)]
        role: String,
        /// An area id, a Kemendagri code (53.71.03.1010) for a kota, kecamatan or kelurahan, or
        /// a kelurahan's RW or RT (53.71.03.1010/001 or 53.71.03.1010/001/002); repeat for several.
        #[arg(long = "area")]
        areas: Vec<String>,
        #[command(flatten)]
        password: PasswordArg,
    },
    /// Replace a user's areas.
    Assign {
        #[arg(long)]
        username: String,
        #[arg(long = "area", required = true)]
        areas: Vec<String>,
    },
    /// Disable a user (no login; every token revoked).
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Set a user's password or PIN.
    Password {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordArg,
    },
    List,
}

#[derive(Subcommand)]
enum DeviceCmd {
    List,
    /// Revoke a device and every token issued to it.
    Revoke {
        #[arg(long)]
        device: String,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Revoke one token, a device's tokens or a user's tokens.
    Revoke {
        #[arg(long, conflicts_with_all = ["device", "user"])]
        token: Option<String>,
        #[arg(long, conflicts_with = "user")]
        device: Option<String>,
        #[arg(long)]
        user: Option<String>,
    },
}

fn password(arg: PasswordArg) -> Result<String> {
    if let Some(p) = arg.password {
        return Ok(p);
    }
    if let Ok(p) = std::env::var("ILP_USER_PASSWORD") {
        return Ok(p);
    }
    eprintln!("password (one line on stdin):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn fmt_time(ms: Option<i64>) -> String {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .map(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]Z"
            ))
            .unwrap_or_default()
        })
        .unwrap_or_else(|| "-".into())
}

fn today_wita(clock: &dyn Clock) -> time::Date {
    ilp_model::Timestamp::from_millis(clock.now_ms()).date_at(ilp_model::timestamp::wita())
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(d) = cli.data_dir {
        config.data_dir = d;
    }
    if let Some(u) = cli.database_url {
        config.database_url = Some(u);
    }
    let clock = SystemClock;
    let entropy = OsEntropy;
    match cli.command {
        Command::Serve => {
            http::init_logging(config.log_format);
            let db = storage::open(&config)?;
            serve(config, db, None)
        }
        Command::Demo {
            port,
            households,
            seed,
        } => {
            config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let db = storage::open(&config)?;
            let admin = admin(&*db, &config, &clock, &entropy);
            // Seeded once: a database that already has users is served as it is.
            if admin.users()?.is_empty() {
                eprintln!(
                    "Seeding the demo kelurahan ({households} households) into {} ...",
                    config.data_dir.display()
                );
                let s = demo::seed(&admin, households, seed, today_wita(&clock))?;
                eprintln!("Seeded {} records.", s.records);
            }
            let logins = demo::demo_logins(&admin)?;
            http::init_logging(config.log_format);
            serve(config, db, Some(logins))
        }
        Command::SeedDemo { households, seed } => {
            let db = storage::open(&config)?;
            let admin = admin(&*db, &config, &clock, &entropy);
            let s = demo::seed(&admin, households, seed, today_wita(&clock))?;
            println!(
                "Seeded {} records ({} households, {} users).",
                s.records, s.households, s.users
            );
            print_logins(&demo::demo_logins(&admin)?);
            Ok(())
        }
        Command::User(cmd) => {
            let db = storage::open(&config)?;
            let admin = admin(&*db, &config, &clock, &entropy);
            match cmd {
                UserCmd::Add {
                    username,
                    display_name,
                    role,
                    areas,
                    password: p,
                } => {
                    let id =
                        admin.add_user(&username, &display_name, &role, &areas, &password(p)?)?;
                    println!("user {username} created ({id})");
                }
                UserCmd::Assign { username, areas } => {
                    admin.assign(&username, &areas)?;
                    println!("user {username}: areas replaced");
                }
                UserCmd::Disable { username } => {
                    admin.disable(&username)?;
                    println!("user {username} disabled; tokens revoked");
                }
                UserCmd::Password {
                    username,
                    password: p,
                } => {
                    admin.set_password(&username, &password(p)?)?;
                    println!("user {username}: password set");
                }
                UserCmd::List => {
                    for (u, areas) in admin.users()? {
                        println!(
                            "{:<24} {:<11} {:<8} {} areas  {}",
                            u.username,
                            u.role,
                            if u.active { "active" } else { "disabled" },
                            areas.len(),
                            u.id
                        );
                    }
                }
            }
            Ok(())
        }
        Command::Device(cmd) => {
            let db = storage::open(&config)?;
            let admin = admin(&*db, &config, &clock, &entropy);
            match cmd {
                DeviceCmd::List => {
                    println!(
                        "{:<36}  {:<20} {:<17} {:<17} {:>8}  state",
                        "device", "user", "registered", "last seen", "stored"
                    );
                    for (d, user) in admin.devices()? {
                        println!(
                            "{:<36}  {:<20} {:<17} {:<17} {:>8}  {}",
                            d.id,
                            user,
                            fmt_time(Some(d.registered_at)),
                            fmt_time(d.last_seen_at),
                            d.stored_through,
                            if d.revoked_at.is_some() {
                                "revoked"
                            } else {
                                "active"
                            }
                        );
                    }
                }
                DeviceCmd::Revoke { device } => {
                    let n = admin.revoke_device(&device)?;
                    println!("device {device} revoked; {n} tokens revoked");
                }
            }
            Ok(())
        }
        Command::Token(TokenCmd::Revoke {
            token,
            device,
            user,
        }) => {
            let db = storage::open(&config)?;
            let admin = admin(&*db, &config, &clock, &entropy);
            let which = match (&token, &device, &user) {
                (Some(t), _, _) => TokenFilter::Hash(t),
                (_, Some(d), _) => TokenFilter::Device(d),
                (_, _, Some(u)) => TokenFilter::User(u),
                _ => return Err(Error::Usage("give --token, --device or --user".into())),
            };
            println!("{} tokens revoked", admin.revoke_tokens(which)?);
            Ok(())
        }
    }
}

fn admin<'a>(
    db: &'a dyn Db,
    config: &Config,
    clock: &'a SystemClock,
    entropy: &'a OsEntropy,
) -> Admin<'a> {
    Admin {
        db,
        clock,
        entropy,
        cost: PasswordCost::default(),
        max_drift_ms: config.max_drift_ms,
    }
}

fn print_logins(logins: &[demo::DemoLogin]) {
    println!(
        "Demo logins (password: the username followed by \"{}\"):",
        demo::DEMO_PASSWORD_SUFFIX
    );
    for l in logins {
        println!(
            "  {:<11} {:<22} {:<27} {}",
            l.role, l.username, l.password, l.areas
        );
    }
}

fn serve(config: Config, db: Arc<dyn Db>, banner: Option<Vec<demo::DemoLogin>>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let identity_db = db.clone();
        tokio::task::spawn_blocking(move || {
            ilp_server::admin::server_identity(&*identity_db, &OsEntropy, SystemClock.now_ms())
        })
        .await
        .map_err(|e| Error::Usage(format!("startup: {e}")))??;
        // The dashboard's replica follows the feed; catching it up now makes the first page quick.
        if banner.is_some() {
            eprintln!("Preparing the dashboard ...");
        }
        let (replica_db, data_dir) = (db.clone(), config.data_dir.clone());
        tokio::task::spawn_blocking(move || {
            ilp_server::dashboard::prepare_replica(replica_db, data_dir, SystemClock.now_ms())
        })
        .await
        .map_err(|e| Error::Usage(format!("startup: {e}")))??;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.listen)))?;
        let addr = listener.local_addr()?;
        let backend = db.backend();
        let data = if backend == "sqlite" {
            config.sqlite_path().display().to_string()
        } else {
            "PostgreSQL".into()
        };
        match &banner {
            Some(logins) => {
                println!();
                println!("Posyandu ILP demo server (Kelurahan Oesapa, Kota Kupang)");
                println!("  URL:      http://{addr}");
                println!("  Health:   http://{addr}/health");
                println!("  Dashboard: http://{addr}/dashboard/login");
                if let Some(sup) = logins.iter().find(|l| l.role == "supervisor") {
                    println!(
                        "  Dashboard login (supervisor): {} / {}",
                        sup.username, sup.password
                    );
                }
                println!("  Database: {data}");
                println!();
                print_logins(logins);
                println!("  Every kader: kader.rwNNN.a and kader.rwNNN.b (RW 001 to the last RW).");
                println!();
                println!(
                    "Stop with Ctrl-C. Run the same command again to restart with the same data."
                );
            }
            None => println!(
                "ilp-server listening on http://{addr} ({backend}: {data}); dashboard at http://{addr}/dashboard/login"
            ),
        }
        let state = Arc::new(AppState {
            db,
            config,
            clock: Arc::new(SystemClock),
            entropy: Arc::new(OsEntropy),
            metrics: Default::default(),
        });
        http::serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}
