//! `sync-server`: the command line. Everything it does lives in the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sync_server::ServerError;
use sync_server::kernel::body_pace::BodyPace;
use sync_server::kernel::config::{Config, DemoSeed, Mail, Traffic};
use sync_server::services::admin;

/// The naper sync server: tablets sync inspection cases and photos with it.
#[derive(Debug, Parser)]
#[command(name = "sync-server", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Manage tenants, users and devices on a data directory.
    Admin(AdminArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "NAPER_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory of the database, photos and uploads (created if missing).
    #[arg(long, env = "NAPER_DATA_DIR", default_value = "./naper-data")]
    data_dir: PathBuf,
    /// The database as a URL, `sqlite://PATH`; default: naper.sqlite3 in the data directory.
    #[arg(long, env = "NAPER_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    /// Log filter: error, warn, info, debug, trace, or a tracing directive.
    #[arg(long, env = "NAPER_LOG", default_value = "info")]
    log_level: String,
    /// Seed the demo tenant with users and print their passwords (once).
    #[arg(long)]
    demo: bool,
    /// Load the shared form templates from this directory instead of the bundled ones.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Largest photo upload in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_blob_bytes: u64,
    /// Refuse a device token that has not been used to sync for this many days (the device
    /// enrolls again); 0 keeps tokens valid however long they idle.
    #[arg(long, default_value_t = 60)]
    device_idle_days: u64,
    /// Send back-office session cookies without `Secure`, for a trial over plain http on a
    /// machine without a TLS proxy. Never in production.
    #[arg(long)]
    insecure_cookies: bool,
    /// Address of a reverse proxy in front of the server whose `X-Forwarded-For` names the
    /// client (for the sign-in throttles); repeat it, or comma-separate, for several.
    #[arg(
        long = "trusted-proxy",
        env = "NAPER_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Where people reach this server, e.g. https://rathaus.musterhausen.de (behind a TLS
    /// proxy): the links in e-mails (tracking links of citizen requests) start with it.
    /// Without it: http:// and the listening address.
    #[arg(long, env = "NAPER_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    public_url: Option<String>,
    /// Citizen requests one address may send per hour through the portal without an
    /// account (a town hall's public Wi-Fi is one address: raise it there).
    #[arg(long, default_value_t = 10, value_name = "COUNT", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    citizen_requests_per_hour: u32,
    #[command(flatten)]
    traffic: TrafficArgs,
    #[command(flatten)]
    mail: MailArgs,
}

/// A public URL: http or https, a host, no query (it begins links in e-mails).
fn public_url(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("`{text}` does not start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || text.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!(
            "`{text}` is not a plain address like https://rathaus.musterhausen.de"
        ));
    }
    Ok(text.trim_end_matches('/').to_string())
}

/// Outgoing e-mail (`Mail`): where the outbox is sent, from whom, how patiently.
#[derive(Debug, Args)]
#[command(next_help_heading = "E-mail")]
struct MailArgs {
    /// The SMTP server: smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:587?tls=required or
    /// smtps://USER:PASSWORD@HOST:465 (prefer the environment variable for a password).
    /// Without it, mails wait in the outbox.
    #[arg(
        long,
        env = "NAPER_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// The sender of every mail, e.g. "Stadt Musterhausen <noreply@musterhausen.de>".
    #[arg(long, env = "NAPER_MAIL_FROM", value_name = "MAILBOX")]
    mail_from: Option<String>,
    /// Seconds before a mail the SMTP server did not take is tried again (doubling with
    /// every attempt, up to an hour).
    #[arg(long, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    mail_retry_secs: u64,
    /// Seconds a claimed mail is one sender's alone (longer than an SMTP conversation); a
    /// mail whose sender died is sent again after it.
    #[arg(long, default_value_t = 300, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86400))]
    mail_lease_secs: u64,
}

impl MailArgs {
    fn mail(self) -> Mail {
        use std::time::Duration;
        let defaults = Mail::default();
        Mail {
            smtp_url: self.smtp_url,
            from: self.mail_from.unwrap_or_else(|| defaults.from.clone()),
            retry_first: Duration::from_secs(self.mail_retry_secs),
            lease: Duration::from_secs(self.mail_lease_secs),
            ..defaults
        }
    }
}

