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

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
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
pub async fn run<'a>(command: Command, context: &'a mut Context<'_>) -> Result<()> {
    // Each command's future is boxed apart. Inline, this function's future
    // would be as large as the largest command's (about 50 KiB), and tokio's
    // `block_on` would copy all of it from the stack to the heap on every run.
    let future: CommandFuture<'a> = match command {
        Command::Attach(args) => Box::pin(attach::attach(args, context)),
        Command::Checkpoint(args) => Box::pin(container_update::checkpoint(args, context)),
        Command::Completion(args) => return completion::run(args, context.out),
        Command::Config(args) => {
            let path = context.connector.settings().config_path.clone();
            return config::run(args, &path, context.out);
        }
        Command::Create(args) => Box::pin(container_lifecycle::create(args, context)),
        Command::Events(args) => Box::pin(events::events(args, context)),
        Command::Exec(args) => Box::pin(exec::exec(args, context)),
        Command::Imagefsinfo(args) => Box::pin(images::imagefsinfo(args, context)),
        Command::Images(args) => Box::pin(images::images(args, context)),
        Command::Info(args) => Box::pin(info::info(args, context)),
        Command::Inspect(args) => Box::pin(containers::inspect(args, context)),
        Command::Inspecti(args) => Box::pin(images::inspecti(args, context)),
        Command::Inspectp(args) => Box::pin(pods::inspectp(args, context)),
        Command::Logs(args) => Box::pin(logs::logs(args, context)),
        Command::Metricdescs(args) => Box::pin(metrics::metricdescs(args, context)),
        Command::Metricsp(args) => Box::pin(metrics::metricsp(args, context)),
        Command::PortForward(args) => Box::pin(port_forward::port_forward(args, context)),
        Command::Pods(args) => Box::pin(pods::pods(args, context)),
        Command::Ps(args) => Box::pin(containers::ps(args, context)),
        Command::Pull(args) => Box::pin(image_lifecycle::pull(args, context)),
        Command::Rm(args) => Box::pin(container_lifecycle::rm(args, context)),
        Command::Rmi(args) => Box::pin(image_lifecycle::rmi(args, context)),
        Command::Rmp(args) => Box::pin(pod_lifecycle::rmp(args, context)),
        Command::Run(args) => Box::pin(run::run(args, context)),
        Command::Runp(args) => Box::pin(pod_lifecycle::runp(args, context)),
        Command::RuntimeConfig(args) => Box::pin(info::runtime_config(args, context)),
        Command::Start(args) => Box::pin(container_lifecycle::start(args, context)),
        Command::Stats(args) => Box::pin(stats::stats(args, context)),
        Command::Statsp(args) => Box::pin(stats::statsp(args, context)),
        Command::Stop(args) => Box::pin(container_lifecycle::stop(args, context)),
        Command::Stopp(args) => Box::pin(pod_lifecycle::stopp(args, context)),
        Command::Update(args) => Box::pin(container_update::update(args, context)),
        Command::UpdateRuntimeConfig(args) => Box::pin(info::update_runtime_config(args, context)),
        Command::Version(args) => Box::pin(info::version(args, context)),
    };
    future.await
}

/// The future of one command, boxed.
type CommandFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + 'a>>;

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
