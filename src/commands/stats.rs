//! `stats` and `statsp`: resource usage of containers and pods, as a table
//! computed from two samples, or the runtime's figures as JSON or YAML.
//!
//! crictl passes the ID, pod and label filters to the runtime and trusts it
//! to apply them. Here they are checked again on every sample, so a runtime
//! that ignores a filter cannot add rows.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal as _;
use std::time::Duration;

use clap::Args;

use super::output::{self, Format};
use super::watch::{self, Screen, WATCH_INTERVAL};
use super::{Context, listing, stats_table, unsupported};
use crate::error::{Error, Result};
use crate::filter;
use crate::proto::{cri, json};
use crate::transport::{RuntimeClient, call, request};

/// Arguments of `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show every container, also those using no CPU and no memory (stopped ones)
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Show only the container whose ID starts with this; wins over the ID argument
    #[arg(long = "id", default_value = "")]
    pub id: String,

    /// Show only containers of the pod whose ID starts with this
    #[arg(short = 'p', long = "pod", default_value = "")]
    pub pod: String,

    /// Show only containers with this key=value label (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Output format: table, json or yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,

    /// Seconds between the two samples that CPU % is computed from
    #[arg(
        short = 's',
        long = "seconds",
        value_name = "N",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub seconds: i64,

    /// Refresh the figures until interrupted, at most every half second
    #[arg(short = 'w', long = "watch")]
    pub watch: bool,

    /// Container ID or ID prefix
    #[arg(value_name = "ID", trailing_var_arg = true, allow_hyphen_values = true)]
    pub ids: Vec<String>,
}

/// Arguments of `statsp`.
#[derive(Debug, Args)]
pub struct StatspArgs {
    /// Show only the pod whose ID starts with this; wins over the ID argument
    #[arg(long = "id", default_value = "")]
    pub id: String,

    /// Show only pods with this key=value label (repeatable)
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Output format: table, json or yaml
    #[arg(short = 'o', long = "output", default_value = "table")]
    pub output: String,

    /// Seconds between the two samples that CPU % is computed from
    #[arg(
        short = 's',
        long = "seconds",
        value_name = "N",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    pub seconds: i64,

    /// Refresh the figures until interrupted, at most every half second
    #[arg(short = 'w', long = "watch")]
    pub watch: bool,

    /// Pod ID or ID prefix
    #[arg(value_name = "ID", trailing_var_arg = true, allow_hyphen_values = true)]
    pub ids: Vec<String>,
}

/// Shows the resource usage of containers.
pub async fn stats(args: StatsArgs, context: &mut Context<'_>) -> Result<()> {
    let id = single_id("stats", &args.id, &args.ids)?;
    let format = stats_format(&args.output);
    let selection = ContainerSelection {
        filter: cri::ContainerStatsFilter {
            id,
            pod_sandbox_id: args.pod.clone(),
            label_selector: filter::parse_labels(&args.label)?,
        },
    };
    let interval = sample_interval(args.seconds);
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let mut screen = Screen::new(context.out, std::io::stdout().is_terminal());

    let mut frame = async || -> Result<()> {
        if format != Format::Table {
            let stats = selection.sample(&mut client, timeout, true).await?;
            let reply = cri::ListContainerStatsResponse { stats };
            let document = json::to_json("runtime.v1.ListContainerStatsResponse", &reply);
            return screen.append(&output::protojson_document_text(format, &document));
        }
        let old = selection.sample(&mut client, timeout, false).await?;
        tokio::time::sleep(interval).await;
        let new = selection.sample(&mut client, timeout, true).await?;
        let table = stats_table::container_table(&old, &new, args.all);
        if args.watch {
            screen.redraw(&table)
        } else {
            screen.append(&table)
        }
    };
    if args.watch {
        watch::repeat(WATCH_INTERVAL, frame).await
    } else {
        frame().await
    }
}

