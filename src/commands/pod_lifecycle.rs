//! `runp`, `stopp` and `rmp`: starting, stopping and removing pod sandboxes.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::output::write_text;
use super::{Context, listing, manifest};
use crate::error::{Error, Failures, Result};
use crate::proto::cri;
use crate::transport::{RuntimeClient, call, request};

/// Arguments of `runp`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RunpArgs {
    #[command(subcommand)]
    pub schema: Option<super::schema::SchemaCommand>,

    /// Runtime handler to run the pod with, such as runc or kata
    #[arg(short = 'r', long = "runtime", default_value = "")]
    pub runtime: String,

    /// Deadline for the runtime calls in place of --timeout, as a Go duration
    #[arg(short = 'T', long = "cancel-timeout", value_parser = parse_duration)]
    pub cancel_timeout: Option<Duration>,

    /// Pod sandbox config file (JSON or YAML)
    #[arg(value_name = "POD-CONFIG", required = true)]
    pub config: Option<PathBuf>,
}

pub(crate) fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    crate::godur::parse_duration(text).map_err(|error| error.to_string())
}

/// Runs a pod sandbox and prints its ID.
pub async fn runp(args: RunpArgs, context: &mut Context<'_>) -> Result<()> {
    if let Some(super::schema::SchemaCommand::JsonSchema(schema)) = &args.schema {
        return super::schema::print("runp", super::schema::Schemas::Pod, schema, context.out);
    }
    let Some(path) = &args.config else {
        return Err(Error::Help {
            command: "runp",
            message: None,
        });
    };
    let config = manifest::load_pod_config(path)?;
    let timeout = args
        .cancel_timeout
        .filter(|t| !t.is_zero())
        .unwrap_or(context.connector.settings().timeout);
    let mut client = context.connector.runtime_with_timeout(timeout).await?;
    let id = run_pod(&mut client, config, &args.runtime, timeout).await?;
    write_text(context.out, &format!("{id}\n"))
}

/// Makes the `RunPodSandbox` call, whose deadline is twice the usual one
/// because it creates the network namespace and starts the pause container.
pub async fn run_pod(
    client: &mut RuntimeClient,
    config: cri::PodSandboxConfig,
    runtime_handler: &str,
    timeout: Duration,
) -> Result<String> {
    let name = config
        .metadata
        .as_ref()
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let deadline = Some(timeout * 2);
    let reply = call(
        deadline,
        client.run_pod_sandbox(request(
            cri::RunPodSandboxRequest {
                config: Some(config),
                runtime_handler: runtime_handler.to_owned(),
            },
            deadline,
        )),
    )
    .await
    .map_err(|status| Error::rpc(format!("running pod sandbox {name:?}"), status))?;
    if reply.pod_sandbox_id.is_empty() {
        return Err(Error::Runtime(format!(
            "the runtime returned no ID for pod sandbox {name:?}"
        )));
    }
    Ok(reply.pod_sandbox_id)
}

/// Arguments of `stopp`.
#[derive(Debug, Args)]
pub struct StoppArgs {
    /// Pod sandbox IDs
    #[arg(
        value_name = "POD-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Stops pod sandboxes one by one, stopping at the first failure.
pub async fn stopp(args: StoppArgs, context: &mut Context<'_>) -> Result<()> {
    if args.ids.is_empty() {
        return Err(Error::Help {
            command: "stopp",
            message: None,
        });
    }
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    for id in &args.ids {
        stop_pod(&mut client, id, timeout).await?;
        write_text(context.out, &format!("Stopped sandbox {id}\n"))?;
    }
    Ok(())
}

async fn stop_pod(client: &mut RuntimeClient, id: &str, timeout: Option<Duration>) -> Result<()> {
    call(
        timeout,
        client.stop_pod_sandbox(request(
            cri::StopPodSandboxRequest {
                pod_sandbox_id: id.to_owned(),
            },
            timeout,
        )),
    )
    .await
    .map(drop)
    .map_err(|status| Error::rpc(format!("stopping pod sandbox {id:?}"), status))
}

/// Arguments of `rmp`.
#[derive(Debug, Args)]
pub struct RmpArgs {
    /// Stop ready pods before removing them
    #[arg(short = 'f', long = "force")]
    pub force: bool,

    /// Remove every pod sandbox
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Pod sandbox IDs
    #[arg(
        value_name = "POD-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Removes pod sandboxes concurrently; every failure is reported, and the
/// output lists each pod's steps in argument order.
pub async fn rmp(args: RmpArgs, context: &mut Context<'_>) -> Result<()> {
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let ids = if args.all {
        listing::pods(&mut client, cri::PodSandboxFilter::default(), timeout)
            .await
            .map_err(|status| Error::rpc("listing pod sandboxes", status))?
            .into_iter()
            .map(|pod| pod.id)
            .collect()
    } else {
        args.ids.clone()
    };
    if ids.is_empty() {
        if args.all {
            crate::diag::info("no pod sandboxes to remove");
            return Ok(());
        }
        return Err(Error::Help {
            command: "rmp",
            message: None,
        });
    }

    let tasks = ids.iter().map(|id| {
        let client = client.clone();
        remove_pod(client, id.clone(), args.force, timeout)
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

/// Removes one pod, returning the lines to print and the outcome.
async fn remove_pod(
    mut client: RuntimeClient,
    id: String,
    force: bool,
    timeout: Option<Duration>,
) -> (String, Result<()>) {
    let mut lines = String::new();
    let result = async {
        let reply = call(
            timeout,
            client.pod_sandbox_status(request(
                cri::PodSandboxStatusRequest {
                    pod_sandbox_id: id.clone(),
                    verbose: false,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of pod {id:?}"), status))?;
        let ready = reply
            .status
            .is_some_and(|s| s.state == cri::PodSandboxState::SandboxReady as i32);
        if ready {
            if !force {
                return Err(Error::Invalid(format!(
                    "pod sandbox {id:?} is ready (running); stop it first with `crictl stopp` or pass --force"
                )));
            }
            stop_pod(&mut client, &id, timeout).await?;
            lines.push_str(&format!("Stopped sandbox {id}\n"));
        }
        call(
            timeout,
            client.remove_pod_sandbox(request(
                cri::RemovePodSandboxRequest {
                    pod_sandbox_id: id.clone(),
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("removing pod sandbox {id:?}"), status))?;
        lines.push_str(&format!("Removed sandbox {id}\n"));
        Ok(())
    }
    .await;
    (lines, result)
}
