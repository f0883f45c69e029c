//! The subcommands: one table gives each one's name, help line, aliases and
//! arguments, and both the full command tree and the tree of a single
//! subcommand are built from it.

use clap::{ArgMatches, FromArgMatches, error::ErrorKind};

use crate::commands::{
    attach, completion, config, container_lifecycle, container_update, containers, events, exec,
    image_lifecycle, images, info, logs, metrics, pod_lifecycle, pods, port_forward, run, stats,
};

/// A parsed subcommand with its arguments. The help line of each is in
/// [`SUBCOMMANDS`].
#[derive(Debug)]
pub enum Command {
    Attach(attach::AttachArgs),
    Checkpoint(container_update::CheckpointArgs),
    Completion(completion::CompletionArgs),
    Config(config::ConfigArgs),
    Create(container_lifecycle::CreateArgs),
    Events(events::EventsArgs),
    Exec(exec::ExecArgs),
    Imagefsinfo(images::ImageFsInfoArgs),
    Images(images::ImagesArgs),
    Info(info::InfoArgs),
    Inspect(containers::InspectArgs),
    Inspecti(images::InspectiArgs),
    Inspectp(pods::InspectpArgs),
    Logs(logs::LogsArgs),
    Metricdescs(metrics::MetricdescsArgs),
    Metricsp(metrics::MetricspArgs),
    PortForward(port_forward::PortForwardArgs),
    Pods(pods::PodsArgs),
    Ps(containers::PsArgs),
    Pull(image_lifecycle::PullArgs),
    Rm(container_lifecycle::RmArgs),
    Rmi(image_lifecycle::RmiArgs),
    Rmp(pod_lifecycle::RmpArgs),
    Run(run::RunArgs),
    Runp(pod_lifecycle::RunpArgs),
    RuntimeConfig(info::RuntimeConfigArgs),
    Start(container_lifecycle::StartArgs),
    Stats(stats::StatsArgs),
    Statsp(stats::StatspArgs),
    Stop(container_lifecycle::StopArgs),
    Stopp(pod_lifecycle::StoppArgs),
    Update(container_update::UpdateArgs),
    UpdateRuntimeConfig(info::UpdateRuntimeConfigArgs),
    Version(info::VersionArgs),
}

/// The definition of one subcommand.
pub struct Spec {
    pub name: &'static str,
    /// The line that describes it in `crictl --help`.
    pub about: &'static str,
    /// Other names that select it, shown in help.
    pub aliases: &'static [&'static str],
    /// Adds its arguments to a `clap::Command`.
    define: fn(clap::Command) -> clap::Command,
    /// Reads its arguments back from what clap matched.
    read: fn(&mut ArgMatches) -> Result<Command, clap::Error>,
}

/// Writes one [`Spec`]: the variant, its argument type, the name, the help
/// line, then any aliases.
macro_rules! spec {
    ($variant:ident, $args:ty, $name:literal, $about:literal $(, alias $alias:literal)*) => {
        Spec {
            name: $name,
            about: $about,
            aliases: &[$($alias),*],
            // The argument struct's own doc comment would replace the help
            // line, so the line is set again after its arguments.
            define: |command| {
                <$args as clap::Args>::augment_args(command)
                    .about($about)
                    .long_about(None)
            },
            read: |matches| {
                <$args as FromArgMatches>::from_arg_matches_mut(matches).map(Command::$variant)
            },
        }
    };
}

