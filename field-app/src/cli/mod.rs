//! The headless `field-app` command: the library's operations for scripts and end-to-end
//! tests, with stable, parseable output (results on stdout, messages on stderr; exit code 0
//! for success and 1 for an error).

mod cases;
mod server;
mod stress;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Result;
use crate::store::LocalStore;

/// naper's tablet app: the window, or headless commands.
#[derive(Debug, Parser)]
#[command(name = "field-app", version, about)]
pub struct Cli {
    /// The tablet's data directory (database and photos) [default: ./naper-tablet for the
    /// commands; the per-user data folder for the window].
    #[arg(long, global = true, env = "NAPER_TABLET_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Test helper for the README's screenshot: with the window, save a PNG of it to this
    /// file once it has settled, then close.
    #[arg(long, hide = true)]
    pub screenshot: Option<PathBuf>,
    /// Where gpsd listens (`host:port`), for the device position in forms [default for the
    /// window: 127.0.0.1:2947; `new-case` asks gpsd only when this is given].
    #[arg(long, global = true, env = "NAPER_GPSD")]
    pub gpsd: Option<String>,
    /// What to do; without a command the app window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The data directory of the headless commands when none is given.
pub const DEFAULT_COMMAND_DATA_DIR: &str = "./naper-tablet";

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Enroll this tablet with a server (prints `enrolled: device=… user=… tenant=… role=…`).
    Enroll {
        /// The server's base URL (scheme, host and optional port).
        #[arg(long)]
        server: String,
        /// The officer's user name.
        #[arg(long)]
        username: String,
        /// The officer's password (visible in the process list; prefer --password-stdin).
        #[arg(
            long,
            required_unless_present = "password_stdin",
            conflicts_with = "password_stdin"
        )]
        password: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// A name for this device, shown to admins.
        #[arg(long)]
        device_name: Option<String>,
    },
    /// Fetch the server's templates and list the cached ones (`id<TAB>version<TAB>category<TAB>title`).
    Templates,
    /// Create a case from a cached template; prints the new case id. With `--gpsd`, position
    /// fields prefilled from the device get gpsd's current fix (waiting up to 3 s for one).
    NewCase {
        /// Template id.
        #[arg(long)]
        template: String,
        /// Template version (default: the highest cached).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Answer a field: JSON value, or plain text; `null` removes the answer. Draft problems
    /// are printed on stderr; the answer is saved anyway.
    Set {
        /// The case id.
        case_id: String,
        /// The field key.
        field_key: String,
        /// The answer as JSON (`3`, `true`, `"text"`, `{"lat":…}`) or plain text.
        json_value: String,
    },
    /// Add a photo file to a photo field; prints `<photo-id> <sha256>`.
    AddPhoto {
        /// The case id.
        case_id: String,
        /// The photo field's key.
        field_key: String,
        /// A JPEG or PNG file.
        file: PathBuf,
    },
    /// Draw on a photo: an annotation as JSON (`shape` and `style` at least); prints its id.
    Annotate {
        /// The case id.
        case_id: String,
        /// The photo id.
        photo_id: String,
        /// The annotation JSON.
        annotation_json: String,
    },
    /// Submit a case; prints `submitted`, or the validation report on stderr (exit 1).
    Submit {
        /// The case id.
        case_id: String,
    },
    /// List the cases (`id<TAB>status<TAB>title<TAB>synced|dirty|rejected<TAB>pending uploads`).
    List,
    /// Print a case as JSON.
    Show {
        /// The case id.
        case_id: String,
    },
    /// Sync with the server and upload photos; ends with
    /// `synced: sent=N received=M rejected=K uploaded_bytes=B`.
    Sync {
        /// Most bytes one upload request carries (default: a whole photo in one request).
        #[arg(long, default_value_t = crate::sync_client::DEFAULT_CHUNK_BYTES)]
        chunk_bytes: usize,
    },
    /// Get a photo (downloaded when the tablet does not have it) and write it to a file: the
    /// original of a photo this officer took, the rendering with its drawings and redactions
    /// (JPEG) of one someone else took.
    Photo {
        /// The photo's SHA-256.
        sha256: String,
        /// The thumbnail instead of the original.
        #[arg(long)]
        thumbnail: bool,
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
    },
    /// Test helper: adds `count` comments `edit N` (N from `start`) to a case, one
    /// transaction each, printing `committed N` after each commit.
    #[command(hide = true)]
    EditLoop {
        /// The case id.
        case_id: String,
        /// How many edits.
        #[arg(long, default_value_t = 1000)]
        count: u32,
        /// The number of the first edit.
        #[arg(long, default_value_t = 1)]
        start: u32,
        /// Compact after this many changes.
        #[arg(long)]
        compact_after: Option<u32>,
    },
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| {
        crate::FieldAppError::Invalid(format!("cannot read the password from standard input: {e}"))
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Runs a command against the store in `data_dir`; `gpsd` is where gpsd listens, if the
/// commands should ask it for the device position.
///
/// # Errors
/// Whatever the command failed with; the message says what to do.
pub async fn run(data_dir: &std::path::Path, gpsd: Option<&str>, command: Command) -> Result<()> {
    let mut store = LocalStore::open(data_dir)?;
    match command {
        Command::Enroll {
            server,
            username,
            password,
            password_stdin: _,
            device_name,
        } => {
            let password = match password {
                Some(password) => password,
                None => read_password()?,
            };
            server::enroll(&mut store, &server, &username, &password, device_name).await
        }
        Command::Templates => server::templates(&mut store).await,
        Command::NewCase { template, version } => {
            cases::new_case(&mut store, &template, version, gpsd).await
        }
        Command::Set {
            case_id,
            field_key,
            json_value,
        } => cases::set(&mut store, &case_id, &field_key, &json_value),
        Command::AddPhoto {
            case_id,
            field_key,
            file,
        } => cases::add_photo(&mut store, &case_id, &field_key, &file),
        Command::Annotate {
            case_id,
            photo_id,
            annotation_json,
        } => cases::annotate(&mut store, &case_id, &photo_id, &annotation_json),
        Command::Submit { case_id } => cases::submit(&mut store, &case_id),
        Command::List => cases::list(&store),
        Command::Show { case_id } => cases::show(&store, &case_id),
        Command::Sync { chunk_bytes } => server::sync(&mut store, chunk_bytes).await,
        Command::Photo {
            sha256,
            thumbnail,
            out,
        } => server::photo(&mut store, &sha256, thumbnail, &out).await,
        Command::EditLoop {
            case_id,
            count,
            start,
            compact_after,
        } => stress::edit_loop(&mut store, &case_id, start, count, compact_after),
    }
}

/// Parses an id given on the command line.
fn parse_id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T> {
    raw.trim()
        .parse()
        .map_err(|_| crate::FieldAppError::Invalid(format!("`{raw}` is not a {what} id (a UUID)")))
}