/// Bounds for slow and many clients (`Traffic`); the defaults suit tablets on mobile
/// networks.
#[derive(Debug, Args)]
#[command(next_help_heading = "Slow and many clients")]
struct TrafficArgs {
    /// Seconds a client may take to send a request head, or to start the next one on a
    /// kept-alive connection.
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout_secs: u64,
    /// Seconds a request body may send nothing before it is cut off (an upload resumes).
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_idle_secs: u64,
    /// Bytes per second a body must average after the grace period.
    #[arg(long, default_value_t = 1024, value_name = "BYTES")]
    body_min_rate: u64,
    /// Seconds at the start of a body in which no rate is asked for.
    #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(0..=3600))]
    body_grace_secs: u64,
    /// Photo upload requests receiving at once.
    #[arg(long, default_value_t = 32, value_name = "N")]
    upload_slots: usize,
    /// MiB of sync request bodies held at once.
    #[arg(long, default_value_t = 128, value_name = "MIB")]
    sync_body_budget_mib: usize,
}

impl TrafficArgs {
    fn traffic(&self) -> Traffic {
        use std::time::Duration;
        Traffic {
            header_read_timeout: Duration::from_secs(self.header_timeout_secs),
            body_pace: BodyPace {
                idle: Duration::from_secs(self.body_idle_secs),
                min_rate: self.body_min_rate,
                grace: Duration::from_secs(self.body_grace_secs),
            },
            upload_slots: self.upload_slots,
            sync_body_budget: self.sync_body_budget_mib.saturating_mul(1024 * 1024),
            ..Traffic::default()
        }
    }
}

#[derive(Debug, Args)]
struct AdminArgs {
    /// Directory of the database (the same as the server's).
    #[arg(
        long,
        env = "NAPER_DATA_DIR",
        default_value = "./naper-data",
        global = true
    )]
    data_dir: PathBuf,
    /// The database as a URL, `sqlite://PATH` (the same as the server's).
    #[arg(long, env = "NAPER_DATABASE_URL", value_name = "URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: AdminCommand,
}

/// Where a password comes from: standard input or a generated file keep it off the command
/// line, where other users of the machine and shell histories can read it.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct PasswordSource {
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
    /// Generate a random password and write it to this new file, readable only by you.
    #[arg(long, value_name = "FILE")]
    generate_password: Option<PathBuf>,
    /// The password itself (visible in the process list; prefer the two above).
    #[arg(long)]
    password: Option<String>,
}

