//! The command-line grammar: global options, the subcommand list, and the
//! rewriting that lets crictl's Go-style flags (`-no-trunc`) parse.

pub mod goflags;

use clap::{Parser, Subcommand};

use crate::commands::{
    attach, completion, config, container_lifecycle, container_update, containers, events, exec,
    image_lifecycle, images, info, logs, metrics, pod_lifecycle, pods, port_forward, run, stats,
};
use crate::config::GlobalArgs;

/// A client for the Kubernetes Container Runtime Interface (CRI).
#[derive(Debug, Parser)]
#[command(
    name = "crictl",
    about = "Inspect and drive a CRI container runtime (containerd, CRI-O) from the node",
    disable_version_flag = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Config file to read [env: CRI_CONFIG_FILE] [default: /etc/crictl.yaml]
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Option<String>,

    /// Runtime service endpoint, such as unix:///run/containerd/containerd.sock [env: CONTAINER_RUNTIME_ENDPOINT]
    #[arg(short = 'r', long = "runtime-endpoint", value_name = "ENDPOINT")]
    pub runtime_endpoint: Option<String>,

    /// Image service endpoint; defaults to the runtime endpoint [env: IMAGE_SERVICE_ENDPOINT]
    #[arg(short = 'i', long = "image-endpoint", value_name = "ENDPOINT")]
    pub image_endpoint: Option<String>,

    /// Deadline for connecting and for each call, as a Go duration such as 2s or 500ms [default: 2s]
    #[arg(short = 't', long = "timeout", value_name = "DURATION", value_parser = parse_signed_duration, allow_hyphen_values = true)]
    pub timeout: Option<i64>,

    /// Log decisions, requests and replies on stderr
    #[arg(short = 'D', long = "debug")]
    pub debug: bool,

    /// Connection retries for a configured endpoint; -1 retries forever [default: 3, or 0 with a config file]
    #[arg(long = "max-retries", value_name = "N", allow_hyphen_values = true)]
    pub max_retries: Option<i64>,

    /// Accepted for compatibility; tracing is not supported and this is ignored
    #[arg(long = "enable-tracing", hide = true)]
    pub enable_tracing: bool,

    /// Accepted for compatibility and ignored
    #[arg(
        long = "tracing-sampling-rate-per-million",
        hide = true,
        allow_hyphen_values = true
    )]
    pub tracing_sampling_rate_per_million: Option<i64>,

    /// Accepted for compatibility and ignored
    #[arg(long = "tracing-endpoint", hide = true)]
    pub tracing_endpoint: Option<String>,

    /// Accepted for compatibility and ignored (Go profiling)
    #[arg(long = "profile-cpu", hide = true)]
    pub profile_cpu: Option<String>,

    /// Accepted for compatibility and ignored (Go profiling)
    #[arg(long = "profile-mem", hide = true)]
    pub profile_mem: Option<String>,

    /// Print the version and exit
    #[arg(short = 'v', long = "version")]
    pub version: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Returns the global options in the form settings resolution takes.
    pub fn global_args(&self) -> GlobalArgs {
        GlobalArgs {
            config: self.config.clone(),
            runtime_endpoint: self.runtime_endpoint.clone(),
            image_endpoint: self.image_endpoint.clone(),
            timeout: self.timeout,
            debug: self.debug,
            max_retries: self.max_retries,
        }
    }
}

fn parse_signed_duration(text: &str) -> Result<i64, String> {
    crate::godur::parse_nanos(text).map_err(|error| error.to_string())
}