/// Shows the resource usage of pods.
pub async fn statsp(args: StatspArgs, context: &mut Context<'_>) -> Result<()> {
    let id = single_id("statsp", &args.id, &args.ids)?;
    let format = stats_format(&args.output);
    let selection = PodSelection {
        filter: cri::PodSandboxStatsFilter {
            id,
            label_selector: filter::parse_labels(&args.label)?,
        },
    };
    let interval = sample_interval(args.seconds);
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    let mut screen = Screen::new(context.out, std::io::stdout().is_terminal());

    let mut frame = async || -> Result<()> {
        if format != Format::Table {
            let stats = selection.sample(&mut client, timeout).await?;
            let reply = cri::ListPodSandboxStatsResponse { stats };
            let document = json::to_json("runtime.v1.ListPodSandboxStatsResponse", &reply);
            return screen.append(&output::protojson_document_text(format, &document));
        }
        let old = selection.sample(&mut client, timeout).await?;
        tokio::time::sleep(interval).await;
        let new = selection.sample(&mut client, timeout).await?;
        let table = stats_table::pod_table(&old, &new)?;
        if args.watch {
            screen.redraw(&table)
        } else {
            screen.append(&table)
        }
    };
    if args.watch {
        watch::repeat(WATCH_INTERVAL, frame).await
    } else {
        frame().await
    }
}

/// Returns the ID filter: `--id`, or else the one optional argument. More
/// arguments show the help, as in crictl.
fn single_id(command: &'static str, flag: &str, arguments: &[String]) -> Result<String> {
    if arguments.len() > 1 {
        return Err(Error::Help {
            command,
            message: Some(format!(
                "{command} takes at most one ID argument, but {} were given",
                arguments.len()
            )),
        });
    }
    if !flag.is_empty() {
        return Ok(flag.to_owned());
    }
    Ok(arguments.first().cloned().unwrap_or_default())
}

/// Picks the output format. crictl prints a table for any `-o` value other
/// than json and yaml, and so does this, after a warning for unknown words.
fn stats_format(text: &str) -> Format {
    known_format(text).unwrap_or_else(|| {
        crate::diag::warn(&format!(
            "unknown output format {text:?}, printing a table; use table, json or yaml"
        ));
        Format::Table
    })
}

fn known_format(text: &str) -> Option<Format> {
    match text {
        "json" => Some(Format::Json),
        "yaml" => Some(Format::Yaml),
        "table" | "" => Some(Format::Table),
        _ => None,
    }
}

