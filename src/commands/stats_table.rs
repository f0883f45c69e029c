//! The tables of `stats` and `statsp`, built from two samples of the
//! runtime's usage figures taken some seconds apart.
//!
//! CPU % is the growth of the cumulative CPU time between the samples over
//! the time between their CPU timestamps, both taken from the runtime's
//! replies, so the figures do not depend on the client's clock. The
//! runtime's own `usage_nano_cores` average is not used, as in crictl.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::proto::cri;
use crate::render::human::{human_size, truncate_id};
use crate::render::table::{MIN_WIDTH, Table};

/// Significant digits of the sizes in stats tables, as crictl prints them.
const SIZE_PRECISION: usize = 4;

const CONTAINER_HEADER: [&str; 7] = [
    "CONTAINER",
    "NAME",
    "CPU %",
    "MEM",
    "DISK",
    "INODES",
    "SWAP",
];
const POD_HEADER: [&str; 4] = ["POD", "POD ID", "CPU %", "MEM"];

/// The CPU % cell when the samples give no rate: the CPU timestamp did not
/// advance, the counter went backwards, or the first sample had no CPU
/// reading.
pub const NO_RATE: &str = "-";

/// One CPU reading: cumulative CPU time in nanoseconds at a timestamp in
/// nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuReading {
    pub usage: u64,
    pub timestamp: i64,
}

impl CpuReading {
    fn from_linux(cpu: Option<&cri::CpuUsage>) -> Option<Self> {
        cpu.map(|cpu| CpuReading {
            usage: cpu.usage_core_nano_seconds.map_or(0, |value| value.value),
            timestamp: cpu.timestamp,
        })
    }

    fn from_windows(cpu: Option<&cri::WindowsCpuUsage>) -> Option<Self> {
        cpu.map(|cpu| CpuReading {
            usage: cpu.usage_core_nano_seconds.map_or(0, |value| value.value),
            timestamp: cpu.timestamp,
        })
    }
}

/// Computes the CPU % cell of a container or pod from its readings in the
/// first and the second sample.
///
/// Without CPU time in the second sample the cell is `0.00`, as in crictl.
/// Where crictl aborts the whole command (a timestamp that did not advance)
/// or prints a meaningless figure (a counter that went backwards, a first
/// sample without a reading), the cell is [`NO_RATE`].
pub fn cpu_percent(old: Option<CpuReading>, new: Option<CpuReading>) -> String {
    let Some(new) = new.filter(|reading| reading.usage != 0) else {
        return "0.00".to_owned();
    };
    let Some(old) = old.filter(|reading| reading.timestamp != 0) else {
        return NO_RATE.to_owned();
    };
    let elapsed = new.timestamp.saturating_sub(old.timestamp);
    if elapsed <= 0 || new.usage < old.usage {
        return NO_RATE.to_owned();
    }
    let percent = (new.usage - old.usage) as f64 / elapsed as f64 * 100.0;
    format!("{percent:.2}")
}

fn container_id(stats: &cri::ContainerStats) -> &str {
    stats.attributes.as_ref().map_or("", |a| a.id.as_str())
}

fn pod_id(stats: &cri::PodSandboxStats) -> &str {
    stats.attributes.as_ref().map_or("", |a| a.id.as_str())
}

/// Builds the `stats` table. It has one row per container of the second
/// sample that also appears in the first, skipping containers that use
/// neither CPU nor memory (stopped ones) unless `all` is set.
pub fn container_table(
    old: &[cri::ContainerStats],
    new: &[cri::ContainerStats],
    all: bool,
) -> String {
    let earlier: HashMap<&str, &cri::ContainerStats> = old
        .iter()
        .map(|stats| (container_id(stats), stats))
        .collect();
    let mut table = Table::new(MIN_WIDTH);
    table.push_row(CONTAINER_HEADER.map(str::to_owned).to_vec());
    for stats in new {
        let cpu = CpuReading::from_linux(stats.cpu.as_ref());
        let memory = stats
            .memory
            .as_ref()
            .and_then(|memory| memory.working_set_bytes)
            .map_or(0, |value| value.value);
        if !all && cpu.is_none_or(|reading| reading.usage == 0) && memory == 0 {
            continue;
        }
        let Some(before) = earlier.get(container_id(stats)) else {
            continue;
        };
        let old_cpu = CpuReading::from_linux(before.cpu.as_ref());
        let layer = stats.writable_layer.as_ref();
        let disk = layer.and_then(|l| l.used_bytes).map_or(0, |v| v.value);
        let inodes = layer.and_then(|l| l.inodes_used).map_or(0, |v| v.value);
        let swap = stats
            .swap
            .as_ref()
            .and_then(|swap| swap.swap_usage_bytes)
            .map_or(0, |value| value.value);
        let name = stats
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.metadata.as_ref())
            .map_or("", |metadata| metadata.name.as_str());
        table.push_row(vec![
            truncate_id(container_id(stats), ""),
            name.to_owned(),
            cpu_percent(old_cpu, cpu),
            human_size(memory as f64, SIZE_PRECISION),
            human_size(disk as f64, SIZE_PRECISION),
            inodes.to_string(),
            human_size(swap as f64, SIZE_PRECISION),
        ]);
    }
    table.render()
}

