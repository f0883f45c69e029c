//! `run`: a pod sandbox and one container in it, created and started in one
//! step.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::container_lifecycle::{create_container, pull_for_container, start_container};
use super::image_lifecycle::{self, AuthArgs};
use super::output::write_text;
use super::pod_lifecycle::{parse_duration, run_pod};
use super::{Context, manifest};
use crate::error::{Error, Result};

/// Arguments of `run`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RunArgs {
    #[command(subcommand)]
    pub schema: Option<super::schema::SchemaCommand>,

    /// Do not pull the image
    #[arg(long = "no-pull")]
    pub no_pull: bool,

    /// Pull the image even when the config file disables pulling on run
    #[arg(long = "with-pull")]
    pub with_pull: bool,

    /// Runtime handler to run the pod with, such as runc or kata
    #[arg(short = 'r', long = "runtime", default_value = "")]
    pub runtime: String,

    /// Deadline for the runtime calls in place of --timeout, as a Go duration
    #[arg(short = 'T', long = "cancel-timeout", value_parser = parse_duration)]
    pub cancel_timeout: Option<Duration>,

    /// Deadline for pulling the image, as a Go duration; none by default
    #[arg(long = "pull-timeout", visible_alias = "pt", value_parser = parse_duration, env = "CRICTL_PULL_TIMEOUT")]
    pub pull_timeout: Option<Duration>,

    #[command(flatten)]
    pub auth: AuthArgs,

    /// Container config file (JSON or YAML)
    #[arg(value_name = "CONTAINER-CONFIG", required = true)]
    pub container_config: Option<PathBuf>,

    /// Pod sandbox config file (JSON or YAML)
    #[arg(value_name = "POD-CONFIG", required = true)]
    pub pod_config: Option<PathBuf>,
}

/// Runs a pod, pulls the image unless pulling is off, creates and starts the
/// container, and prints the container's ID.
pub async fn run(args: RunArgs, context: &mut Context<'_>) -> Result<()> {
    if let Some(super::schema::SchemaCommand::JsonSchema(schema)) = &args.schema {
        return super::schema::print("run", super::schema::Schemas::Chosen, schema, context.out);
    }
    let (Some(container_path), Some(pod_path)) = (&args.container_config, &args.pod_config) else {
        return Err(Error::Help {
            command: "run",
            message: None,
        });
    };
    if args.no_pull && args.with_pull {
        return Err(Error::Invalid(
            "--no-pull and --with-pull contradict each other; give one".to_owned(),
        ));
    }
    let settings = context.connector.settings().clone();
    let pull = (!settings.disable_pull_on_run && !args.no_pull) || args.with_pull;
    let container_config = manifest::load_container_config(container_path)?;
    let pod_config = manifest::load_pod_config(pod_path)?;
    let auth = if pull {
        image_lifecycle::resolve_auth(&args.auth, context.out)?
    } else {
        None
    };

    let mut image = if pull {
        Some(context.connector.image().await?)
    } else {
        None
    };
    let timeout = args
        .cancel_timeout
        .filter(|t| !t.is_zero())
        .unwrap_or(settings.timeout);
    let mut runtime = context.connector.runtime_with_timeout(timeout).await?;

    let pod_id = run_pod(&mut runtime, pod_config.clone(), &args.runtime, timeout).await?;
    // Past this point the pod exists. Any error names it, because it is
    // left behind (as crictl leaves it) and the user has to remove it.
    let after_pod = |error: Error| {
        Error::Runtime(format!(
            "{error}; pod sandbox {pod_id} was created and is left in place (remove it with `crictl rmp -f {pod_id}`)"
        ))
    };
    if let Some(image) = &mut image {
        pull_for_container(
            image,
            &container_config,
            &pod_config,
            auth,
            args.pull_timeout,
        )
        .await
        .map_err(after_pod)?;
    }
    let container_id =
        create_container(&mut runtime, &pod_id, container_config, pod_config, timeout)
            .await
            .map_err(after_pod)?;
    start_container(&mut runtime, &container_id, Some(timeout))
        .await
        .map_err(after_pod)?;
    write_text(context.out, &format!("{container_id}\n"))
}