/// Every subcommand, in the alphabetical order crictl's help lists them.
pub const SUBCOMMANDS: &[Spec] = &[
    spec!(
        Attach,
        attach::AttachArgs,
        "attach",
        "Attach to a running container"
    ),
    spec!(
        Checkpoint,
        container_update::CheckpointArgs,
        "checkpoint",
        "Checkpoint one or more running containers"
    ),
    spec!(
        Completion,
        completion::CompletionArgs,
        "completion",
        "Print a shell completion script (bash, zsh or fish)"
    ),
    spec!(
        Config,
        config::ConfigArgs,
        "config",
        "Get and set crictl.yaml options"
    ),
    spec!(
        Create,
        container_lifecycle::CreateArgs,
        "create",
        "Create a new container in a pod sandbox"
    ),
    spec!(Events, events::EventsArgs, "events", "Print container lifecycle events as the runtime reports them", alias "event"),
    spec!(
        Exec,
        exec::ExecArgs,
        "exec",
        "Run a command in a running container"
    ),
    spec!(
        Imagefsinfo,
        images::ImageFsInfoArgs,
        "imagefsinfo",
        "Show the image filesystem usage"
    ),
    spec!(Images, images::ImagesArgs, "images", "List images", alias "image", alias "img"),
    spec!(
        Info,
        info::InfoArgs,
        "info",
        "Show the runtime's status and configuration"
    ),
    spec!(
        Inspect,
        containers::InspectArgs,
        "inspect",
        "Show the status of one or more containers"
    ),
    spec!(
        Inspecti,
        images::InspectiArgs,
        "inspecti",
        "Show the status of one or more images"
    ),
    spec!(
        Inspectp,
        pods::InspectpArgs,
        "inspectp",
        "Show the status of one or more pod sandboxes"
    ),
    spec!(Logs, logs::LogsArgs, "logs", "Print the log of a container"),
    spec!(
        Metricdescs,
        metrics::MetricdescsArgs,
        "metricdescs",
        "List the descriptions of the metrics the runtime offers"
    ),
    spec!(
        Metricsp,
        metrics::MetricspArgs,
        "metricsp",
        "List the metrics of pods and their containers"
    ),
    spec!(
        PortForward,
        port_forward::PortForwardArgs,
        "port-forward",
        "Forward local ports to a pod sandbox"
    ),
    spec!(Pods, pods::PodsArgs, "pods", "List pod sandboxes"),
    spec!(Ps, containers::PsArgs, "ps", "List containers"),
    spec!(
        Pull,
        image_lifecycle::PullArgs,
        "pull",
        "Pull an image from a registry"
    ),
    spec!(
        Rm,
        container_lifecycle::RmArgs,
        "rm",
        "Remove one or more containers"
    ),
    spec!(
        Rmi,
        image_lifecycle::RmiArgs,
        "rmi",
        "Remove one or more images"
    ),
    spec!(
        Rmp,
        pod_lifecycle::RmpArgs,
        "rmp",
        "Remove one or more pod sandboxes"
    ),
    spec!(
        Run,
        run::RunArgs,
        "run",
        "Run a new container in a new pod sandbox"
    ),
    spec!(
        Runp,
        pod_lifecycle::RunpArgs,
        "runp",
        "Run a new pod sandbox"
    ),
    spec!(
        RuntimeConfig,
        info::RuntimeConfigArgs,
        "runtime-config",
        "Show the runtime's node-wide configuration"
    ),
    spec!(
        Start,
        container_lifecycle::StartArgs,
        "start",
        "Start one or more created containers"
    ),
    spec!(
        Stats,
        stats::StatsArgs,
        "stats",
        "Show the resource usage of containers"
    ),
    spec!(
        Statsp,
        stats::StatspArgs,
        "statsp",
        "Show the resource usage of pods"
    ),
    spec!(
        Stop,
        container_lifecycle::StopArgs,
        "stop",
        "Stop one or more running containers"
    ),
    spec!(
        Stopp,
        pod_lifecycle::StoppArgs,
        "stopp",
        "Stop one or more running pod sandboxes"
    ),
    spec!(
        Update,
        container_update::UpdateArgs,
        "update",
        "Update the resources of one or more running containers"
    ),
    spec!(
        UpdateRuntimeConfig,
        info::UpdateRuntimeConfigArgs,
        "update-runtime-config",
        "Send the node's pod CIDR to the runtime"
    ),
    spec!(
        Version,
        info::VersionArgs,
        "version",
        "Show the runtime's name and version"
    ),
];

impl Spec {
    /// Returns the subcommand whose name or alias is `word`.
    pub fn find(word: &str) -> Option<&'static Spec> {
        SUBCOMMANDS
            .iter()
            .find(|spec| spec.name == word || spec.aliases.contains(&word))
    }

    /// Returns the subcommand's definition with its arguments deferred.
    /// They are defined only when it is parsed or its help is shown, so a
    /// full tree stays cheap to build.
    pub fn deferred(&self) -> clap::Command {
        self.header().defer(self.define)
    }

    /// Returns the subcommand's definition with its arguments in place.
    pub fn defined(&self) -> clap::Command {
        (self.define)(self.header())
    }

    fn header(&self) -> clap::Command {
        clap::Command::new(self.name)
            .about(self.about)
            .long_about(None)
            .visible_aliases(self.aliases)
    }
}

impl clap::Subcommand for Command {
    fn augment_subcommands(command: clap::Command) -> clap::Command {
        command.subcommands(SUBCOMMANDS.iter().map(Spec::deferred))
    }

    fn augment_subcommands_for_update(command: clap::Command) -> clap::Command {
        Self::augment_subcommands(command)
    }

    fn has_subcommand(name: &str) -> bool {
        SUBCOMMANDS.iter().any(|spec| spec.name == name)
    }
}

impl FromArgMatches for Command {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, mut sub_matches)) = matches.remove_subcommand() else {
            return Err(clap::Error::raw(
                ErrorKind::MissingSubcommand,
                "a subcommand is required but one was not provided",
            ));
        };
        match Spec::find(&name) {
            Some(spec) => (spec.read)(&mut sub_matches),
            None => Err(clap::Error::raw(
                ErrorKind::InvalidSubcommand,
                format!("the subcommand '{name}' wasn't recognized"),
            )),
        }
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Command {
    /// Returns whether the command repeats until it is stopped (`--watch`
    /// of `stats`, `statsp` and `metricsp`, and `logs -f`). crictl ends
    /// those with status 0 on Ctrl-C, since a signal is their normal end.
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