/// Returns a pod's CPU reading and memory working set, from its Linux or
/// its Windows figures.
fn pod_usage(stats: &cri::PodSandboxStats) -> Result<(Option<CpuReading>, u64)> {
    match (&stats.linux, &stats.windows) {
        (Some(_), Some(_)) => Err(Error::Runtime(format!(
            "the runtime returned both Linux and Windows stats for pod {:?}",
            pod_id(stats)
        ))),
        (Some(linux), None) => Ok((
            CpuReading::from_linux(linux.cpu.as_ref()),
            linux
                .memory
                .as_ref()
                .and_then(|memory| memory.working_set_bytes)
                .map_or(0, |value| value.value),
        )),
        (None, Some(windows)) => Ok((
            CpuReading::from_windows(windows.cpu.as_ref()),
            windows
                .memory
                .as_ref()
                .and_then(|memory| memory.working_set_bytes)
                .map_or(0, |value| value.value),
        )),
        (None, None) => Ok((None, 0)),
    }
}

/// Builds the `statsp` table. It has one row per pod of the second sample
/// that also appears in the first and uses CPU or memory.
///
/// # Errors
///
/// Fails when the runtime sent both Linux and Windows figures for a pod,
/// since it is unclear which to show.
pub fn pod_table(old: &[cri::PodSandboxStats], new: &[cri::PodSandboxStats]) -> Result<String> {
    let earlier: HashMap<&str, &cri::PodSandboxStats> =
        old.iter().map(|stats| (pod_id(stats), stats)).collect();
    let mut table = Table::new(MIN_WIDTH);
    table.push_row(POD_HEADER.map(str::to_owned).to_vec());
    for stats in new {
        let (cpu, memory) = pod_usage(stats)?;
        if cpu.is_none_or(|reading| reading.usage == 0) && memory == 0 {
            continue;
        }
        let Some(before) = earlier.get(pod_id(stats)) else {
            continue;
        };
        // A pod that switched platforms between the samples has no rate.
        let old_cpu = pod_usage(before)
            .ok()
            .and_then(|(reading, _)| reading)
            .filter(|_| before.linux.is_some() == stats.linux.is_some());
        let name = stats
            .attributes
            .as_ref()
            .and_then(|attributes| attributes.metadata.as_ref())
            .map_or("", |metadata| metadata.name.as_str());
        table.push_row(vec![
            name.to_owned(),
            truncate_id(pod_id(stats), ""),
            cpu_percent(old_cpu, cpu),
            human_size(memory as f64, SIZE_PRECISION),
        ]);
    }
    Ok(table.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1_000_000_000;

    fn reading(usage: u64, timestamp: i64) -> Option<CpuReading> {
        Some(CpuReading { usage, timestamp })
    }

    #[test]
    fn quarter_core_is_25_percent() {
        let old = reading(4_000_000_000, 10 * SECOND);
        let new = reading(4_250_000_000, 11 * SECOND);
        assert_eq!(cpu_percent(old, new), "25.00");
    }

    #[test]
    fn two_cores_over_half_second() {
        let old = reading(1_000, 10 * SECOND);
        let new = reading(1_000 + 1_000_000_000, 10 * SECOND + SECOND / 2);
        assert_eq!(cpu_percent(old, new), "200.00");
    }

    #[test]
    fn percent_rounds_half_to_even() {
        // 1.25 ns over 1000 ns would be 0.125 %, an exact binary tie.
        let old = reading(0, 8_000);
        let new = reading(1, 8_800);
        assert_eq!(cpu_percent(old, new), "0.12");
    }

    #[test]
    fn idle_container_shows_zero() {
        assert_eq!(cpu_percent(reading(0, SECOND), reading(0, SECOND)), "0.00");
    }

    #[test]
    fn missing_new_reading_zero() {
        assert_eq!(cpu_percent(reading(5, SECOND), None), "0.00");
    }

    #[test]
    fn stale_timestamp_shows_dash() {
        let old = reading(100, 5 * SECOND);
        let new = reading(200, 5 * SECOND);
        assert_eq!(cpu_percent(old, new), NO_RATE);
    }

    #[test]
    fn backwards_timestamp_shows_dash() {
        assert_eq!(
            cpu_percent(reading(100, 6 * SECOND), reading(200, 5 * SECOND)),
            NO_RATE
        );
    }

    #[test]
    fn shrinking_counter_shows_dash() {
        assert_eq!(
            cpu_percent(reading(300, SECOND), reading(200, 2 * SECOND)),
            NO_RATE
        );
    }

    #[test]
    fn first_reading_missing_dash() {
        assert_eq!(cpu_percent(None, reading(200, 2 * SECOND)), NO_RATE);
        assert_eq!(
            cpu_percent(reading(0, 0), reading(200, 2 * SECOND)),
            NO_RATE
        );
    }

    #[test]
    fn extreme_timestamps_no_overflow() {
        let old = reading(0, i64::MIN);
        let new = reading(u64::MAX, i64::MAX);
        assert_eq!(
            cpu_percent(old, new),
            format!("{:.2}", u64::MAX as f64 / i64::MAX as f64 * 100.0)
        );
    }

    #[test]
    fn both_platforms_rejected() {
        let stats = cri::PodSandboxStats {
            attributes: Some(cri::PodSandboxAttributes {
                id: "abc".to_owned(),
                ..Default::default()
            }),
            linux: Some(cri::LinuxPodSandboxStats::default()),
            windows: Some(cri::WindowsPodSandboxStats::default()),
        };
        let error = pod_table(&[], &[stats]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the runtime returned both Linux and Windows stats for pod \"abc\""
        );
    }
}
