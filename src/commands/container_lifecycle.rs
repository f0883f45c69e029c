//! `create`, `start`, `stop` and `rm`: the life of a container inside an
//! existing pod sandbox.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::image_lifecycle::{self, AuthArgs};
use super::output::write_text;
use super::pod_lifecycle::parse_duration;
use super::{Context, listing, manifest};
use crate::error::{Error, Failures, Result};
use crate::proto::cri;
use crate::transport::{ImageClient, RuntimeClient, call, request};

/// Arguments of `create`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct CreateArgs {
    #[command(subcommand)]
    pub schema: Option<super::schema::SchemaCommand>,

    /// Do not pull the image, even when the config file sets pull-image-on-create
    #[arg(long = "no-pull")]
    pub no_pull: bool,

    /// Pull the image before creating the container
    #[arg(long = "with-pull")]
    pub with_pull: bool,

    /// Deadline for the runtime calls in place of --timeout, as a Go duration
    #[arg(short = 'T', long = "cancel-timeout", value_parser = parse_duration)]
    pub cancel_timeout: Option<Duration>,

    /// Deadline for pulling the image, as a Go duration; none by default
    #[arg(long = "pull-timeout", visible_alias = "pt", value_parser = parse_duration, env = "CRICTL_PULL_TIMEOUT")]
    pub pull_timeout: Option<Duration>,

    #[command(flatten)]
    pub auth: AuthArgs,

    /// ID of the pod sandbox to create the container in
    #[arg(value_name = "POD-ID", required = true)]
    pub pod_id: Option<String>,

    /// Container config file (JSON or YAML)
    #[arg(value_name = "CONTAINER-CONFIG", required = true)]
    pub container_config: Option<PathBuf>,

    /// Config file of the pod sandbox (JSON or YAML)
    #[arg(value_name = "POD-CONFIG", required = true)]
    pub pod_config: Option<PathBuf>,
}

/// Creates a container and prints its ID.
pub async fn create(args: CreateArgs, context: &mut Context<'_>) -> Result<()> {
    if let Some(super::schema::SchemaCommand::JsonSchema(schema)) = &args.schema {
        return super::schema::print(
            "create",
            super::schema::Schemas::Chosen,
            schema,
            context.out,
        );
    }
    if args.no_pull && args.with_pull {
        return Err(Error::Invalid(
            "--no-pull and --with-pull contradict each other; give one".to_owned(),
        ));
    }
    let pull =
        (!args.no_pull && context.connector.settings().pull_image_on_create) || args.with_pull;
    let auth = if pull {
        image_lifecycle::resolve_auth(&args.auth, context.out)?
    } else {
        None
    };
    let (Some(pod_id), Some(container_path), Some(pod_path)) =
        (&args.pod_id, &args.container_config, &args.pod_config)
    else {
        return Err(Error::Help {
            command: "create",
            message: None,
        });
    };
    let container_config = manifest::load_container_config(container_path)?;
    let pod_config = manifest::load_pod_config(pod_path)?;

    let mut image = if pull {
        Some(context.connector.image().await?)
    } else {
        None
    };
    let timeout = args
        .cancel_timeout
        .filter(|t| !t.is_zero())
        .unwrap_or(context.connector.settings().timeout);
    let mut runtime = context.connector.runtime_with_timeout(timeout).await?;
    if let Some(image) = &mut image {
        pull_for_container(
            image,
            &container_config,
            &pod_config,
            auth,
            args.pull_timeout,
        )
        .await?;
    }
    let id = create_container(&mut runtime, pod_id, container_config, pod_config, timeout).await?;
    write_text(context.out, &format!("{id}\n"))
}

