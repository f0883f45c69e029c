//! `pods` and `inspectp`: listing pod sandboxes and showing their status.

use clap::Args;
use serde_json::Value;

use super::output::{self, Format};
use super::{Context, listing};
use crate::error::{Error, Result};
use crate::filter;
use crate::proto::{cri, json};
use crate::render::{human, table::Table, time};
use crate::transport::{RuntimeClient, call, request};

/// Filters shared by `pods` and `inspectp` without IDs.
#[derive(Debug, Args, Default)]
pub struct PodFilterArgs {
    /// Show only pods whose name matches this regular expression
    #[arg(long = "name", value_name = "REGEX")]
    pub name: Option<String>,

    /// Show only pods whose namespace matches this regular expression
    #[arg(long = "namespace", value_name = "REGEX")]
    pub namespace: Option<String>,

    /// Show only pods in this state: ready or notready
    #[arg(short = 's', long = "state")]
    pub state: Option<String>,

    /// Show only pods with this key=value label (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Show only the most recently created pod
    #[arg(short = 'l', long = "latest")]
    pub latest: bool,

    /// Show only the N most recently created pods; 0 shows all
    #[arg(
        short = 'n',
        long = "last",
        value_name = "N",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub last: i64,
}

/// Arguments of `pods`.
#[derive(Debug, Args)]
pub struct PodsArgs {
    /// Show only pods whose ID starts with this
    #[arg(long = "id", default_value = "")]
    pub id: String,

    #[command(flatten)]
    pub filter: PodFilterArgs,

    /// Print every detail of each pod
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// Print only pod IDs
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Output format: table, json or yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,

    /// Show full IDs
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,

    /// Ignored; crictl accepts and ignores arguments here
    #[arg(hide = true)]
    pub ignored: Vec<String>,
}

/// Lists pod sandboxes.
pub async fn pods(args: PodsArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(&args.output, &[Format::Table, Format::Json, Format::Yaml])?;
    let selection = Selection::new(&args.id, &args.filter)?;
    let timeout = context.timeout();
    let selection = &selection;
    let (_, pods) = context
        .connector
        .runtime_then(|mut client| async move { selection.list(&mut client, timeout).await })
        .await?;

    match format {
        Format::Json | Format::Yaml => {
            let items = pods
                .iter()
                .map(|pod| json::to_json("runtime.v1.PodSandbox", pod))
                .collect();
            output::write_list(context.out, format, "items", items)
        }
        _ if args.quiet => {
            let ids: String = pods.iter().map(|pod| format!("{}\n", pod.id)).collect();
            output::write_text(context.out, &ids)
        }
        _ if args.verbose => write_verbose(context.out, &pods),
        _ => write_table(context.out, &pods, args.no_trunc),
    }
}

/// A validated pod selection: what goes to the runtime, and what is checked
/// again here.
pub struct Selection {
    filter: cri::PodSandboxFilter,
    name: Option<regex::Regex>,
    namespace: Option<regex::Regex>,
    latest: bool,
    last: i64,
}

impl Selection {
    pub fn new(id: &str, args: &PodFilterArgs) -> Result<Self> {
        let state = match args.state.as_deref() {
            None => None,
            Some(text) => Some(parse_state(text)?),
        };
        Ok(Selection {
            filter: cri::PodSandboxFilter {
                id: id.to_owned(),
                state: state.map(|state| cri::PodSandboxStateValue {
                    state: state as i32,
                }),
                label_selector: filter::parse_labels(&args.label)?,
            },
            name: filter::compile_pattern(args.name.as_deref(), "--name")?,
            namespace: filter::compile_pattern(args.namespace.as_deref(), "--namespace")?,
            latest: args.latest,
            last: args.last,
        })
    }

    /// Lists, filters, sorts newest first and cuts to `--latest`/`--last`.
    pub async fn list(
        &self,
        client: &mut RuntimeClient,
        timeout: Option<std::time::Duration>,
    ) -> Result<Vec<cri::PodSandbox>> {
        let mut pods = listing::pods(client, self.filter.clone(), timeout)
            .await
            .map_err(|status| Error::rpc("listing pod sandboxes", status))?;
        pods.retain(|pod| self.matches(pod));
        filter::sort_newest_first(&mut pods, |pod| pod.created_at);
        pods.truncate(filter::kept_count(pods.len(), self.latest, self.last));
        Ok(pods)
    }

