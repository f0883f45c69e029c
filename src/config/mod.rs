//! Effective settings, merged as crictl merges them: command-line flags, then
//! environment variables, then the config file, then built-in defaults.

pub mod edit;
pub mod endpoint;
pub mod file;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tracing::debug;

/// Timeout for connecting and for each RPC when nothing else is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Connection retries for explicit endpoints when no config file is loaded.
pub const DEFAULT_MAX_RETRIES: i64 = 3;

/// The config file read when neither `--config` nor `CRI_CONFIG_FILE` is set.
pub const DEFAULT_CONFIG_PATH: &str = "/etc/crictl.yaml";

/// Global options as given on the command line, before any merging. `None`
/// means the flag was not given.
#[derive(Debug, Clone, Default)]
pub struct GlobalArgs {
    pub config: Option<String>,
    pub runtime_endpoint: Option<String>,
    pub image_endpoint: Option<String>,
    /// Signed nanoseconds; zero or less selects the default.
    pub timeout: Option<i64>,
    pub debug: bool,
    pub max_retries: Option<i64>,
}

/// The address of one of the two CRI services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Given by flag, environment or config file; retried on failure.
    Explicit(String),
    /// Nothing configured: try [`endpoint::DEFAULT_ENDPOINTS`] in order.
    Probe,
}

/// The settings a command runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub runtime_endpoint: Endpoint,
    pub image_endpoint: Endpoint,
    pub timeout: Duration,
    pub debug: bool,
    /// Retries after a failed connection; negative retries forever.
    pub max_retries: i64,
    pub pull_image_on_create: bool,
    pub disable_pull_on_run: bool,
    /// The config file path from flag, environment or default; the `config`
    /// command edits this file.
    pub config_path: PathBuf,
    /// Whether `config_path` came from `--config` or `CRI_CONFIG_FILE`.
    pub config_path_explicit: bool,
    /// A default config file that exists but could not be used, reported as
    /// a warning because crictl would ignore it silently.
    pub ignored_config: Option<String>,
}