/// The subcommands, listed alphabetically in help as crictl lists them.
///
/// Each subcommand's arguments are defined only once it is the one being
/// parsed: building all of them costs more than the rest of start-up.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Attach to a running container
    Attach(attach::AttachArgs),
    /// Checkpoint one or more running containers
    Checkpoint(container_update::CheckpointArgs),
    /// Print a shell completion script (bash, zsh or fish)
    Completion(completion::CompletionArgs),
    /// Get and set crictl.yaml options
    Config(config::ConfigArgs),
    /// Create a new container in a pod sandbox
    Create(container_lifecycle::CreateArgs),
    /// Print container lifecycle events as the runtime reports them
    #[command(visible_alias = "event")]
    Events(events::EventsArgs),
    /// Run a command in a running container
    Exec(exec::ExecArgs),
    /// Show the image filesystem usage
    Imagefsinfo(images::ImageFsInfoArgs),
    /// List images
    #[command(visible_aliases = ["image", "img"])]
    Images(images::ImagesArgs),
    /// Show the runtime's status and configuration
    Info(info::InfoArgs),
    /// Show the status of one or more containers
    Inspect(containers::InspectArgs),
    /// Show the status of one or more images
    Inspecti(images::InspectiArgs),
    /// Show the status of one or more pod sandboxes
    Inspectp(pods::InspectpArgs),
    /// Print the log of a container
    Logs(logs::LogsArgs),
    /// List the descriptions of the metrics the runtime offers
    Metricdescs(metrics::MetricdescsArgs),
    /// List the metrics of pods and their containers
    Metricsp(metrics::MetricspArgs),
    /// Forward local ports to a pod sandbox
    PortForward(port_forward::PortForwardArgs),
    /// List pod sandboxes
    Pods(pods::PodsArgs),
    /// List containers
    Ps(containers::PsArgs),
    /// Pull an image from a registry
    Pull(image_lifecycle::PullArgs),
    /// Remove one or more containers
    Rm(container_lifecycle::RmArgs),
    /// Remove one or more images
    Rmi(image_lifecycle::RmiArgs),
    /// Remove one or more pod sandboxes
    Rmp(pod_lifecycle::RmpArgs),
    /// Run a new container in a new pod sandbox
    Run(run::RunArgs),
    /// Run a new pod sandbox
    Runp(pod_lifecycle::RunpArgs),
    /// Show the runtime's node-wide configuration
    RuntimeConfig(info::RuntimeConfigArgs),
    /// Start one or more created containers
    Start(container_lifecycle::StartArgs),
    /// Show the resource usage of containers
    Stats(stats::StatsArgs),
    /// Show the resource usage of pods
    Statsp(stats::StatspArgs),
    /// Stop one or more running containers
    Stop(container_lifecycle::StopArgs),
    /// Stop one or more running pod sandboxes
    Stopp(pod_lifecycle::StoppArgs),
    /// Update the resources of one or more running containers
    Update(container_update::UpdateArgs),
    /// Send the node's pod CIDR to the runtime
    UpdateRuntimeConfig(info::UpdateRuntimeConfigArgs),
    /// Show the runtime's name and version
    Version(info::VersionArgs),
}

impl Command {
    /// Returns the subcommand's name, for its help text.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Attach(_) => "attach",
            Command::Checkpoint(_) => "checkpoint",
            Command::Completion(_) => "completion",
            Command::Config(_) => "config",
            Command::Create(_) => "create",
            Command::Events(_) => "events",
            Command::Exec(_) => "exec",
            Command::Imagefsinfo(_) => "imagefsinfo",
            Command::Images(_) => "images",
            Command::Info(_) => "info",
            Command::Inspect(_) => "inspect",
            Command::Inspecti(_) => "inspecti",
            Command::Inspectp(_) => "inspectp",
            Command::Logs(_) => "logs",
            Command::Metricdescs(_) => "metricdescs",
            Command::Metricsp(_) => "metricsp",
            Command::PortForward(_) => "port-forward",
            Command::Pods(_) => "pods",
            Command::Ps(_) => "ps",
            Command::Pull(_) => "pull",
            Command::Rm(_) => "rm",
            Command::Rmi(_) => "rmi",
            Command::Rmp(_) => "rmp",
            Command::Run(_) => "run",
            Command::Runp(_) => "runp",
            Command::RuntimeConfig(_) => "runtime-config",
            Command::Start(_) => "start",
            Command::Stats(_) => "stats",
            Command::Statsp(_) => "statsp",
            Command::Stop(_) => "stop",
            Command::Stopp(_) => "stopp",
            Command::Update(_) => "update",
            Command::UpdateRuntimeConfig(_) => "update-runtime-config",
            Command::Version(_) => "version",
        }
    }

    /// Whether the command repeats until it is stopped (`--watch` of
    /// `stats`, `statsp` and `metricsp`, and `logs -f`). crictl ends those
    /// with status 0 on Ctrl-C, since a signal is their normal end.
    pub fn watches(&self) -> bool {
        match self {
            Command::Logs(args) => args.follow,
            Command::Stats(args) => args.watch,
            Command::Statsp(args) => args.watch,
            Command::Metricsp(args) => args.watch,
            _ => false,
        }
    }
}