    fn matches(&self, pod: &cri::PodSandbox) -> bool {
        let Some(metadata) = &pod.metadata else {
            return false;
        };
        filter::id_matches(&self.filter.id, &pod.id)
            && self
                .filter
                .state
                .as_ref()
                .is_none_or(|wanted| wanted.state == pod.state)
            && filter::labels_match(&pod.labels, &self.filter.label_selector)
            && filter::pattern_matches(&self.name, &metadata.name)
            && filter::pattern_matches(&self.namespace, &metadata.namespace)
    }
}

fn parse_state(text: &str) -> Result<cri::PodSandboxState> {
    match text.to_ascii_lowercase().as_str() {
        "ready" => Ok(cri::PodSandboxState::SandboxReady),
        "notready" => Ok(cri::PodSandboxState::SandboxNotready),
        _ => Err(Error::Invalid(format!(
            "invalid pod state {text:?}: use ready or notready"
        ))),
    }
}

fn state_text(state: i32) -> Result<&'static str> {
    match cri::PodSandboxState::try_from(state) {
        Ok(cri::PodSandboxState::SandboxReady) => Ok("Ready"),
        Ok(cri::PodSandboxState::SandboxNotready) => Ok("NotReady"),
        Err(_) => Err(Error::Runtime(format!("unknown pod state {state}"))),
    }
}

fn runtime_text(handler: &str) -> &str {
    if handler.is_empty() {
        "(default)"
    } else {
        handler
    }
}