/// Pulls the container's image and the images of its image volumes.
pub async fn pull_for_container(
    client: &mut ImageClient,
    config: &cri::ContainerConfig,
    pod_config: &cri::PodSandboxConfig,
    auth: Option<cri::AuthConfig>,
    pull_timeout: Option<Duration>,
) -> Result<()> {
    let Some(image) = &config.image else {
        return Ok(());
    };
    let mut specs = vec![image.clone()];
    specs.extend(config.mounts.iter().filter_map(|mount| {
        mount
            .image
            .as_ref()
            .filter(|spec| !spec.image.is_empty())
            .cloned()
    }));
    for spec in specs {
        crate::diag::info(&format!("pulling image {}", spec.image));
        let spec = cri::ImageSpec {
            image: spec.image,
            annotations: spec.annotations,
            ..Default::default()
        };
        image_lifecycle::pull_image(
            client,
            spec,
            auth.clone(),
            Some(pod_config.clone()),
            pull_timeout,
        )
        .await?;
    }
    Ok(())
}

/// Makes the `CreateContainer` call and returns the new container's ID.
pub async fn create_container(
    client: &mut RuntimeClient,
    pod_id: &str,
    config: cri::ContainerConfig,
    pod_config: cri::PodSandboxConfig,
    timeout: Duration,
) -> Result<String> {
    let name = config
        .metadata
        .as_ref()
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let reply = call(
        Some(timeout),
        client.create_container(request(
            cri::CreateContainerRequest {
                pod_sandbox_id: pod_id.to_owned(),
                config: Some(config),
                sandbox_config: Some(pod_config),
            },
            Some(timeout),
        )),
    )
    .await
    .map_err(|status| {
        Error::rpc(
            format!("creating container {name:?} in pod {pod_id:?}"),
            status,
        )
    })?;
    if reply.container_id.is_empty() {
        return Err(Error::Runtime(format!(
            "the runtime returned no ID for container {name:?}"
        )));
    }
    Ok(reply.container_id)
}

/// Arguments of `start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// Container IDs
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Starts containers one by one, stopping at the first failure.
pub async fn start(args: StartArgs, context: &mut Context<'_>) -> Result<()> {
    if args.ids.is_empty() {
        return Err(Error::Invalid("no container ID given".to_owned()));
    }
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    for id in &args.ids {
        start_container(&mut client, id, timeout).await?;
        write_text(context.out, &format!("{id}\n"))?;
    }
    Ok(())
}

/// Makes the `StartContainer` call.
pub async fn start_container(
    client: &mut RuntimeClient,
    id: &str,
    timeout: Option<Duration>,
) -> Result<()> {
    call(
        timeout,
        client.start_container(request(
            cri::StartContainerRequest {
                container_id: id.to_owned(),
            },
            timeout,
        )),
    )
    .await
    .map(drop)
    .map_err(|status| Error::rpc(format!("starting container {id:?}"), status))
}

/// Arguments of `stop`.
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Seconds to wait after the stop signal before the container is killed
    #[arg(
        short = 't',
        long = "timeout",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub timeout: i64,

    /// Stop every running container
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Container IDs
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Stops containers one by one, stopping at the first failure.
pub async fn stop(args: StopArgs, context: &mut Context<'_>) -> Result<()> {
    if args.all && !args.ids.is_empty() {
        return Err(Error::Invalid(
            "--all stops every running container; give either --all or container IDs".to_owned(),
        ));
    }
    if !args.all && args.ids.is_empty() {
        return Err(Error::Invalid(
            "no container ID given; give at least one, or --all".to_owned(),
        ));
    }
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let ids = if args.all {
        let filter = cri::ContainerFilter {
            state: Some(cri::ContainerStateValue {
                state: cri::ContainerState::ContainerRunning as i32,
            }),
            ..Default::default()
        };
        let mut containers = listing::containers(&mut client, filter, timeout)
            .await
            .map_err(|status| Error::rpc("listing running containers", status))?;
        containers.retain(|c| c.state == cri::ContainerState::ContainerRunning as i32);
        crate::filter::sort_newest_first(&mut containers, |c| c.created_at);
        if containers.is_empty() {
            return write_text(context.out, "No running containers found.\n");
        }
        containers.into_iter().map(|c| c.id).collect()
    } else {
        args.ids.clone()
    };
    for id in &ids {
        stop_container(&mut client, id, args.timeout, timeout).await?;
        write_text(context.out, &format!("{id}\n"))?;
    }
    Ok(())
}

