//! `update` and `checkpoint`: changing a running container's resources and
//! saving its state to an archive.

use clap::Args;

use super::Context;
use super::output::write_text;
use crate::error::{Error, Result};
use crate::proto::cri;
use crate::transport::{call, request};

/// Arguments of `update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// CPUs usable on Windows (Windows only)
    #[arg(long = "cpu-count", default_value_t = 0)]
    pub cpu_count: i64,

    /// Share of processor cycles in percent times 100 (Windows only)
    #[arg(long = "cpu-maximum", default_value_t = 0)]
    pub cpu_maximum: i64,

    /// CFS period in microseconds
    #[arg(long = "cpu-period", default_value_t = 0)]
    pub cpu_period: i64,

    /// CFS quota in microseconds per period
    #[arg(long = "cpu-quota", default_value_t = 0, allow_hyphen_values = true)]
    pub cpu_quota: i64,

    /// Relative CPU weight
    #[arg(long = "cpu-share", default_value_t = 0)]
    pub cpu_share: i64,

    /// Memory limit in bytes
    #[arg(long = "memory", default_value_t = 0)]
    pub memory: i64,

    /// CPUs the container may use, such as 0-3,7
    #[arg(long = "cpuset-cpus", default_value = "")]
    pub cpuset_cpus: String,

    /// Memory nodes the container may use, such as 0-1
    #[arg(long = "cpuset-mems", default_value = "")]
    pub cpuset_mems: String,

    /// OOM score adjustment, decimal or 0x-hex (-1000 to 1000)
    #[arg(
        long = "oom-score-adj",
        default_value = "0",
        allow_hyphen_values = true
    )]
    pub oom_score_adj: String,

    /// Container IDs
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Updates the resources of containers one by one, stopping at the first
/// failure. Zero values mean "leave unchanged" to the runtime.
pub async fn update(args: UpdateArgs, context: &mut Context<'_>) -> Result<()> {
    if args.ids.is_empty() {
        return Err(Error::Invalid("no container ID given".to_owned()));
    }
    let oom_score_adj = parse_int_auto_base(&args.oom_score_adj).ok_or_else(|| {
        Error::Invalid(format!(
            "invalid --oom-score-adj {:?}: expected a whole number",
            args.oom_score_adj
        ))
    })?;
    let linux = cri::LinuxContainerResources {
        cpu_period: args.cpu_period,
        cpu_quota: args.cpu_quota,
        cpu_shares: args.cpu_share,
        memory_limit_in_bytes: args.memory,
        oom_score_adj,
        cpuset_cpus: args.cpuset_cpus.clone(),
        cpuset_mems: args.cpuset_mems.clone(),
        ..Default::default()
    };
    if args.cpu_count != 0 || args.cpu_maximum != 0 {
        crate::diag::warn(
            "--cpu-count and --cpu-maximum apply to Windows containers only; ignored",
        );
    }

    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();
    for id in &args.ids {
        call(
            timeout,
            client.update_container_resources(request(
                cri::UpdateContainerResourcesRequest {
                    container_id: id.clone(),
                    linux: Some(linux.clone()),
                    ..Default::default()
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| {
            Error::rpc(
                format!("updating the resources of container {id:?}"),
                status,
            )
        })?;
        write_text(context.out, &format!("{id}\n"))?;
    }
    Ok(())
}

/// Parses an integer with Go's base prefixes (`0x`, `0o`, `0b`, leading `0`).
fn parse_int_auto_base(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.replace('_', "");
    let lower = digits.to_ascii_lowercase();
    let value = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(octal) = lower.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()?
    } else if let Some(binary) = lower.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse().ok()?
    };
    Some(if negative { -value } else { value })
}

/// Arguments of `checkpoint`.
#[derive(Debug, Args)]
pub struct CheckpointArgs {
    /// Archive to write the checkpoint to, such as /path/to/checkpoint.tar
    #[arg(short = 'e', long = "export", value_name = "PATH")]
    pub export: Option<String>,

    /// Container IDs
    #[arg(
        value_name = "CONTAINER-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Checkpoints containers one by one, stopping at the first failure.
pub async fn checkpoint(args: CheckpointArgs, context: &mut Context<'_>) -> Result<()> {
    if args.ids.is_empty() {
        return Err(Error::Invalid("no container ID given".to_owned()));
    }
    let Some(location) = args.export.filter(|path| !path.is_empty()) else {
        return Err(Error::Invalid(
            "no checkpoint destination given; use --export=/path/to/checkpoint.tar".to_owned(),
        ));
    };
    let mut client = context.connector.runtime().await?;
    let timeout = context.connector.settings().timeout;
    // The runtime gets the client's deadline, in whole seconds, as its own.
    let seconds = i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX);
    for id in &args.ids {
        call(
            Some(timeout),
            client.checkpoint_container(request(
                cri::CheckpointContainerRequest {
                    container_id: id.clone(),
                    location: location.clone(),
                    timeout: seconds,
                },
                Some(timeout),
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("checkpointing container {id:?}"), status))?;
        write_text(context.out, &format!("{id}\n"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_base_prefixes() {
        let cases = [
            ("5", 5),
            ("0x10", 16),
            ("-7", -7),
            ("010", 8),
            ("0b11", 3),
            ("0", 0),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_int_auto_base(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn garbage_rejected() {
        assert_eq!(parse_int_auto_base("abc"), None);
        assert_eq!(parse_int_auto_base(""), None);
    }
}
