//! `ilp`: the command-line tool of the Posyandu ILP field app for Puskesmas data officers: create the
//! encrypted database, import the area tree, Posyandu, users and household registers from CSV,
//! look people up, record a visit, check the file, and fill a demo kelurahan.

mod app;
mod csvin;
mod demo_export;
mod demo_fill;
mod growth;
mod import_households;
mod import_setup;
mod place;
mod schedule_views;
mod sync_cmd;
mod text;
mod views;
mod visit;

use app::{CliError, CliResult, Clock, Globals, Session};
use clap::{Args, Parser, Subcommand};
use ilp_model::{Role, User, UserId};
use std::path::PathBuf;

const MAIN_HELP: &str = "\
`ilp` keeps the field app's database for one Puskesmas or one kelurahan: a single encrypted SQLite \
file (SQLCipher). A data officer uses it to set the database up, import the registers that \
Dukcapil and Dinkes hand over as spreadsheets (saved as CSV), look people up, and check the file.

Every command needs the database (--db PATH or ILP_DB) and its key: --key-file FILE holding 64 \
hexadecimal digits (make one with `ilp key generate`), or ILP_DB_KEY, or --plain for an \
unencrypted file (test data only). Keep the key file safe: without it the database cannot be \
opened, by anyone.

Exit codes: 0 = done; 1 = fatal error (no database, wrong key, unreadable file, storage failure); \
2 = input refused (a value you typed, or rows of an import; the rest of the import went in).

The CSV layouts are described in `ilp import <what> --help` and in CSV.md.";

const MAIN_EXAMPLES: &str = "\
Examples:
  # Set up a database for Puskesmas Oesapa
  ilp key generate --out oesapa.key
  export ILP_DB=oesapa.db
  ilp --key-file oesapa.key init --admin-name \"Admin Puskesmas Oesapa\"
  ilp --key-file oesapa.key import areas --csv wilayah.csv
  ilp --key-file oesapa.key import posyandu --csv posyandu.csv
  ilp --key-file oesapa.key import users --csv pengguna.csv
  ilp --key-file oesapa.key import households --csv keluarga.csv

  # Look up and record
  ilp --key-file oesapa.key search \"Yohanes Bana\"
  ilp --key-file oesapa.key list households --rt 53.71.03.1010/005/002
  ilp --key-file oesapa.key show household 5b0e1d5c-…
  ilp --key-file oesapa.key visit record --person 9a1b…-… --kind posyandu --weight 9.6
  ilp --key-file oesapa.key check

  # A demo database with 500 households of Kelurahan Oesapa
  ilp --plain --db demo.db demo --households 500 --seed 7";

