//! `metricsp` and `metricdescs`: the runtime's pod metrics and the
//! descriptions of those metrics, printed as the runtime returns them.

use std::io::IsTerminal as _;

use clap::Args;

use super::output::{self, Format};
use super::watch::{self, Screen, WATCH_INTERVAL};
use super::{Context, unsupported};
use crate::error::{Error, Result};
use crate::proto::{cri, json};
use crate::transport::{call, request};

/// Arguments of `metricsp`.
#[derive(Debug, Args)]
pub struct MetricspArgs {
    /// Output format: json or yaml
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Print the metrics again until interrupted, at most every half second
    #[arg(short = 'w', long = "watch")]
    pub watch: bool,

    /// Not accepted; crictl shows the help when given any
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub arguments: Vec<String>,
}

/// Arguments of `metricdescs`.
#[derive(Debug, Args)]
pub struct MetricdescsArgs {
    /// Output format: json or yaml
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Not accepted; crictl shows the help when given any
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub arguments: Vec<String>,
}

/// Prints the metrics of every pod and its containers.
pub async fn metricsp(args: MetricspArgs, context: &mut Context<'_>) -> Result<()> {
    let format = document_format("metricsp", &args.output, &args.arguments)?;
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let mut screen = Screen::new(context.out, std::io::stdout().is_terminal());

    let mut frame = async || -> Result<()> {
        let listed = call(
            timeout,
            client.list_pod_sandbox_metrics(request(
                cri::ListPodSandboxMetricsRequest::default(),
                timeout,
            )),
        )
        .await;
        let reply = match listed {
            Ok(reply) => reply,
            Err(status) => {
                return Err(unsupported::rpc_error(
                    &mut client,
                    timeout,
                    status,
                    "ListPodSandboxMetrics",
                    "metricsp",
                    "listing pod metrics",
                )
                .await);
            }
        };
        let document = json::to_json("runtime.v1.ListPodSandboxMetricsResponse", &reply);
        screen.append(&output::protojson_document_text(format, &document))
    };
    if args.watch {
        watch::repeat(WATCH_INTERVAL, frame).await
    } else {
        frame().await
    }
}

/// Prints the name, help text and label keys of each metric the runtime
/// offers.
pub async fn metricdescs(args: MetricdescsArgs, context: &mut Context<'_>) -> Result<()> {
    let format = document_format("metricdescs", &args.output, &args.arguments)?;
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let listed = call(
        timeout,
        client.list_metric_descriptors(request(
            cri::ListMetricDescriptorsRequest::default(),
            timeout,
        )),
    )
    .await;
    let reply = match listed {
        Ok(reply) => reply,
        Err(status) => {
            return Err(unsupported::rpc_error(
                &mut client,
                timeout,
                status,
                "ListMetricDescriptors",
                "metricdescs",
                "listing metric descriptors",
            )
            .await);
        }
    };
    let document = json::to_json("runtime.v1.ListMetricDescriptorsResponse", &reply);
    output::write_protojson(context.out, format, &document)
}

/// Checks the arguments: crictl shows the help for any argument and for an
/// output format other than json and yaml (an empty one means json).
fn document_format(command: &'static str, text: &str, arguments: &[String]) -> Result<Format> {
    if let Some(first) = arguments.first() {
        return Err(Error::Help {
            command,
            message: Some(format!("{command} takes no arguments, but got {first:?}")),
        });
    }
    match text {
        "json" | "" => Ok(Format::Json),
        "yaml" => Ok(Format::Yaml),
        other => Err(Error::Help {
            command,
            message: Some(format!(
                "unsupported output format {other:?}; use json or yaml"
            )),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_format_means_json() {
        assert_eq!(document_format("metricsp", "", &[]).unwrap(), Format::Json);
    }

    #[test]
    fn table_format_shows_help() {
        let error = document_format("metricsp", "table", &[]).unwrap_err();
        assert_eq!(error.exit_code(), 0);
        assert_eq!(
            error.to_string(),
            "unsupported output format \"table\"; use json or yaml"
        );
    }

    #[test]
    fn argument_shows_help() {
        let error = document_format("metricdescs", "json", &["x".to_owned()]).unwrap_err();
        assert_eq!(error.exit_code(), 0);
    }
}
