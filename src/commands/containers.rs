//! `ps` and `inspect`: listing containers and showing their status.

use std::collections::BTreeMap;

use clap::Args;
use serde_json::Value;

use super::output::{self, Format};
use super::{Context, listing};
use crate::error::{Error, Result};
use crate::filter;
use crate::proto::{cri, json};
use crate::render::{human, table::Table, time};
use crate::transport::{ImageClient, RuntimeClient, call, request};

/// Label that carries a container's pod name.
const POD_NAME_LABEL: &str = "io.kubernetes.pod.name";
/// Label that carries a container's pod namespace.
const POD_NAMESPACE_LABEL: &str = "io.kubernetes.pod.namespace";

/// Filters shared by `ps` and `inspect` without IDs.
#[derive(Debug, Args, Default)]
pub struct ContainerFilterArgs {
    /// Show only containers whose name matches this regular expression
    #[arg(long = "name", value_name = "REGEX")]
    pub name: Option<String>,

    /// Show only containers whose pod namespace matches this regular expression
    #[arg(long = "namespace", value_name = "REGEX")]
    pub namespace: Option<String>,

    /// Show only containers of pods whose ID starts with this
    #[arg(short = 'p', long = "pod", default_value = "")]
    pub pod: String,

    /// Show only containers running this image
    #[arg(long = "image", default_value = "")]
    pub image: String,

    /// Show only containers in this state: created, running, exited or unknown
    #[arg(short = 's', long = "state")]
    pub state: Option<String>,

    /// Show only containers with this key=value label (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Show containers in every state
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Show only the most recently created container, in any state
    #[arg(short = 'l', long = "latest")]
    pub latest: bool,

    /// Show only the N most recently created containers, in any state; 0 shows all
    #[arg(
        short = 'n',
        long = "last",
        value_name = "N",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    pub last: i64,
}

/// Arguments of `ps`.
#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show only containers whose ID starts with this
    #[arg(long = "id", default_value = "")]
    pub id: String,

    #[command(flatten)]
    pub filter: ContainerFilterArgs,

    /// Print every detail of each container
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// Print only container IDs
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Output format: table, json or yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,

    /// Show full IDs and image digests
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,

    /// Show the image's name in place of its ID
    #[arg(short = 'r', long = "resolve-image-path")]
    pub resolve_image_path: bool,
}

/// Lists containers.
pub async fn ps(args: PsArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(&args.output, &[Format::Table, Format::Json, Format::Yaml])?;
    let selection = Selection::new(&args.id, &args.filter)?;
    let timeout = context.timeout();
    let selection = &selection;
    let (_, mut image, containers) = context
        .connector
        .both_then(|mut runtime, mut image| async move {
            selection.list(&mut runtime, &mut image, timeout).await
        })
        .await?;

    match format {
        Format::Json | Format::Yaml => {
            let items = containers
                .iter()
                .map(|container| json::to_json("runtime.v1.Container", container))
                .collect();
            output::write_list(context.out, format, "containers", items)
        }
        _ if args.quiet => {
            let ids: String = containers.iter().map(|c| format!("{}\n", c.id)).collect();
            output::write_text(context.out, &ids)
        }
        _ if args.verbose => write_verbose(context.out, &containers),
        _ => {
            let mut rows = Vec::with_capacity(containers.len());
            for container in &containers {
                let mut shown = image_column(container, args.no_trunc);
                if args.resolve_image_path {
                    shown = resolve_image(&mut image, &shown, timeout).await?;
                }
                rows.push((container, shown));
            }
            write_table(context.out, &rows, args.no_trunc)
        }
    }
}

/// A validated container selection: what goes to the runtime, and what is
/// checked again here.
pub struct Selection {
    filter: cri::ContainerFilter,
    name: Option<regex::Regex>,
    namespace: Option<regex::Regex>,
    image: String,
    latest: bool,
    last: i64,
}

impl Selection {
    pub fn new(id: &str, args: &ContainerFilterArgs) -> Result<Self> {
        let explicit_state = match args.state.as_deref() {
            None => None,
            Some(text) => Some(parse_state(text)?),
        };
        let state = if args.latest || args.last > 0 {
            // Recency flags look at containers in every state.
            None
        } else if let Some(state) = explicit_state {
            Some(state)
        } else if args.all {
            None
        } else {
            Some(cri::ContainerState::ContainerRunning)
        };
        Ok(Selection {
            filter: cri::ContainerFilter {
                id: id.to_owned(),
                state: state.map(|state| cri::ContainerStateValue {
                    state: state as i32,
                }),
                pod_sandbox_id: args.pod.clone(),
                label_selector: filter::parse_labels(&args.label)?,
            },
            name: filter::compile_pattern(args.name.as_deref(), "--name")?,
            namespace: filter::compile_pattern(args.namespace.as_deref(), "--namespace")?,
            image: args.image.clone(),
            latest: args.latest,
            last: args.last,
        })
    }