impl PasswordSource {
    /// The password, and a note for the output when it was generated.
    fn read(self) -> Result<(String, Option<String>), ServerError> {
        if let Some(password) = self.password {
            return Ok((password, None));
        }
        if let Some(path) = self.generate_password {
            let password = admin::generate_password_file(&path)?;
            let note = format!(
                "the password is in {} (readable only by you); hand it over and delete the file",
                path.display()
            );
            return Ok((password, Some(note)));
        }
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| ServerError::Io(format!("cannot read the password from stdin: {e}")))?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), None))
    }
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a tenant.
    CreateTenant {
        /// Tenant id (letters, digits, `-`, `_`).
        id: String,
        /// Display name.
        name: String,
    },
    /// Create a user.
    CreateUser {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// User name, unique across the server.
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        display_name: String,
        /// admin, coordinator, case_worker, viewer or officer.
        #[arg(long)]
        role: String,
        /// The initial password (at least 8 characters).
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Set a new password; the user's devices are revoked and must be enrolled again.
    ResetPassword {
        /// User name.
        #[arg(long)]
        username: String,
        /// The new password (at least 8 characters).
        #[command(flatten)]
        password: PasswordSource,
    },
    /// List enrolled devices.
    ListDevices,
    /// Revoke a device; its token is refused at once.
    RevokeDevice {
        /// Device id (see list-devices).
        device_id: String,
    },
    /// Recompute the case projection from the documents.
    RebuildProjection,
    /// Compact every document's change rows into one snapshot.
    Compact,
    /// Show the e-mail outbox: how many mails wait, were sent, were given up, and why the
    /// last ones were given up.
    MailOutbox,
    /// Offer citizen services in a tenant's portal (/portal/TENANT/): the ones named, or
    /// every installed citizen service.
    EnableServices {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// Service ids (e.g. maengelmeldung); none: all.
        services: Vec<String>,
    },
    /// Stop offering citizen services in a tenant's portal (requests already sent stay).
    DisableServices {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// Service ids.
        #[arg(required = true)]
        services: Vec<String>,
    },
    /// Set the letters a tenant's request numbers start with (TGH in TGH-2026-000123).
    RequestPrefix {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// 2 to 6 capital letters or digits.
        prefix: String,
    },
    /// Add everyday words a tenant's citizens find a service by ("Sofa", "Hund angemeldet");
    /// with --remove, take them away.
    ServiceWords {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// Service id (e.g. maengelmeldung).
        #[arg(long)]
        service: String,
        /// Take the words away instead.
        #[arg(long)]
        remove: bool,
        /// The words.
        #[arg(required = true)]
        words: Vec<String>,
    },
    /// Give a tenant's portal a host name of its own (e.g. buergerportal.tegelhausen.de,
    /// pointed at this server); its root leads to /portal/TENANT/. "" clears it.
    PortalHost {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// The host name.
        host: String,
    },
    /// Set how a tenant's portal looks (white label); parts not given stay, an empty value
    /// clears one. The accent colour must read at 4.5 : 1 against white.
    PortalLook {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// Accent colour of the header and links, #rrggbb.
        #[arg(long)]
        accent: Option<String>,
        /// The imprint (Impressum) link.
        #[arg(long)]
        imprint_url: Option<String>,
        /// The privacy policy (Datenschutzerklärung) link.
        #[arg(long)]
        privacy_url: Option<String>,
        /// Where citizens write to.
        #[arg(long)]
        contact_email: Option<String>,
        /// Where citizens call.
        #[arg(long)]
        contact_phone: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Admin(args)) => run_admin(args),
        Some(Command::Serve(args)) => run_serve(args),
        None => run_serve(cli.serve),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sync-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_serve(args: ServeArgs) -> Result<(), ServerError> {
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log_level)
        .map_err(|e| ServerError::Invalid(format!("`{}` is no log level: {e}", args.log_level)))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let mut config = Config::new(args.data_dir);
    config.database_url = args.database_url;
    config.addr = args.addr;
    config.templates_dir = args.templates;
    config.max_blob_bytes = args.max_blob_bytes;
    config.device_max_idle = (args.device_idle_days > 0).then(|| {
        std::time::Duration::from_secs(args.device_idle_days.saturating_mul(24 * 60 * 60))
    });
    config.backoffice.secure_cookies = !args.insecure_cookies;
    config.trusted_proxies = args.trusted_proxies;
    config.public_url = args.public_url;
    if let Some(limit) = std::num::NonZeroU32::new(args.citizen_requests_per_hour) {
        config.citizen_requests_per_hour = limit;
    }
    config.traffic = args.traffic.traffic();
    config.mail = args.mail.mail();
    config.demo = if args.demo {
        DemoSeed::Always
    } else {
        DemoSeed::Never
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServerError::Io(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(sync_server::serve(config))
}

fn run_admin(args: AdminArgs) -> Result<(), ServerError> {
    let opened = admin::open_url(args.database_url.as_deref(), &args.data_dir)?;
    let store = opened.as_ref();
    let message = match args.command {
        AdminCommand::CreateTenant { id, name } => admin::create_tenant(store, &id, &name)?,
        AdminCommand::CreateUser {
            tenant,
            username,
            display_name,
            role,
            password,
        } => {
            let (password, note) = password.read()?;
            let done =
                admin::create_user(store, &tenant, &username, &display_name, &role, &password)?;
            with_note(done, note)
        }
        AdminCommand::ResetPassword { username, password } => {
            let (password, note) = password.read()?;
            with_note(admin::reset_password(store, &username, &password)?, note)
        }
        AdminCommand::ListDevices => admin::list_devices(store)?,
        AdminCommand::RevokeDevice { device_id } => admin::revoke_device(store, &device_id)?,
        AdminCommand::RebuildProjection => admin::rebuild_projection(store)?,
        AdminCommand::Compact => admin::compact(store)?,
        AdminCommand::MailOutbox => admin::mail_outbox(store)?,
        AdminCommand::EnableServices { tenant, services } => {
            admin::enable_services(store, &tenant, &services)?
        }
        AdminCommand::DisableServices { tenant, services } => {
            admin::disable_services(store, &tenant, &services)?
        }
        AdminCommand::RequestPrefix { tenant, prefix } => {
            admin::set_request_prefix(store, &tenant, &prefix)?
        }
        AdminCommand::ServiceWords {
            tenant,
            service,
            remove,
            words,
        } => admin::service_words(store, &tenant, &service, &words, remove)?,
        AdminCommand::PortalHost { tenant, host } => admin::set_portal_host(store, &tenant, &host)?,
        AdminCommand::PortalLook {
            tenant,
            accent,
            imprint_url,
            privacy_url,
            contact_email,
            contact_phone,
        } => admin::set_portal_look(
            store,
            &tenant,
            &sync_server::store::portal_looks::PortalLook {
                accent,
                imprint_url,
                privacy_url,
                contact_email,
                contact_phone,
                logo_alt: None,
            },
        )?,
    };
    println!("{}", message.trim_end());
    Ok(())
}

fn with_note(message: String, note: Option<String>) -> String {
    match note {
        Some(note) => format!("{message}\n{note}"),
        None => message,
    }
}