fn write_table(
    out: &mut dyn std::io::Write,
    pods: &[cri::PodSandbox],
    no_trunc: bool,
) -> Result<()> {
    let now = super::now_nanos();
    let mut table = Table::new(20);
    table.push_row(
        [
            "POD ID",
            "CREATED",
            "STATE",
            "NAME",
            "NAMESPACE",
            "ATTEMPT",
            "RUNTIME",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    for pod in pods {
        let metadata = pod.metadata.clone().unwrap_or_default();
        let id = if no_trunc {
            pod.id.clone()
        } else {
            human::truncate_id(&pod.id, "")
        };
        table.push_row(vec![
            id,
            super::age_text(pod.created_at, now),
            state_text(pod.state)?.to_owned(),
            metadata.name,
            metadata.namespace,
            metadata.attempt.to_string(),
            runtime_text(&pod.runtime_handler).to_owned(),
        ]);
    }
    table
        .write_to(out)
        .map_err(|source| Error::io("writing output", source))
}

fn write_verbose(out: &mut dyn std::io::Write, pods: &[cri::PodSandbox]) -> Result<()> {
    for pod in pods {
        let mut text = format!("ID: {}\n", pod.id);
        if let Some(metadata) = &pod.metadata {
            for (label, value) in [
                ("Name", &metadata.name),
                ("UID", &metadata.uid),
                ("Namespace", &metadata.namespace),
            ] {
                if !value.is_empty() {
                    text.push_str(&format!("{label}: {value}\n"));
                }
            }
            if metadata.attempt != 0 {
                text.push_str(&format!("Attempt: {}\n", metadata.attempt));
            }
        }
        text.push_str(&format!("Status: {}\n", state_text(pod.state)?));
        text.push_str(&format!(
            "Created: {}\n",
            time::go_time_string_local(pod.created_at)
        ));
        output::write_text(out, &text)?;
        output::write_key_values(out, "Labels", &pod.labels)?;
        output::write_key_values(out, "Annotations", &pod.annotations)?;
        output::write_text(
            out,
            &format!("Runtime: {}\n\n", runtime_text(&pod.runtime_handler)),
        )?;
    }
    Ok(())
}

/// Arguments of `inspectp`.
#[derive(Debug, Args)]
pub struct InspectpArgs {
    /// Output format: json, yaml, go-template or table
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Leave out the runtime's verbose details
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Go template for -o go-template
    #[arg(long = "template", default_value = "")]
    pub template: String,

    #[command(flatten)]
    pub filter: PodFilterArgs,

    /// Pod IDs; without them, the pods the filters select
    #[arg(
        value_name = "POD-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Shows the status of pod sandboxes.
pub async fn inspectp(args: InspectpArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(
        &args.output,
        &[
            Format::Json,
            Format::Yaml,
            Format::GoTemplate,
            Format::Table,
        ],
    )?;
    let selection = Selection::new("", &args.filter)?;
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();

    let ids = if args.ids.is_empty() {
        let pods = selection.list(&mut client, timeout).await?;
        pods.into_iter().map(|pod| pod.id).collect()
    } else {
        args.ids.clone()
    };
    if ids.is_empty() {
        return Err(Error::Help {
            command: "inspectp",
            message: Some("no pod IDs given and no pod matches the filters".to_owned()),
        });
    }

    let mut documents = Vec::new();
    for id in &ids {
        let reply = call(
            timeout,
            client.pod_sandbox_status(request(
                cri::PodSandboxStatusRequest {
                    pod_sandbox_id: id.clone(),
                    verbose: !args.quiet,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of pod {id:?}"), status))?;
        let Some(status) = &reply.status else {
            return Err(Error::Runtime(format!(
                "the runtime returned no status for pod {id:?}"
            )));
        };
        if format == Format::Table {
            write_status_table(context.out, status, &reply.info)?;
        } else {
            documents.push(status_document(status, &reply.info));
        }
    }
    if format == Format::Table {
        return Ok(());
    }
    output::write_documents(context.out, format, &args.template, documents)
}

fn status_document(
    status: &cri::PodSandboxStatus,
    info: &std::collections::BTreeMap<String, String>,
) -> Value {
    let mut json = json::to_json_with_nulls("runtime.v1.PodSandboxStatus", status);
    json["createdAt"] = Value::String(time::rfc3339_nano_local(status.created_at));
    output::status_document(json, info)
}

fn write_status_table(
    out: &mut dyn std::io::Write,
    status: &cri::PodSandboxStatus,
    info: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let mut text = format!("ID: {}\n", status.id);
    if let Some(metadata) = &status.metadata {
        for (label, value) in [
            ("Name", &metadata.name),
            ("UID", &metadata.uid),
            ("Namespace", &metadata.namespace),
        ] {
            if !value.is_empty() {
                text.push_str(&format!("{label}: {value}\n"));
            }
        }
        text.push_str(&format!("Attempt: {}\n", metadata.attempt));
    }
    text.push_str(&format!("Status: {}\n", state_enum_name(status.state)));
    text.push_str(&format!(
        "Created: {}\n",
        time::go_time_string_local(status.created_at)
    ));
    if let Some(network) = &status.network {
        text.push_str(&format!("IP Addresses: {}\n", network.ip));
        for additional in &network.additional_ips {
            text.push_str(&format!("Additional IP: {}\n", additional.ip));
        }
    }
    output::write_text(out, &text)?;
    output::write_key_values(out, "Labels", &status.labels)?;
    output::write_key_values(out, "Annotations", &status.annotations)?;
    if !info.is_empty() {
        output::write_text(out, &format!("Info: {}\n", output::go_map_text(info)))?;
    }
    Ok(())
}

fn state_enum_name(state: i32) -> String {
    cri::PodSandboxState::try_from(state)
        .map(|state| state.as_str_name().to_owned())
        .unwrap_or_else(|_| state.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_words_case_insensitive() {
        assert_eq!(
            parse_state("NotReady").unwrap(),
            cri::PodSandboxState::SandboxNotready
        );
        assert_eq!(
            parse_state("READY").unwrap(),
            cri::PodSandboxState::SandboxReady
        );
    }

    #[test]
    fn bad_state_rejected() {
        assert!(parse_state("x").is_err());
    }

    #[test]
    fn empty_handler_is_default() {
        assert_eq!(runtime_text(""), "(default)");
        assert_eq!(runtime_text("kata"), "kata");
    }
}
