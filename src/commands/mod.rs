//! One module per command family. Each validates its arguments, makes its
//! RPCs through the [`Context`]'s connections and renders to its output.

pub mod attach;
pub mod completion;
pub mod config;
pub mod container_lifecycle;
pub mod container_update;
pub mod containers;
pub mod events;
pub mod exec;
pub mod image_lifecycle;
pub mod images;
pub mod info;
pub mod listing;
pub mod logs;
pub mod manifest;
pub mod metrics;
pub mod output;
pub mod pod_lifecycle;
pub mod pods;
pub mod port_forward;
pub mod run;
pub mod schema;
pub mod stats;
mod stats_table;
mod unsupported;
pub mod watch;

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::Command;
use crate::error::Result;
use crate::transport::Connector;

/// The environment a command runs in: the connections to the runtime and
/// the writer its output goes to.
pub struct Context<'a> {
    pub connector: Connector,
    pub out: &'a mut dyn Write,
}

impl Context<'_> {
    /// Returns the per-call deadline from `--timeout` or the config file.
    pub fn timeout(&self) -> Option<std::time::Duration> {
        Some(self.connector.settings().timeout)
    }
}

/// Runs one parsed command.
pub async fn run(command: Command, context: &mut Context<'_>) -> Result<()> {
    match command {
        Command::Attach(args) => attach::attach(args, context).await,
        Command::Checkpoint(args) => container_update::checkpoint(args, context).await,
        Command::Completion(args) => completion::run(args, context.out),
        Command::Config(args) => {
            let path = context.connector.settings().config_path.clone();
            config::run(args, &path, context.out)
        }
        Command::Create(args) => container_lifecycle::create(args, context).await,
        Command::Events(args) => events::events(args, context).await,
        Command::Exec(args) => exec::exec(args, context).await,
        Command::Imagefsinfo(args) => images::imagefsinfo(args, context).await,
        Command::Images(args) => images::images(args, context).await,
        Command::Info(args) => info::info(args, context).await,
        Command::Inspect(args) => containers::inspect(args, context).await,
        Command::Inspecti(args) => images::inspecti(args, context).await,
        Command::Inspectp(args) => pods::inspectp(args, context).await,
        Command::Logs(args) => logs::logs(args, context).await,
        Command::Metricdescs(args) => metrics::metricdescs(args, context).await,
        Command::Metricsp(args) => metrics::metricsp(args, context).await,
        Command::PortForward(args) => port_forward::port_forward(args, context).await,
        Command::Pods(args) => pods::pods(args, context).await,
        Command::Ps(args) => containers::ps(args, context).await,
        Command::Pull(args) => image_lifecycle::pull(args, context).await,
        Command::Rm(args) => container_lifecycle::rm(args, context).await,
        Command::Rmi(args) => image_lifecycle::rmi(args, context).await,
        Command::Rmp(args) => pod_lifecycle::rmp(args, context).await,
        Command::Run(args) => run::run(args, context).await,
        Command::Runp(args) => pod_lifecycle::runp(args, context).await,
        Command::RuntimeConfig(args) => info::runtime_config(args, context).await,
        Command::Start(args) => container_lifecycle::start(args, context).await,
        Command::Stats(args) => stats::stats(args, context).await,
        Command::Statsp(args) => stats::statsp(args, context).await,
        Command::Stop(args) => container_lifecycle::stop(args, context).await,
        Command::Stopp(args) => pod_lifecycle::stopp(args, context).await,
        Command::Update(args) => container_update::update(args, context).await,
        Command::UpdateRuntimeConfig(args) => info::update_runtime_config(args, context).await,
        Command::Version(args) => info::version(args, context).await,
    }
}

/// Returns the current time in nanoseconds since the Unix epoch, the unit
/// CRI uses for every timestamp.
pub fn now_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Formats the "CREATED" text of tables: how long ago `created_at` was, in
/// go-units' words, with " ago".
pub fn age_text(created_at: i64, now: i64) -> String {
    let seconds = (now as f64 - created_at as f64) / 1e9;
    format!("{} ago", crate::render::human::human_duration(seconds))
}