/// The Posyandu ILP database tool for Puskesmas data officers.
#[derive(Parser, Debug)]
#[command(
    name = "ilp",
    version,
    about = "The Posyandu ILP database tool for Puskesmas data officers",
    long_about = MAIN_HELP,
    after_long_help = MAIN_EXAMPLES,
    propagate_version = true
)]
struct Cli {
    /// The database file.
    #[arg(long, env = "ILP_DB", global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// A file holding the database key (64 hex digits). Otherwise the key is read from ILP_DB_KEY.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "plain")]
    key_file: Option<PathBuf>,
    /// The database is not encrypted (test and demo data only).
    #[arg(long, global = true)]
    plain: bool,
    /// Who is working (the username; `init` creates this user as the admin). Default: the user
    /// logged in on this database with `ilp login`, else admin.
    #[arg(long, global = true, value_name = "USERNAME")]
    user: Option<String>,
    /// No progress bar and no timing lines.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Pretend it is this instant (RFC 3339), for tests.
    #[arg(long, global = true, hide = true, value_name = "RFC3339")]
    now: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new database with its schema and the admin user.
    Init {
        /// The admin's display name.
        #[arg(long, default_value = "Admin", value_name = "NAME")]
        admin_name: String,
    },
    /// Make a database key.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Import areas, Posyandu, users or households from a CSV file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// List records.
    #[command(subcommand)]
    List(ListCommand),
    /// Find people by name (old and new spellings alike), NIK, KK number or phone number.
    #[command(after_long_help = "\
Examples:
  ilp search \"Yohanes Bana\"      finds Johanes Bana, Yohanis Bana, …
  ilp search soekarno            finds Sukarno
  ilp search 5371031207900003    by NIK or KK number
  ilp search 081234567890        by phone number")]
    Search {
        /// A name, a NIK or KK number (16 digits), or a phone number.
        text: String,
        /// At most this many hits.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Show one record.
    #[command(subcommand)]
    Show(ShowCommand),
    /// Record visits.
    #[command(subcommand)]
    Visit(VisitCommand),
    /// The acting user's worklist: every due or overdue item of their RTs, follow-ups of danger
    /// signs and referrals first, households grouped by RT in walking order.
    #[command(after_long_help = "\
Examples:
  ilp --user kader.rw005.a worklist
  ilp --user bidan.oesapa worklist --date 2026-11-23 --csv > worklist.csv")]
    Worklist {
        /// The day (YYYY-MM-DD); default today (WITA).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Write CSV to standard output instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// One person's due items (immunization, ANC, KF/KN, weighing, vitamin A, screenings,
    /// follow-ups) with their windows and status.
    Schedule {
        /// The person id (from `ilp search` or `ilp show household`).
        person: String,
        /// The day the status is for (YYYY-MM-DD); default today (WITA).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Write CSV to standard output instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Posyandu days.
    #[command(subcommand)]
    Posyandu(PosyanduCommand),
    /// Coverage indicators (SKDN, IDL, K1-K6, KF/KN, stunting, PTM, IKS, JKN, MBG) of an area
    /// or a Posyandu for a month, with numerator, denominator and who is behind each.
    #[command(after_long_help = "\
Examples:
  ilp --user bidan.oesapa coverage --area 53.71.03.1010 --month 2026-11
  ilp --user bidan.oesapa coverage --area 53.71.03.1010/005/002 --month 2026-11 --csv > rt002.csv
  ilp --user bidan.oesapa coverage --posyandu \"Posyandu Mawar\" --month 2026-11 --persons d_s")]
    Coverage {
        /// The area as kelurahan_code, kelurahan_code/RW or kelurahan_code/RW/RT.
        #[arg(
            long,
            value_name = "PATH",
            required_unless_present = "posyandu",
            conflicts_with = "posyandu"
        )]
        area: Option<String>,
        /// A Posyandu's name or id (its RTs).
        #[arg(long)]
        posyandu: Option<String>,
        /// The month, YYYY-MM; default this month.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// List the persons (or households) behind one indicator, by its code.
        #[arg(long, value_name = "CODE")]
        persons: Option<String>,
        /// Write CSV to standard output instead of a table.
        #[arg(long)]
        csv: bool,
    },
    /// Check the database file (PRAGMA integrity_check) and show what it holds and what waits to sync.
    Check,
    /// Fill a new database with a demo Kelurahan Oesapa, or export demo data as CSV.
    Demo(DemoArgs),
    /// Log in to a sync server: this database becomes a device of the user (created if missing).
    /// The password is read from ILP_PASSWORD or standard input.
    #[command(after_long_help = "\
Example:
  ILP_PASSWORD=... ilp --plain --db kader.db login --server http://127.0.0.1:8080 --username kader.rw005.a")]
    Login(sync_cmd::LoginArgs),
    /// Forget the login token (the server revokes it); unsynced records stay in the database.
    Logout,
    /// Push what waits to the server, then fetch your area's changes; `ilp sync status` shows
    /// the last sync and refused changes.
    Sync(sync_cmd::SyncArgs),
    /// The offline PIN of the user logged in on this database.
    #[command(subcommand)]
    Pin(sync_cmd::PinCommand),
    /// WHO z-scores and Permenkes categories for a CSV of child measurements (no database).
    #[command(long_about = growth::HELP)]
    Growth(growth::GrowthArgs),
}