/// Converts `--seconds` to the time between two samples. Zero and negative
/// values take the samples back to back.
fn sample_interval(seconds: i64) -> Duration {
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The containers `stats` shows, as sent to the runtime.
struct ContainerSelection {
    filter: cri::ContainerStatsFilter,
}

impl ContainerSelection {
    /// Lists container stats, keeps those the filters select and sorts them
    /// by container ID.
    ///
    /// Stats carry no pod ID, so `--pod` is checked against the pod IDs of
    /// the runtime's container list, which costs one more call. With
    /// `check_pod` unset that check is skipped: rows come only from the
    /// second sample of a table, so the first needs no pod check.
    async fn sample(
        &self,
        client: &mut RuntimeClient,
        timeout: Option<Duration>,
        check_pod: bool,
    ) -> Result<Vec<cri::ContainerStats>> {
        let listed = call(
            timeout,
            client.list_container_stats(request(
                cri::ListContainerStatsRequest {
                    filter: Some(self.filter.clone()),
                },
                timeout,
            )),
        )
        .await;
        let reply = match listed {
            Ok(reply) => reply,
            Err(status) => {
                return Err(unsupported::rpc_error(
                    client,
                    timeout,
                    status,
                    "ListContainerStats",
                    "stats",
                    "listing container stats",
                )
                .await);
            }
        };

        let filter = &self.filter;
        let mut stats = selected_by_id(reply.stats, &filter.id, &filter.label_selector, |stats| {
            stats
                .attributes
                .as_ref()
                .map(|attributes| (attributes.id.as_str(), &attributes.labels))
        });
        if check_pod && !self.filter.pod_sandbox_id.is_empty() {
            let members = self.pod_members(client, timeout).await?;
            stats.retain(|stats| {
                stats
                    .attributes
                    .as_ref()
                    .is_some_and(|attributes| members.contains(&attributes.id))
            });
        }
        Ok(stats)
    }

    /// Lists the IDs of the containers, in any state, whose pod ID starts
    /// with the `--pod` value.
    async fn pod_members(
        &self,
        client: &mut RuntimeClient,
        timeout: Option<Duration>,
    ) -> Result<HashSet<String>> {
        let pod = &self.filter.pod_sandbox_id;
        let filter = cri::ContainerFilter {
            pod_sandbox_id: pod.clone(),
            ..Default::default()
        };
        let containers = listing::containers(client, filter, timeout)
            .await
            .map_err(|status| {
                Error::rpc(format!("listing the containers of pod {pod:?}"), status)
            })?;
        Ok(containers
            .into_iter()
            .filter(|container| filter::id_matches(pod, &container.pod_sandbox_id))
            .map(|container| container.id)
            .collect())
    }
}

/// The pods `statsp` shows, as sent to the runtime.
struct PodSelection {
    filter: cri::PodSandboxStatsFilter,
}

impl PodSelection {
    /// Lists pod stats, keeps those the filters select and sorts them by pod
    /// ID.
    async fn sample(
        &self,
        client: &mut RuntimeClient,
        timeout: Option<Duration>,
    ) -> Result<Vec<cri::PodSandboxStats>> {
        let listed = call(
            timeout,
            client.list_pod_sandbox_stats(request(
                cri::ListPodSandboxStatsRequest {
                    filter: Some(self.filter.clone()),
                },
                timeout,
            )),
        )
        .await;
        let reply = match listed {
            Ok(reply) => reply,
            Err(status) => {
                return Err(unsupported::rpc_error(
                    client,
                    timeout,
                    status,
                    "ListPodSandboxStats",
                    "statsp",
                    "listing pod stats",
                )
                .await);
            }
        };

        let filter = &self.filter;
        let stats = selected_by_id(reply.stats, &filter.id, &filter.label_selector, |stats| {
            stats
                .attributes
                .as_ref()
                .map(|attributes| (attributes.id.as_str(), &attributes.labels))
        });
        Ok(stats)
    }
}

/// Keeps the stats whose ID starts with `id` and whose labels match
/// `selector`, sorted by ID. `attributes` returns a stat's ID and labels;
/// a stat without attributes counts as an empty ID with no labels.
fn selected_by_id<S>(
    stats: Vec<S>,
    id: &str,
    selector: &BTreeMap<String, String>,
    attributes: impl Fn(&S) -> Option<(&str, &BTreeMap<String, String>)>,
) -> Vec<S> {
    let no_labels = BTreeMap::new();
    let mut kept: Vec<S> = stats
        .into_iter()
        .filter(|stats| {
            let (stats_id, labels) = attributes(stats).unwrap_or(("", &no_labels));
            filter::id_matches(id, stats_id) && filter::labels_match(labels, selector)
        })
        .collect();
    kept.sort_by(|a, b| {
        let a_id = attributes(a).map_or("", |(id, _)| id);
        a_id.cmp(attributes(b).map_or("", |(id, _)| id))
    });
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_flag_wins_over_argument() {
        let id = single_id("stats", "abc", &["def".to_owned()]).unwrap();
        assert_eq!(id, "abc");
    }

    #[test]
    fn argument_used_without_flag() {
        let id = single_id("stats", "", &["def".to_owned()]).unwrap();
        assert_eq!(id, "def");
    }

    #[test]
    fn two_arguments_show_help() {
        let error = single_id("stats", "", &["a".to_owned(), "b".to_owned()]).unwrap_err();
        assert_eq!(error.exit_code(), 0);
    }

    #[test]
    fn output_formats_recognised() {
        assert_eq!(known_format("wide"), None);
        assert_eq!(known_format(""), Some(Format::Table));
        assert_eq!(known_format("json"), Some(Format::Json));
        assert_eq!(known_format("yaml"), Some(Format::Yaml));
    }

    #[test]
    fn negative_seconds_no_wait() {
        assert_eq!(sample_interval(-3), Duration::ZERO);
        assert_eq!(sample_interval(2), Duration::from_secs(2));
    }
}