/// Makes the `StopContainer` call; its deadline adds the grace period.
async fn stop_container(
    client: &mut RuntimeClient,
    id: &str,
    grace_seconds: i64,
    timeout: Option<Duration>,
) -> Result<()> {
    let grace = Duration::from_secs(u64::try_from(grace_seconds).unwrap_or(0));
    let deadline = timeout.map(|t| t + grace);
    call(
        deadline,
        client.stop_container(request(
            cri::StopContainerRequest {
                container_id: id.to_owned(),
                timeout: grace_seconds,
            },
            deadline,
        )),
    )
    .await
    .map(drop)
    .map_err(|status| Error::rpc(format!("stopping container {id:?}"), status))
}

/// Arguments of `rm`.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// Stop running containers before removing them
    #[arg(short = 'f', long = "force")]
    pub force: bool,

    /// Keep the containers' log files
    #[arg(short = 'k', long = "keep-logs")]
    pub keep_logs: bool,

    /// Remove every container
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Container IDs
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Removes containers concurrently; every failure is reported, and the
/// output lists each container's steps in argument order.
pub async fn rm(args: RmArgs, context: &mut Context<'_>) -> Result<()> {
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let ids = if args.all {
        listing::containers(&mut client, cri::ContainerFilter::default(), timeout)
            .await
            .map_err(|status| Error::rpc("listing containers", status))?
            .into_iter()
            .map(|c| c.id)
            .collect()
    } else {
        args.ids.clone()
    };
    if ids.is_empty() {
        if args.all {
            crate::diag::info("no containers to remove");
            return Ok(());
        }
        return Err(Error::Help {
            command: "rm",
            message: None,
        });
    }

    let tasks = ids.iter().map(|id| {
        remove_container(
            client.clone(),
            id.clone(),
            args.force,
            args.keep_logs,
            timeout,
        )
    });
    let results = futures_util::future::join_all(tasks).await;
    let mut failures = Failures::default();
    for (lines, result) in results {
        write_text(context.out, &lines)?;
        if let Err(error) = result {
            failures.0.push(error);
        }
    }
    failures.into_result()
}

/// Removes one container, returning the lines to print and the outcome.
async fn remove_container(
    mut client: RuntimeClient,
    id: String,
    force: bool,
    keep_logs: bool,
    timeout: Option<Duration>,
) -> (String, Result<()>) {
    let mut lines = String::new();
    let result = async {
        let reply = call(
            timeout,
            client.container_status(request(
                cri::ContainerStatusRequest {
                    container_id: id.clone(),
                    verbose: false,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of container {id:?}"), status))?;
        let status = reply.status.unwrap_or_default();
        if status.state == cri::ContainerState::ContainerRunning as i32 {
            if !force {
                return Err(Error::Invalid(format!(
                    "container {id:?} is running; stop it first with `crictl stop` or pass --force"
                )));
            }
            stop_container(&mut client, &id, 0, timeout).await?;
            lines.push_str(&format!("{id}\n"));
        }
        call(
            timeout,
            client.remove_container(request(
                cri::RemoveContainerRequest {
                    container_id: id.clone(),
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("removing container {id:?}"), status))?;
        lines.push_str(&format!("{id}\n"));
        if !keep_logs && !status.log_path.is_empty() {
            remove_log_files(Path::new(&status.log_path), &id);
        }
        Ok(())
    }
    .await;
    (lines, result)
}

/// Deletes a removed container's log file and its rotated copies
/// (`<log>.*`) on this host; a failure is reported but does not fail `rm`.
fn remove_log_files(log_path: &Path, id: &str) {
    let mut files = vec![log_path.to_owned()];
    if let (Some(dir), Some(name)) = (log_path.parent(), log_path.file_name()) {
        let prefix = format!("{}.", name.to_string_lossy());
        if let Ok(entries) = std::fs::read_dir(dir) {
            files.extend(
                entries
                    .flatten()
                    .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
                    .map(|entry| entry.path()),
            );
        }
    }
    for file in files {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => crate::diag::warn(&format!(
                "cannot remove log file {} of container {id:?}: {error}",
                file.display()
            )),
        }
    }
}