#[derive(Subcommand, Debug)]
enum PosyanduCommand {
    /// Who is expected at a Posyandu on its day, who came, and (after the day) who becomes a
    /// home visit.
    Session {
        /// The Posyandu's name or id.
        #[arg(long)]
        posyandu: String,
        /// The Posyandu day (YYYY-MM-DD); default the last day it held a session.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Write CSV to standard output instead of a table.
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Write a new random 256-bit key as 64 hex digits to FILE (readable only by you).
    Generate {
        /// Where to write the key; an existing file is never overwritten.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

const AREAS_HELP: &str = "\
Imports the area tree (wilayah) from a CSV file with the header line

  level,code,name,parent_code

  level        provinsi, kota (or kabupaten), kecamatan, kelurahan (or desa), rw, rt
               (province, city, district, village also accepted)
  code         the Kemendagri code for provinsi to kelurahan (53, 53.71, 53.71.03,
               53.71.03.1010; dots may be left out), the local number for RW and RT (5 or 005)
  name         the name (Oesapa; RW 005 and RT 002 may repeat the number)
  parent_code  the parent's code: empty for provinsi (and for kecamatan/kelurahan it may be left
               empty: it follows from the code); for an RW the kelurahan code (53.71.03.1010);
               for an RT kelurahan_code/RW (53.71.03.1010/005)

Rows may come in any order (parents are imported first). Rows already in the database are left as
they are, so a file can be imported again after fixing its bad rows. Each bad row is reported as
`row N, column X: reason`, N being the line number in the file (the header is line 1).

Example:
  level,code,name,parent_code
  provinsi,53,Nusa Tenggara Timur,
  kota,53.71,Kota Kupang,53
  kecamatan,53.71.03,Kelapa Lima,53.71
  kelurahan,53.71.03.1010,Oesapa,53.71.03
  rw,005,RW 005,53.71.03.1010
  rt,001,RT 001,53.71.03.1010/005
  rt,002,RT 002,53.71.03.1010/005";

const POSYANDU_HELP: &str = "\
Imports Posyandu from a CSV file with the header line

  name,kelurahan_code,rts

  name            the Posyandu's name (Posyandu Mawar)
  kelurahan_code  the Kemendagri code of its kelurahan (53.71.03.1010)
  rts             the RT it serves as RW/RT, separated by ';' (005/001;005/002)

Example:
  name,kelurahan_code,rts
  Posyandu Mawar,53.71.03.1010,005/001;005/002
  Posyandu Melati,53.71.03.1010,006/001;006/002;006/003";

const USERS_HELP: &str = "\
Imports users from a CSV file with the header line

  username,display_name,role,areas

  username      letters, digits, '.', '_' and '-' (kader.rw005.a)
  display_name  the person's name as the app shows it
  role          kader, bidan, supervisor or admin
  areas         the areas assigned, separated by ';': a kader gets RW or RT
                (53.71.03.1010/005 or 53.71.03.1010/005/002), a bidan or supervisor a kelurahan
                (53.71.03.1010) or a kecamatan (53.71.03); an admin may get any, or none (all)

Example:
  username,display_name,role,areas
  bidan.oesapa,Bd. Maria Goreti Seran,bidan,53.71.03.1010
  kader.rw005.a,Yuliana Tefa,kader,53.71.03.1010/005/001;53.71.03.1010/005/002";

const HOUSEHOLDS_HELP: &str = "\
Imports households (keluarga) and their members from one CSV file with one row per person, as a
Dukcapil or Dinkes export gives it. Columns (header names in any order; empty cells are allowed
except where said):

  household_ref    required: any text shared by the rows of one household (the KK number or a
                   running number); rows of one household need not be next to each other
  kelurahan_code   required: Kemendagri code of the kelurahan (53.71.03.1010)
  rw, rt           required: RW and RT numbers (005, 002)
  kk_number        the 16-digit Kartu Keluarga number
  address          address (alamat)
  lat, lon         GPS position in degrees (-10.1540, 123.6330); both or neither
  jkn              JKN membership: unknown, not_enrolled, pbi, non_pbi, partial (also PBI, KIS,
                   Mandiri, Tidak ada, Sebagian)
  clean_water      access to clean water (air bersih): ya/tidak, y/n, 1/0, empty = not asked
  healthy_latrine  healthy latrine (jamban sehat): as clean_water
  name             the person's full name (nama); required unless description is given
  nik              the 16-digit NIK
  sex              L (laki-laki) or P (perempuan)
  birth_date       date of birth: YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY
  age_years        age in whole years, when the birth date is not known (gives an estimated one)
  relation         relation to the head (status hubungan dalam keluarga): kepala keluarga, istri,
                   suami, anak, menantu, cucu, orang tua, mertua, famili lain, pembantu, lainnya
                   (or head, spouse, child, child_in_law, grandchild, parent, parent_in_law,
                   other_family, helper, other)
  phone            phone number (0812…, +62812…)
  mother_nik       the NIK of the child's mother, who must be a member of the same household
  description      how to recognise a person without a name (unidentified person)
  notes            notes on the household (catatan)

The household columns (kelurahan_code to healthy_latrine, and notes) are taken from the first row
of each household. A comma or a semicolon separates the cells (Excel writes either).

Each household is imported on its own. If any row of a household is bad, the whole household is
skipped and every bad row is reported as `row N, column X: reason`, N being the line number in the
file as a spreadsheet shows it (the header is line 1); fix those rows and import just those
households again. NIKs are shown masked (5371********0003). A NIK that disagrees with the sex or
birth date does not stop the import: it is counted as a warning (list them with --warnings).

Exit code 0 when every household was imported, 2 when some were skipped (the rest were imported),
1 on a fatal error.

Example:
  household_ref,kelurahan_code,rw,rt,kk_number,address,lat,lon,jkn,clean_water,healthy_latrine,name,nik,sex,birth_date,age_years,relation,phone,mother_nik,notes
  1,53.71.03.1010,005,002,5371030101200001,Jl. Timor Raya No. 12,-10.1540,123.6330,PBI,ya,ya,Yohanes Bana,5371031207850003,L,12-07-1985,,kepala keluarga,081234567890,,
  1,53.71.03.1010,005,002,,,,,,,,Maria Bana Seran,5371035503880001,P,1988-03-15,,istri,,,
  1,53.71.03.1010,005,002,,,,,,,,Kristina Bana,5371034406230002,P,04/06/2023,,anak,,5371035503880001,
  2,53.71.03.1010,005,002,,Gang Kenari,,,Tidak ada,tidak,,Lukas Tefa,,L,,67,kepala keluarga,,,rumah sewa";

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Import the area tree: provinsi, kota, kecamatan, kelurahan, RW and RT.
    #[command(long_about = AREAS_HELP)]
    Areas {
        /// The CSV file (level,code,name,parent_code).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
    /// Import Posyandu and the RT each serves.
    #[command(long_about = POSYANDU_HELP)]
    Posyandu {
        /// The CSV file (name,kelurahan_code,rts).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
    /// Import users (kader, bidan, supervisor, admin) and their areas.
    #[command(long_about = USERS_HELP)]
    Users {
        /// The CSV file (username,display_name,role,areas).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
    /// Import households and their members (one row per person).
    #[command(long_about = HOUSEHOLDS_HELP)]
    Households {
        /// The CSV file (household_ref,kelurahan_code,rw,rt,…,name,nik,…).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// Check every row against the database without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// List each NIK that disagrees with the person's sex or birth date.
        #[arg(long)]
        warnings: bool,
        /// Households per transaction (default 100). Each household is still all-or-nothing (a
        /// savepoint): a bad one is skipped alone. Fewer commits import faster on a slow disk;
        /// after a crash the last unfinished batch is absent. 1 commits every household alone.
        #[arg(long, default_value_t = 100, value_name = "N")]
        batch: usize,
    },
}

#[derive(Subcommand, Debug)]
enum ListCommand {
    /// The households of one RT with their head, address, member count and JKN status.
    Households {
        /// The RT as kelurahan_code/RW/RT, e.g. 53.71.03.1010/005/002.
        #[arg(long, value_name = "KELURAHAN/RW/RT")]
        rt: String,
    },
}

#[derive(Subcommand, Debug)]
enum ShowCommand {
    /// A household with its members, their ages and latest measurements.
    Household {
        /// The household id (from `ilp list households` or `ilp search`).
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum VisitCommand {
    /// Record a visit with its measurements, immunizations, services, danger signs and referral.
    Record(Box<visit::VisitArgs>),
}

const DEMO_HELP: &str = "\
Without a subcommand: fills a database with a generated Kelurahan Oesapa (Kecamatan Kelapa Lima,
Kota Kupang): the area tree, Posyandu, users, households, people, pregnancies and a year of visits.
The database is created when it does not exist; it must not hold households yet. The same seed
gives the same data.

export-csv writes generated households in the `ilp import households` layout (with deliberately
bad rows when asked), and the matching area tree; export-areas writes only the area tree.";

const DEMO_EXAMPLES: &str = "\
Examples:
  ilp --plain --db demo.db demo --households 500 --seed 7
  ilp demo export-csv --households 5000 --seed 7 --bad-rows 6 --out keluarga.csv --areas-out wilayah.csv";

#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    long_about = DEMO_HELP,
    after_long_help = DEMO_EXAMPLES
)]
struct DemoArgs {
    #[command(subcommand)]
    command: Option<DemoCommand>,
    #[command(flatten)]
    fill: DemoFill,
}

#[derive(Args, Debug)]
struct DemoFill {
    /// Households to generate.
    #[arg(long, default_value_t = 500)]
    households: usize,
    /// The seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The last day of the generated histories (default: today in WITA).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

#[derive(Subcommand, Debug)]
enum DemoCommand {
    /// Write generated households as a CSV file for `ilp import households`.
    ExportCsv {
        #[command(flatten)]
        fill: DemoFill,
        /// The households CSV to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Also write the area tree for `ilp import areas` here.
        #[arg(long, value_name = "FILE")]
        areas_out: Option<PathBuf>,
        /// How many deliberately bad rows to put in (each in a different household).
        #[arg(long, default_value_t = 0, value_name = "K")]
        bad_rows: usize,
    },
    /// Write the demo's area tree as a CSV file for `ilp import areas`.
    ExportAreas {
        #[command(flatten)]
        fill: DemoFill,
        /// The CSV file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

fn acting_user(s: &Session, g: &Globals) -> CliResult<User> {
    if !g.user_given
        && let Some(user) = sync_cmd::logged_in_user(&s.store)?
    {
        return Ok(user);
    }
    s.user(&g.user)
}

fn run(cli: Cli) -> CliResult {
    let g = Globals {
        db: cli.db,
        key_file: cli.key_file,
        plain: cli.plain,
        user_given: cli.user.is_some(),
        user: cli.user.unwrap_or_else(|| "admin".into()),
        now: cli.now,
        quiet: cli.quiet,
    };
    match cli.command {
        Command::Key(KeyCommand::Generate { out }) => {
            app::write_key_file(&out)?;
            println!("wrote a new 256-bit key to {}", out.display());
            println!(
                "keep it safe and keep a copy apart from the database: without it the database \
                 cannot be opened"
            );
            Ok(())
        }
        Command::Init { admin_name } => init(&g, &admin_name),
        Command::Import(what) => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            match what {
                ImportCommand::Areas { csv } => import_setup::import_areas(&s, user.id, &csv),
                ImportCommand::Posyandu { csv } => import_setup::import_posyandu(&s, user.id, &csv),
                ImportCommand::Users { csv } => import_setup::import_users(&s, user.id, &csv),
                ImportCommand::Households {
                    csv,
                    dry_run,
                    warnings,
                    batch,
                } => import_households::import_households(
                    &s,
                    user.id,
                    &csv,
                    &import_households::HouseholdImportOptions {
                        dry_run,
                        show_warnings: warnings,
                        quiet: g.quiet,
                        batch,
                    },
                )
                .map(|_| ()),
            }
        }
        Command::List(ListCommand::Households { rt }) => {
            let s = Session::open(&g)?;
            views::list_households(&s, &rt)
        }
        Command::Search { text, limit } => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            views::search_people(&s, &user, &text, limit)
        }
        Command::Show(ShowCommand::Household { id }) => {
            let s = Session::open(&g)?;
            views::show_household(&s, &id)
        }
        Command::Visit(VisitCommand::Record(args)) => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            visit::record(&s, user.id, &args)
        }
        Command::Worklist { date, csv } => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            let date = date_or_today(&s, date.as_deref())?;
            schedule_views::worklist(&s, &user, date, csv)
        }
        Command::Schedule { person, date, csv } => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            let date = date_or_today(&s, date.as_deref())?;
            schedule_views::schedule(&s, &user, &person, date, csv)
        }
        Command::Posyandu(PosyanduCommand::Session {
            posyandu,
            date,
            csv,
        }) => {
            let s = Session::open(&g)?;
            let date = date
                .map(|d| text::parse_date(&d).map_err(|e| CliError::refused("date", e)))
                .transpose()?;
            schedule_views::posyandu_session(&s, &posyandu, date, csv)
        }
        Command::Coverage {
            area,
            posyandu,
            month,
            persons,
            csv,
        } => {
            let s = Session::open(&g)?;
            let user = acting_user(&s, &g)?;
            let month = match month {
                Some(m) => ilp_model::validation::month_start("month", &m)
                    .map_err(|e| CliError::refused(e.field, e.reason))?,
                None => s.clock.today.replace_day(1).expect("day 1"),
            };
            let target = match (&area, &posyandu) {
                (Some(a), _) => schedule_views::CoverageTarget::Area(a),
                (None, Some(p)) => schedule_views::CoverageTarget::Posyandu(p),
                (None, None) => {
                    return Err(CliError::refused("area", "give --area or --posyandu"));
                }
            };
            schedule_views::coverage(&s, &user, target, month, csv, persons.as_deref())
        }
        Command::Check => {
            let s = Session::open(&g)?;
            views::check(&s)
        }
        Command::Growth(args) => growth::run(&args, g.quiet),
        Command::Login(args) => sync_cmd::login(&g, &args),
        Command::Logout => sync_cmd::logout(&g),
        Command::Sync(args) => sync_cmd::sync(&g, &args),
        Command::Pin(what) => sync_cmd::pin(&g, &what),
        Command::Demo(d) => match d.command {
            None => demo_fill::fill(&g, &d.fill.config(&g)?),
            Some(DemoCommand::ExportCsv {
                fill,
                out,
                areas_out,
                bad_rows,
            }) => demo_export::export_csv(&fill.config(&g)?, &out, areas_out.as_deref(), bad_rows),
            Some(DemoCommand::ExportAreas { fill, out }) => {
                demo_export::export_areas(&fill.config(&g)?, &out)
            }
        },
    }
}

fn date_or_today(s: &Session, raw: Option<&str>) -> CliResult<time::Date> {
    match raw {
        Some(d) => text::parse_date(d).map_err(|e| CliError::refused("date", e)),
        None => Ok(s.clock.today),
    }
}

impl DemoFill {
    fn config(&self, g: &Globals) -> CliResult<ilp_demo::DemoConfig> {
        let today = match &self.today {
            Some(t) => text::parse_date(t).map_err(|e| CliError::refused("today", e))?,
            None => Clock::read(g.now.as_deref())?.today,
        };
        if self.households == 0 {
            return Err(CliError::refused("households", "must be at least 1"));
        }
        Ok(ilp_demo::DemoConfig::new(self.seed, self.households, today))
    }
}

fn init(g: &Globals, admin_name: &str) -> CliResult {
    let clock = Clock::read(g.now.as_deref())?;
    let store = app::open_store(g, clock, true)?;
    let admin = User {
        id: UserId::new_random(),
        username: g.user.clone(),
        display_name: admin_name.to_string(),
        role: Role::Admin,
        areas: Vec::new(),
        active: true,
    };
    let ctx = ilp_store::WriteCtx {
        user: admin.id,
        now: clock.now,
        today: clock.today,
    };
    let created = store.write(&ctx, |w| ilp_store::users::insert_user(w, &admin));
    if let Err(e) = created {
        // Leave no half-made database behind.
        drop(store);
        remove_db_files(g.db_path()?);
        return Err(e.into());
    }
    let path = g.db_path()?;
    let shown = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    println!("created {}", shown.display());
    println!("schema version: {}", ilp_store::SCHEMA_VERSION);
    println!(
        "encryption: {}",
        if g.plain {
            "none (--plain)"
        } else {
            "SQLCipher, 256-bit key"
        }
    );
    println!("admin user: {} ({admin_name})", admin.username);
    Ok(())
}

fn remove_db_files(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn main() {
    // A closed pipe (`ilp search … | head`) ends the program like any Unix tool, not with a panic.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(()) => app::EXIT_OK,
        Err(e) => {
            match &e {
                CliError::RowsRefused => {}
                CliError::Refused { field, reason } => eprintln!("error: {field}: {reason}"),
                other => eprintln!("error: {other}"),
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}