    /// Lists, filters, sorts newest first and cuts to `--latest`/`--last`.
    pub async fn list(
        &self,
        runtime: &mut RuntimeClient,
        image: &mut ImageClient,
        timeout: Option<std::time::Duration>,
    ) -> Result<Vec<cri::Container>> {
        let listed = listing::containers(runtime, self.filter.clone(), timeout)
            .await
            .map_err(|status| Error::rpc("listing containers", status))?;
        let mut containers = Vec::with_capacity(listed.len());
        for container in listed {
            if !self.matches(&container) {
                continue;
            }
            if !self.image.is_empty()
                && !same_image(image, &self.image, &container, timeout).await?
            {
                continue;
            }
            containers.push(container);
        }
        filter::sort_newest_first(&mut containers, |c| c.created_at);
        containers.truncate(filter::kept_count(containers.len(), self.latest, self.last));
        Ok(containers)
    }

    fn matches(&self, container: &cri::Container) -> bool {
        let Some(metadata) = &container.metadata else {
            return false;
        };
        filter::id_matches(&self.filter.id, &container.id)
            && filter::id_matches(&self.filter.pod_sandbox_id, &container.pod_sandbox_id)
            && self
                .filter
                .state
                .as_ref()
                .is_none_or(|wanted| wanted.state == container.state)
            && filter::labels_match(&container.labels, &self.filter.label_selector)
            && filter::pattern_matches(&self.name, &metadata.name)
            && filter::pattern_matches(&self.namespace, pod_namespace(&container.labels))
    }
}

/// Returns whether `container` runs the image named `requested`, by
/// comparing the IDs the image service resolves both names to.
async fn same_image(
    client: &mut ImageClient,
    requested: &str,
    container: &cri::Container,
    timeout: Option<std::time::Duration>,
) -> Result<bool> {
    let container_image = container
        .image
        .as_ref()
        .map(|spec| spec.image.clone())
        .unwrap_or_default();
    let requested_id = image_id(client, requested, timeout).await?;
    let container_id = image_id(client, &container_image, timeout).await?;
    Ok(matches!((requested_id, container_id), (Some(a), Some(b)) if a == b))
}

async fn image_id(
    client: &mut ImageClient,
    name: &str,
    timeout: Option<std::time::Duration>,
) -> Result<Option<String>> {
    let image = super::image_lifecycle::image_status(client, name, timeout).await?;
    Ok(image.map(|image| image.id))
}

/// Parses a `--state` word, case-insensitively.
pub fn parse_state(text: &str) -> Result<cri::ContainerState> {
    match text.to_ascii_lowercase().as_str() {
        "created" => Ok(cri::ContainerState::ContainerCreated),
        "running" => Ok(cri::ContainerState::ContainerRunning),
        "exited" => Ok(cri::ContainerState::ContainerExited),
        "unknown" => Ok(cri::ContainerState::ContainerUnknown),
        _ => Err(Error::Invalid(format!(
            "invalid container state {text:?}: use created, running, exited or unknown"
        ))),
    }
}

fn state_text(state: i32) -> Result<&'static str> {
    match cri::ContainerState::try_from(state) {
        Ok(cri::ContainerState::ContainerCreated) => Ok("Created"),
        Ok(cri::ContainerState::ContainerRunning) => Ok("Running"),
        Ok(cri::ContainerState::ContainerExited) => Ok("Exited"),
        Ok(cri::ContainerState::ContainerUnknown) => Ok("Unknown"),
        Err(_) => Err(Error::Runtime(format!("unknown container state {state}"))),
    }
}

fn label_or_unknown<'a>(labels: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    labels.get(key).map_or("unknown", String::as_str)
}

fn pod_namespace(labels: &BTreeMap<String, String>) -> &str {
    label_or_unknown(labels, POD_NAMESPACE_LABEL)
}

/// Formats the IMAGE column: a bare digest is shortened like an ID, any
/// other image reference is shown whole.
fn image_column(container: &cri::Container, no_trunc: bool) -> String {
    let image = container
        .image
        .as_ref()
        .map(|spec| spec.image.as_str())
        .unwrap_or_default();
    if !no_trunc && is_digest(image) {
        human::truncate_id(image, "sha256:")
    } else {
        image.to_owned()
    }
}

