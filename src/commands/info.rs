//! `version` and `info`: what the runtime is, and whether it is ready.

use clap::Args;
use serde_json::{Map, Value};

use super::Context;
use super::output::{self, Format};
use crate::error::{Error, Result};
use crate::proto::{cri, json};
use crate::transport::{call, request};

/// Arguments of `version`.
#[derive(Debug, Args)]
pub struct VersionArgs {}

/// Prints the runtime's name and version, and the CRI version it speaks.
pub async fn version(_args: VersionArgs, context: &mut Context<'_>) -> Result<()> {
    let timeout = context.timeout();
    let (_, reply) = context
        .connector
        .runtime_then(|mut client| async move {
            call(
                timeout,
                client.version(request(
                    cri::VersionRequest {
                        version: "v1".to_owned(),
                    },
                    timeout,
                )),
            )
            .await
            .map_err(|status| Error::rpc("getting the runtime version", status))
        })
        .await?;

    let missing: Vec<&str> = [
        ("Version", &reply.version),
        ("RuntimeName", &reply.runtime_name),
        ("RuntimeVersion", &reply.runtime_version),
        ("RuntimeApiVersion", &reply.runtime_api_version),
    ]
    .iter()
    .filter(|(_, value)| value.is_empty())
    .map(|(name, _)| *name)
    .collect();
    if !missing.is_empty() {
        return Err(Error::Runtime(format!(
            "the runtime's version reply is incomplete: {} not set",
            missing.join(", ")
        )));
    }

    // Two spaces after each colon, as crictl prints them.
    let text = format!(
        "Version:  {}\nRuntimeName:  {}\nRuntimeVersion:  {}\nRuntimeApiVersion:  {}\n",
        reply.version, reply.runtime_name, reply.runtime_version, reply.runtime_api_version
    );
    output::write_text(context.out, &text)
}

/// Arguments of `info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Output format: json, yaml or go-template
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Leave out the runtime's verbose details
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Go template for -o go-template
    #[arg(long = "template", default_value = "")]
    pub template: String,
}

/// Prints the runtime's conditions, handlers, features and verbose info.
pub async fn info(args: InfoArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(
        &args.output,
        &[Format::Json, Format::Yaml, Format::GoTemplate],
    )?;
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let reply = call(
        timeout,
        client.status(request(
            cri::StatusRequest {
                verbose: !args.quiet,
            },
            timeout,
        )),
    )
    .await
    .map_err(|status| Error::rpc("getting the runtime status", status))?;

    let status = reply.status.as_ref().map_or(Value::Null, |status| {
        json::to_json("runtime.v1.RuntimeStatus", status)
    });
    let mut document = output::status_document(status, &reply.info);
    if let Value::Object(object) = &mut document {
        if !reply.runtime_handlers.is_empty() {
            let handlers = reply.runtime_handlers.iter().map(handler_json).collect();
            object.insert("runtimeHandlers".to_owned(), Value::Array(handlers));
        }
        if let Some(features) = &reply.features {
            let mut map = Map::new();
            if features.supplemental_groups_policy {
                map.insert("supplemental_groups_policy".to_owned(), Value::Bool(true));
            }
            object.insert("features".to_owned(), Value::Object(map));
        }
    }
    output::write_documents(context.out, format, &args.template, vec![document])
}

/// A runtime handler as crictl prints it: snake_case keys, with empty names
/// and false features left out.
fn handler_json(handler: &cri::RuntimeHandler) -> Value {
    let mut object = Map::new();
    if let Some(features) = &handler.features {
        let mut map = Map::new();
        if features.recursive_read_only_mounts {
            map.insert("recursive_read_only_mounts".to_owned(), Value::Bool(true));
        }
        if features.user_namespaces {
            map.insert("user_namespaces".to_owned(), Value::Bool(true));
        }
        object.insert("features".to_owned(), Value::Object(map));
    }
    if !handler.name.is_empty() {
        object.insert("name".to_owned(), Value::String(handler.name.clone()));
    }
    Value::Object(object)
}

/// Arguments of `runtime-config`.
#[derive(Debug, Args)]
pub struct RuntimeConfigArgs {}

/// Prints the runtime's node-wide settings: the cgroup driver.
pub async fn runtime_config(_args: RuntimeConfigArgs, context: &mut Context<'_>) -> Result<()> {
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let reply = call(
        timeout,
        client.runtime_config(request(cri::RuntimeConfigRequest::default(), timeout)),
    )
    .await
    .map_err(|status| Error::rpc("getting the runtime config", status))?;
    let Some(linux) = reply.linux else {
        return Ok(());
    };
    let driver = cri::CgroupDriver::try_from(linux.cgroup_driver).map_or_else(
        |_| linux.cgroup_driver.to_string(),
        |d| d.as_str_name().to_owned(),
    );
    // crictl prints one row of a table with a minimum column width of 10.
    let mut table = crate::render::table::Table::new(10);
    table.push_row(vec!["cgroup driver:".to_owned(), driver]);
    table
        .write_to(context.out)
        .map_err(|source| Error::io("writing output", source))
}

/// Arguments of `update-runtime-config`.
#[derive(Debug, Args)]
pub struct UpdateRuntimeConfigArgs {
    /// Pod CIDR of the node, such as 10.244.0.0/16
    #[arg(short = 'p', long = "pod-cidr", value_name = "CIDR")]
    pub pod_cidr: Option<String>,
}

/// Sends the node's pod CIDR to the runtime.
pub async fn update_runtime_config(
    args: UpdateRuntimeConfigArgs,
    context: &mut Context<'_>,
) -> Result<()> {
    let Some(pod_cidr) = args.pod_cidr else {
        return Err(Error::Help {
            command: "update-runtime-config",
            message: None,
        });
    };
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    call(
        timeout,
        client.update_runtime_config(request(
            cri::UpdateRuntimeConfigRequest {
                runtime_config: Some(cri::RuntimeConfig {
                    network_config: Some(cri::NetworkConfig { pod_cidr }),
                }),
            },
            timeout,
        )),
    )
    .await
    .map_err(|status| Error::rpc("updating the runtime config", status))?;
    crate::diag::info("runtime config updated");
    Ok(())
}