/// A problem with the settings themselves.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "{0} is set but empty; give an endpoint such as unix:///run/containerd/containerd.sock"
    )]
    EmptyEndpoint(&'static str),
    #[error(transparent)]
    File(#[from] file::Error),
}

/// Reads one environment variable; set-but-empty counts as set, as in crictl.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Merges flags, environment and config file into the effective settings.
///
/// `for_config_command` lets a missing explicit config file pass, because
/// the `config` command creates it.
pub fn resolve(
    args: &GlobalArgs,
    env: EnvLookup<'_>,
    executable_dir: Option<&Path>,
    for_config_command: bool,
) -> Result<Settings, SettingsError> {
    let config_flag = args.config.clone().or_else(|| env("CRI_CONFIG_FILE"));
    let config_path_explicit = config_flag.is_some();
    let config_path = PathBuf::from(config_flag.unwrap_or_else(|| DEFAULT_CONFIG_PATH.to_owned()));

    let mut ignored_config = None;
    let loaded = match load_config(&config_path, executable_dir) {
        Ok(values) => values,
        Err(error) if config_path_explicit => {
            if for_config_command && is_missing(&error) {
                None
            } else {
                return Err(error.into());
            }
        }
        Err(error) => {
            if !is_missing(&error) {
                ignored_config = Some(error.to_string());
            }
            None
        }
    };

    let runtime_flag = args
        .runtime_endpoint
        .clone()
        .or_else(|| env("CONTAINER_RUNTIME_ENDPOINT"));
    let image_flag = args
        .image_endpoint
        .clone()
        .or_else(|| env("IMAGE_SERVICE_ENDPOINT"));
    let from_file = |pick: fn(&file::Values) -> &String| {
        loaded
            .as_ref()
            .map(pick)
            .filter(|value| !value.is_empty())
            .cloned()
    };

    let runtime_endpoint = match runtime_flag.or_else(|| from_file(|v| &v.runtime_endpoint)) {
        Some(value) if value.is_empty() => {
            return Err(SettingsError::EmptyEndpoint("--runtime-endpoint"));
        }
        Some(value) => Endpoint::Explicit(value),
        None => Endpoint::Probe,
    };
    let image_endpoint = match image_flag.or_else(|| from_file(|v| &v.image_endpoint)) {
        Some(value) if !value.is_empty() => Endpoint::Explicit(value),
        // An empty image endpoint falls back to the runtime endpoint.
        _ => runtime_endpoint.clone(),
    };

    let timeout = match args.timeout {
        Some(nanos) if nanos > 0 => Duration::from_nanos(nanos as u64),
        Some(_) => DEFAULT_TIMEOUT,
        None => match &loaded {
            Some(values) if values.timeout > 0 => Duration::from_secs(values.timeout as u64),
            _ => DEFAULT_TIMEOUT,
        },
    };
    let max_retries = match (args.max_retries, &loaded) {
        (Some(retries), _) => retries,
        // With a config file, crictl takes its value even when the key is
        // absent (zero): retries are then off unless configured.
        (None, Some(values)) => values.max_retries,
        (None, None) => DEFAULT_MAX_RETRIES,
    };
    let debug = args.debug || loaded.as_ref().is_some_and(|v| v.debug);

    Ok(Settings {
        runtime_endpoint,
        image_endpoint,
        timeout,
        debug,
        max_retries,
        pull_image_on_create: loaded.as_ref().is_some_and(|v| v.pull_image_on_create),
        disable_pull_on_run: loaded.as_ref().is_some_and(|v| v.disable_pull_on_run),
        config_path,
        config_path_explicit,
        ignored_config,
    })
}

/// Returns whether a load failed only because no config file exists.
fn is_missing(error: &file::Error) -> bool {
    match error {
        file::Error::Missing { .. } => true,
        file::Error::Read { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
        file::Error::Syntax { .. } => false,
    }
}

/// Reads the config at `path`, or else `crictl.yaml` beside the executable.
/// `Ok(None)` is never returned for a missing file: the caller decides.
fn load_config(
    path: &Path,
    executable_dir: Option<&Path>,
) -> Result<Option<file::Values>, file::Error> {
    match file::read(path) {
        Ok(values) => {
            debug!(path = %path.display(), "loaded config file");
            Ok(Some(values))
        }
        Err(file::Error::Read { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound && executable_dir.is_some() =>
        {
            let next = executable_dir
                .map(|dir| dir.join("crictl.yaml"))
                .unwrap_or_default();
            debug!(path = %path.display(), next = %next.display(), "config file missing, trying next");
            let values = file::read(&next).map_err(|error| match error {
                // Name the path the user gave, not only the fallback.
                file::Error::Read { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    file::Error::Missing {
                        path: path.to_owned(),
                        fallback: next.clone(),
                    }
                }
                other => other,
            })?;
            debug!(path = %next.display(), "loaded config file");
            Ok(Some(values))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Resolves with an explicit config path in a temp dir: the written
    /// `config` text, or a missing file (accepted as the `config` command
    /// accepts it), so a real /etc/crictl.yaml never takes part.
    fn resolve_with(
        args: &GlobalArgs,
        vars: &[(&str, &str)],
        config: Option<&str>,
    ) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crictl.yaml");
        if let Some(text) = config {
            std::fs::write(&path, text).unwrap();
        }
        let args = GlobalArgs {
            config: Some(path.display().to_string()),
            ..args.clone()
        };
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let env = move |name: &str| vars.get(name).cloned();
        resolve(&args, &env, Some(&dir.path().join("bin")), true)
    }

    #[test]
    fn flag_beats_environment() {
        let args = GlobalArgs {
            runtime_endpoint: Some("unix:///flag.sock".into()),
            ..Default::default()
        };
        let settings = resolve_with(
            &args,
            &[("CONTAINER_RUNTIME_ENDPOINT", "unix:///env.sock")],
            None,
        )
        .unwrap();
        assert_eq!(
            settings.runtime_endpoint,
            Endpoint::Explicit("unix:///flag.sock".into())
        );
    }

    #[test]
    fn environment_beats_file() {
        let settings = resolve_with(
            &GlobalArgs::default(),
            &[("CONTAINER_RUNTIME_ENDPOINT", "unix:///env.sock")],
            Some("runtime-endpoint: unix:///file.sock\n"),
        )
        .unwrap();
        assert_eq!(
            settings.runtime_endpoint,
            Endpoint::Explicit("unix:///env.sock".into())
        );
    }

    #[test]
    fn file_endpoint_used() {
        let settings = resolve_with(
            &GlobalArgs::default(),
            &[],
            Some("runtime-endpoint: unix:///file.sock\n"),
        )
        .unwrap();
        assert_eq!(
            settings.runtime_endpoint,
            Endpoint::Explicit("unix:///file.sock".into())
        );
        assert_eq!(
            settings.image_endpoint,
            Endpoint::Explicit("unix:///file.sock".into())
        );
    }

    #[test]
    fn nothing_set_probes() {
        let settings = resolve_with(&GlobalArgs::default(), &[], None).unwrap();
        assert_eq!(settings.runtime_endpoint, Endpoint::Probe);
        assert_eq!(settings.image_endpoint, Endpoint::Probe);
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn empty_runtime_endpoint_rejected() {
        let args = GlobalArgs {
            runtime_endpoint: Some(String::new()),
            ..Default::default()
        };
        assert!(matches!(
            resolve_with(&args, &[], None),
            Err(SettingsError::EmptyEndpoint(_))
        ));
    }

    #[test]
    fn retries_zero_with_config() {
        let settings = resolve_with(&GlobalArgs::default(), &[], Some("debug: false\n")).unwrap();
        assert_eq!(settings.max_retries, 0);
    }

    #[test]
    fn timeout_from_file_seconds() {
        let settings = resolve_with(&GlobalArgs::default(), &[], Some("timeout: 7\n")).unwrap();
        assert_eq!(settings.timeout, Duration::from_secs(7));
    }

    #[test]
    fn nonpositive_timeout_flag_defaults() {
        let args = GlobalArgs {
            timeout: Some(-1),
            ..Default::default()
        };
        let settings = resolve_with(&args, &[], Some("timeout: 7\n")).unwrap();
        assert_eq!(settings.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn explicit_bad_config_fails() {
        assert!(resolve_with(&GlobalArgs::default(), &[], Some("bogus: 1\n")).is_err());
    }

    #[test]
    fn missing_explicit_config_fails() {
        let dir = tempfile::tempdir().unwrap();
        let args = GlobalArgs {
            config: Some(dir.path().join("missing.yaml").display().to_string()),
            ..Default::default()
        };
        let env = |_: &str| None;
        assert!(resolve(&args, &env, Some(dir.path()), false).is_err());
    }

    #[test]
    fn executable_dir_config_fallback() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("crictl.yaml"), "timeout: 9\n").unwrap();
        let args = GlobalArgs {
            config: Some(dir.path().join("missing.yaml").display().to_string()),
            ..Default::default()
        };
        let env = |_: &str| None;
        let settings = resolve(&args, &env, Some(dir.path()), false).unwrap();
        assert_eq!(settings.timeout, Duration::from_secs(9));
    }
}