/// Returns whether `text` is a valid `algorithm:hex` digest of a known
/// algorithm.
fn is_digest(text: &str) -> bool {
    let Some((algorithm, hex)) = text.split_once(':') else {
        return false;
    };
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == length
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Looks up the first repo tag of the image `shown` names, for
/// `--resolve-image-path`.
///
/// The shortened ID is what gets looked up, as crictl does; runtimes resolve
/// ID prefixes.
async fn resolve_image(
    client: &mut ImageClient,
    shown: &str,
    timeout: Option<std::time::Duration>,
) -> Result<String> {
    let reply = call(
        timeout,
        client.image_status(request(
            cri::ImageStatusRequest {
                image: Some(cri::ImageSpec {
                    image: shown.to_owned(),
                    ..Default::default()
                }),
                verbose: false,
            },
            timeout,
        )),
    )
    .await
    .map_err(|status| Error::rpc(format!("resolving image {shown:?}"), status))?;
    Ok(reply
        .image
        .and_then(|image| image.repo_tags.into_iter().next())
        .unwrap_or_else(|| shown.to_owned()))
}

fn write_table(
    out: &mut dyn std::io::Write,
    rows: &[(&cri::Container, String)],
    no_trunc: bool,
) -> Result<()> {
    let now = super::now_nanos();
    let mut table = Table::new(20);
    table.push_row(
        [
            "CONTAINER",
            "IMAGE",
            "CREATED",
            "STATE",
            "NAME",
            "ATTEMPT",
            "POD ID",
            "POD",
            "NAMESPACE",
        ]
        .map(str::to_owned)
        .to_vec(),
    );
    for (container, image) in rows {
        let metadata = container.metadata.clone().unwrap_or_default();
        let (id, pod_id) = if no_trunc {
            (container.id.clone(), container.pod_sandbox_id.clone())
        } else {
            (
                human::truncate_id(&container.id, ""),
                human::truncate_id(&container.pod_sandbox_id, ""),
            )
        };
        table.push_row(vec![
            id,
            image.clone(),
            super::age_text(container.created_at, now),
            state_text(container.state)?.to_owned(),
            metadata.name,
            metadata.attempt.to_string(),
            pod_id,
            label_or_unknown(&container.labels, POD_NAME_LABEL).to_owned(),
            pod_namespace(&container.labels).to_owned(),
        ]);
    }
    table
        .write_to(out)
        .map_err(|source| Error::io("writing output", source))
}

fn write_verbose(out: &mut dyn std::io::Write, containers: &[cri::Container]) -> Result<()> {
    let now = super::now_nanos();
    for container in containers {
        let mut text = format!(
            "ID: {}\nPodID: {}\nNamespace: {}\n",
            container.id,
            container.pod_sandbox_id,
            pod_namespace(&container.labels)
        );
        if let Some(metadata) = &container.metadata {
            if !metadata.name.is_empty() {
                text.push_str(&format!("Name: {}\n", metadata.name));
            }
            text.push_str(&format!("Attempt: {}\n", metadata.attempt));
        }
        text.push_str(&format!("State: {}\n", state_text(container.state)?));
        let image = container
            .image
            .as_ref()
            .map(|spec| spec.image.as_str())
            .unwrap_or_default();
        text.push_str(&format!("Image: {image}\n"));
        text.push_str(&format!(
            "Created: {}\n",
            super::age_text(container.created_at, now)
        ));
        output::write_text(out, &text)?;
        output::write_key_values(out, "Labels", &container.labels)?;
        output::write_key_values(out, "Annotations", &container.annotations)?;
        output::write_text(out, "\n")?;
    }
    Ok(())
}

/// Arguments of `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
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
    pub filter: ContainerFilterArgs,

    /// Container IDs; without them, the containers the filters select
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Shows the status of containers.
pub async fn inspect(args: InspectArgs, context: &mut Context<'_>) -> Result<()> {
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
    let (mut runtime, mut image) = context.connector.runtime_and_image().await?;
    let timeout = context.timeout();

    let ids = if args.ids.is_empty() {
        let containers = selection.list(&mut runtime, &mut image, timeout).await?;
        containers.into_iter().map(|c| c.id).collect()
    } else {
        args.ids.clone()
    };
    if ids.is_empty() {
        return Err(Error::Help {
            command: "inspect",
            message: Some("no container IDs given and no container matches the filters".to_owned()),
        });
    }

    let now = super::now_nanos();
    let mut documents = Vec::new();
    for id in &ids {
        let reply = call(
            timeout,
            runtime.container_status(request(
                cri::ContainerStatusRequest {
                    container_id: id.clone(),
                    verbose: !args.quiet,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of container {id:?}"), status))?;
        let Some(status) = &reply.status else {
            return Err(Error::Runtime(format!(
                "the runtime returned no status for container {id:?}"
            )));
        };
        if format == Format::Table {
            write_status_table(context.out, status, &reply.info, now)?;
        } else {
            documents.push(status_document(status, &reply.info));
        }
    }
    if format == Format::Table {
        return Ok(());
    }
    output::write_documents(context.out, format, &args.template, documents)
}

/// Builds the `inspect` document of one container, with its times as text.
fn status_document(status: &cri::ContainerStatus, info: &BTreeMap<String, String>) -> Value {
    // A time that does not apply to the state (not started yet, not
    // finished) is Go's zero time. A raw 0 that does apply is the Unix epoch.
    let state = cri::ContainerState::try_from(status.state).ok();
    let started =
        (state != Some(cri::ContainerState::ContainerCreated)).then_some(status.started_at);
    let finished_known = state == Some(cri::ContainerState::ContainerExited)
        || (state == Some(cri::ContainerState::ContainerUnknown) && status.finished_at > 0);
    let finished = finished_known.then_some(status.finished_at);

    let mut json = json::to_json_with_nulls("runtime.v1.ContainerStatus", status);
    json["createdAt"] = Value::String(time::rfc3339_nano_local(status.created_at));
    json["startedAt"] = Value::String(time::rfc3339_nano_local_or_zero(started));
    json["finishedAt"] = Value::String(time::rfc3339_nano_local_or_zero(finished));
    output::status_document(json, info)
}

fn write_status_table(
    out: &mut dyn std::io::Write,
    status: &cri::ContainerStatus,
    info: &BTreeMap<String, String>,
    now: i64,
) -> Result<()> {
    let state = cri::ContainerState::try_from(status.state).ok();
    let mut text = format!("ID: {}\n", status.id);
    if let Some(metadata) = &status.metadata {
        if !metadata.name.is_empty() {
            text.push_str(&format!("Name: {}\n", metadata.name));
        }
        if metadata.attempt != 0 {
            text.push_str(&format!("Attempt: {}\n", metadata.attempt));
        }
    }
    let state_name = state.map_or_else(|| status.state.to_string(), |s| s.as_str_name().to_owned());
    text.push_str(&format!("State: {state_name}\n"));
    text.push_str(&format!(
        "Created: {}\n",
        super::age_text(status.created_at, now)
    ));
    if state != Some(cri::ContainerState::ContainerCreated) {
        text.push_str(&format!(
            "Started: {}\n",
            super::age_text(status.started_at, now)
        ));
    }
    if state == Some(cri::ContainerState::ContainerExited) {
        if status.finished_at > 0 {
            text.push_str(&format!(
                "Finished: {}\n",
                super::age_text(status.finished_at, now)
            ));
        }
        text.push_str(&format!("Exit Code: {}\n", status.exit_code));
    }
    output::write_text(out, &text)?;
    output::write_key_values(out, "Labels", &status.labels)?;
    output::write_key_values(out, "Annotations", &status.annotations)?;
    if !info.is_empty() {
        output::write_text(out, &format!("Info: {}\n", output::go_map_text(info)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_words_case_insensitive() {
        assert_eq!(
            parse_state("Exited").unwrap(),
            cri::ContainerState::ContainerExited
        );
    }

    #[test]
    fn bad_state_rejected() {
        assert!(parse_state("foo").is_err());
    }

    #[test]
    fn digest_recognised() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert!(is_digest(&digest));
        assert!(!is_digest("docker.io/library/busybox:latest"));
        assert!(!is_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(!is_digest("sha256:abc"));
    }

    #[test]
    fn missing_pod_label_unknown() {
        assert_eq!(
            label_or_unknown(&BTreeMap::new(), POD_NAME_LABEL),
            "unknown"
        );
    }

    #[test]
    fn latest_drops_state_filter() {
        let args = ContainerFilterArgs {
            latest: true,
            state: Some("exited".into()),
            ..Default::default()
        };
        let selection = Selection::new("", &args).unwrap();
        assert!(selection.filter.state.is_none());
    }

    #[test]
    fn default_state_running() {
        let selection = Selection::new("", &ContainerFilterArgs::default()).unwrap();
        assert_eq!(
            selection.filter.state.map(|s| s.state),
            Some(cri::ContainerState::ContainerRunning as i32)
        );
    }
}
