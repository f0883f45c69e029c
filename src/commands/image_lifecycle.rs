//! `pull` and `rmi`: fetching images onto the node and removing them.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tracing::debug;

use super::output::write_text;
use super::pod_lifecycle::parse_duration;
use super::{Context, listing, manifest};
use crate::error::{Error, Failures, Result};
use crate::filter;
use crate::proto::cri;
use crate::transport::{
    ImageClient, RuntimeClient, call, call_unlogged, request, request_unlogged,
};

/// Registry credentials flags shared by `pull`, `create` and `run`.
#[derive(Debug, Args, Default, Clone)]
pub struct AuthArgs {
    /// Registry credentials as USERNAME[:PASSWORD]
    #[arg(
        long = "creds",
        env = "CRICTL_CREDS",
        hide_env_values = true,
        value_name = "USERNAME[:PASSWORD]"
    )]
    pub creds: Option<String>,

    /// Registry credentials as base64 of USERNAME:PASSWORD
    #[arg(
        long = "auth",
        env = "CRICTL_AUTH",
        hide_env_values = true,
        value_name = "BASE64"
    )]
    pub auth: Option<String>,

    /// Registry user name; the password is read from the terminal, or from
    /// the first line of standard input when it is not a terminal
    #[arg(short = 'u', long = "username")]
    pub username: Option<String>,
}

/// Arguments of `pull`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PullArgs {
    #[command(subcommand)]
    pub schema: Option<super::schema::SchemaCommand>,

    #[command(flatten)]
    pub auth: AuthArgs,

    /// Pod sandbox config (JSON or YAML) to pull the image for
    #[arg(long = "pod-config", value_name = "FILE")]
    pub pod_config: Option<PathBuf>,

    /// Annotation KEY=VALUE to pull the image with (repeatable)
    #[arg(short = 'a', long = "annotation", value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,

    /// Deadline for the pull, as a Go duration; none by default
    #[arg(long = "pull-timeout", visible_alias = "pt", env = "CRICTL_PULL_TIMEOUT", value_parser = parse_duration)]
    pub pull_timeout: Option<Duration>,

    /// Image to pull: NAME[:TAG|@DIGEST]
    #[arg(value_name = "IMAGE")]
    pub image: Option<String>,
}

/// Pulls an image and prints the reference the runtime stored it under.
pub async fn pull(args: PullArgs, context: &mut Context<'_>) -> Result<()> {
    if let Some(super::schema::SchemaCommand::JsonSchema(schema)) = &args.schema {
        return super::schema::print("pull", super::schema::Schemas::Pod, schema, context.out);
    }
    let Some(image) = args.image.filter(|name| !name.is_empty()) else {
        return Err(Error::Invalid("no image name given".to_owned()));
    };
    let annotations = filter::parse_labels(&args.annotation)
        .map_err(|_| Error::Invalid("invalid --annotation: expected KEY=VALUE".to_owned()))?;
    let auth = resolve_auth(&args.auth, context.out)?;
    let sandbox_config = match &args.pod_config {
        Some(path) => Some(manifest::load_pod_config(path)?),
        None => None,
    };

    let mut client = context.connector.image().await?;
    let image_ref = pull_image(
        &mut client,
        cri::ImageSpec {
            image: image.clone(),
            annotations,
            ..Default::default()
        },
        auth,
        sandbox_config,
        args.pull_timeout,
    )
    .await?;
    write_text(
        context.out,
        &format!("Image is up to date for {image_ref}\n"),
    )
}

/// Makes the `PullImage` call and returns the stored image's reference.
///
/// The request is logged with its credentials removed; `Debug` on the
/// generated `AuthConfig` would print them.
pub async fn pull_image(
    client: &mut ImageClient,
    spec: cri::ImageSpec,
    auth: Option<cri::AuthConfig>,
    sandbox_config: Option<cri::PodSandboxConfig>,
    pull_timeout: Option<Duration>,
) -> Result<String> {
    let name = spec.image.clone();
    let deadline = pull_timeout.filter(|timeout| !timeout.is_zero());
    let message = cri::PullImageRequest {
        image: Some(spec),
        auth,
        sandbox_config,
    };
    debug!(
        image = %name,
        with_credentials = message.auth.is_some(),
        deadline = ?deadline,
        "sending PullImageRequest"
    );
    let reply = call_unlogged(
        deadline,
        client.pull_image(request_unlogged(message, deadline)),
    )
    .await
    .map_err(|status| Error::rpc(format!("pulling image {name:?}"), status))?;
    debug!(image_ref = %reply.image_ref, "received PullImageResponse");
    if reply.image_ref.is_empty() {
        return Err(Error::Runtime(format!(
            "the runtime pulled {name:?} but returned no image reference"
        )));
    }
    Ok(reply.image_ref)
}

/// Builds registry credentials from `--username`, `--creds` or `--auth`.
pub fn resolve_auth(args: &AuthArgs, out: &mut dyn Write) -> Result<Option<cri::AuthConfig>> {
    if let Some(username) = &args.username {
        let password = read_password(out)?;
        return Ok(Some(cri::AuthConfig {
            username: username.clone(),
            password,
            ..Default::default()
        }));
    }
    match (&args.creds, &args.auth) {
        (Some(_), Some(_)) => Err(Error::Invalid(
            "--creds and --auth both give credentials; use one".to_owned(),
        )),
        (Some(creds), None) => {
            let (username, password) = parse_creds(creds)?;
            Ok(Some(cri::AuthConfig {
                username,
                password,
                ..Default::default()
            }))
        }
        (None, Some(auth)) => Ok(Some(cri::AuthConfig {
            auth: auth.clone(),
            ..Default::default()
        })),
        (None, None) => Ok(None),
    }
}

/// Splits `USERNAME[:PASSWORD]` at the first colon.
fn parse_creds(creds: &str) -> Result<(String, String)> {
    if creds.is_empty() {
        return Err(Error::Invalid(
            "--creds is empty; give USERNAME[:PASSWORD]".to_owned(),
        ));
    }
    let (username, password) = creds.split_once(':').unwrap_or((creds, ""));
    if username.is_empty() {
        return Err(Error::Invalid(
            "--creds has no user name before the colon; give USERNAME[:PASSWORD]".to_owned(),
        ));
    }
    Ok((username.to_owned(), password.to_owned()))
}

/// Reads a password: from the terminal with echo off, or as the first line
/// of standard input when that is a pipe or file.
fn read_password(out: &mut dyn Write) -> Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|source| Error::io("reading the password from standard input", source))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }

    write_text(out, "Enter Password:")?;
    out.flush()
        .map_err(|source| Error::io("writing the password prompt", source))?;
    let fd = rustix::stdio::stdin();
    let saved = rustix::termios::tcgetattr(fd)
        .map_err(|errno| Error::io("reading terminal settings", errno.into()))?;
    let mut silent = saved.clone();
    silent.local_modes.remove(rustix::termios::LocalModes::ECHO);
    rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &silent)
        .map_err(|errno| Error::io("turning off terminal echo", errno.into()))?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    // Echo comes back whatever the read returned.
    let _ = rustix::termios::tcsetattr(fd, rustix::termios::OptionalActions::Now, &saved);
    write_text(out, "\n")?;
    read.map_err(|source| Error::io("reading the password", source))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Arguments of `rmi`.
#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Remove every image
    #[arg(short = 'a', long = "all")]
    pub all: bool,

    /// Remove every image that no container uses, keeping pinned images and the pod sandbox image
    #[arg(short = 'q', long = "prune")]
    pub prune: bool,

    /// Image IDs or names
    #[arg(
        value_name = "IMAGE-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub images: Vec<String>,
}

/// Removes images concurrently; every failure is reported.
pub async fn rmi(args: RmiArgs, context: &mut Context<'_>) -> Result<()> {
    let mut image_client = context.connector.image().await?;
    let timeout = context.timeout();
    let mut targets: Vec<String> = args.images.clone();
    if args.all || args.prune {
        let images = listing::images(&mut image_client, None, timeout)
            .await
            .map_err(|status| Error::rpc("listing images", status))?;
        let in_use = if args.prune {
            let mut runtime = context.connector.runtime().await?;
            images_in_use(&mut runtime, &mut image_client, timeout).await?
        } else {
            BTreeSet::new()
        };
        for image in images {
            if args.prune && (image.pinned || in_use.contains(&image.id)) {
                debug!(image = %image.id, pinned = image.pinned, "keeping image");
                continue;
            }
            if !targets.contains(&image.id) {
                targets.push(image.id);
            }
        }
    }
    if targets.is_empty() {
        if args.all || args.prune {
            crate::diag::info("no images to remove");
            return Ok(());
        }
        return Err(Error::Help {
            command: "rmi",
            message: None,
        });
    }

    let tasks = targets
        .iter()
        .map(|target| remove_image(image_client.clone(), target.clone(), timeout));
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

/// Removes one image, returning the `Deleted:` lines and the outcome.
async fn remove_image(
    mut client: ImageClient,
    target: String,
    timeout: Option<Duration>,
) -> (String, Result<()>) {
    let mut lines = String::new();
    let result = async {
        let image = image_status(&mut client, &target, timeout)
            .await?
            .ok_or_else(|| Error::Runtime(format!("no such image {target:?}")))?;
        if image.repo_tags.len() > 1
            && !target.starts_with("sha256:")
            && target.contains([':', '/'])
        {
            crate::diag::warn(&format!(
                "image {target:?} has several tags; removing it deletes all of them: {}",
                image.repo_tags.join(", ")
            ));
        }
        call(
            timeout,
            client.remove_image(request(
                cri::RemoveImageRequest {
                    image: Some(spec(&target)),
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("removing image {target:?}"), status))?;
        let names = if image.repo_tags.is_empty() {
            &image.repo_digests
        } else {
            &image.repo_tags
        };
        for name in names {
            lines.push_str(&format!("Deleted: {name}\n"));
        }
        Ok(())
    }
    .await;
    (lines, result)
}

fn spec(image: &str) -> cri::ImageSpec {
    cri::ImageSpec {
        image: image.to_owned(),
        ..Default::default()
    }
}

/// Makes the `ImageStatus` call for `name`, returning `None` when no image
/// matches.
pub(super) async fn image_status(
    client: &mut ImageClient,
    name: &str,
    timeout: Option<Duration>,
) -> Result<Option<cri::Image>> {
    call(
        timeout,
        client.image_status(request(
            cri::ImageStatusRequest {
                image: Some(spec(name)),
                verbose: false,
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.image)
    .map_err(|status| Error::rpc(format!("getting the status of image {name:?}"), status))
}

/// Collects the IDs of images that containers (in any state) or pod
/// sandboxes use. Pruning must not guess: when the image of a container or
/// sandbox cannot be determined, this fails and nothing is removed.
async fn images_in_use(
    runtime: &mut RuntimeClient,
    images: &mut ImageClient,
    timeout: Option<Duration>,
) -> Result<BTreeSet<String>> {
    let mut in_use = BTreeSet::new();
    let containers = listing::containers(runtime, cri::ContainerFilter::default(), timeout)
        .await
        .map_err(|status| Error::rpc("listing containers", status))?;
    for container in &containers {
        let name = container
            .image
            .as_ref()
            .map_or("", |spec| spec.image.as_str());
        let resolved = if name.is_empty() {
            None
        } else {
            image_status(images, name, timeout).await.ok().flatten()
        };
        match resolved {
            Some(image) => {
                in_use.insert(image.id);
            }
            None if container.image_ref.starts_with("sha256:") => {
                in_use.insert(container.image_ref.clone());
            }
            None => {
                return Err(Error::Runtime(format!(
                    "cannot tell which image container {} uses, so no image was pruned",
                    container.id
                )));
            }
        }
    }

    for sandbox_image in sandbox_images(runtime, timeout).await? {
        match image_status(images, &sandbox_image, timeout).await? {
            Some(image) => {
                in_use.insert(image.id);
            }
            None => debug!(image = %sandbox_image, "sandbox image is not on the node"),
        }
    }
    Ok(in_use)
}

/// Names the images pod sandboxes run: each sandbox's own image from its
/// verbose status, and the runtime's configured sandbox image, which the
/// next pod will need even when no pod exists.
async fn sandbox_images(
    runtime: &mut RuntimeClient,
    timeout: Option<Duration>,
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let status = call(
        timeout,
        runtime.status(request(cri::StatusRequest { verbose: true }, timeout)),
    )
    .await
    .map_err(|status| Error::rpc("getting the runtime status", status))?;
    let configured = info_string(&status.info, "config", "sandboxImage");
    names.extend(configured.clone());

    let pods = listing::pods(runtime, cri::PodSandboxFilter::default(), timeout)
        .await
        .map_err(|status| Error::rpc("listing pod sandboxes", status))?;
    for pod in pods {
        let reply = call(
            timeout,
            runtime.pod_sandbox_status(request(
                cri::PodSandboxStatusRequest {
                    pod_sandbox_id: pod.id.clone(),
                    verbose: true,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of pod {:?}", pod.id), status))?;
        match info_string(&reply.info, "info", "image") {
            Some(image) => names.push(image),
            None if configured.is_some() => {}
            None => {
                return Err(Error::Runtime(format!(
                    "cannot tell which image pod sandbox {} uses, so no image was pruned",
                    pod.id
                )));
            }
        }
    }
    Ok(names)
}

/// Reads a string field from a JSON document in a verbose info map.
fn info_string(info: &BTreeMap<String, String>, key: &str, field: &str) -> Option<String> {
    let document: serde_json::Value = serde_json::from_str(info.get(key)?).ok()?;
    document.get(field)?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creds_vectors() {
        let cases = [
            ("alice:secret", ("alice", "secret")),
            ("alice", ("alice", "")),
            ("alice:", ("alice", "")),
            ("alice:p:a:ss", ("alice", "p:a:ss")),
        ];
        for (text, (user, password)) in cases {
            let (u, p) = parse_creds(text).unwrap();
            assert_eq!(u, user, "{text}");
            assert_eq!(p, password, "{text}");
        }
    }

    #[test]
    fn creds_empty_rejected() {
        assert!(parse_creds("").is_err());
    }

    #[test]
    fn creds_without_user_rejected() {
        assert!(parse_creds(":secret").is_err());
    }

    #[test]
    fn auth_and_creds_conflict() {
        let args = AuthArgs {
            creds: Some("a:b".into()),
            auth: Some("dG9rZW4=".into()),
            username: None,
        };
        assert!(resolve_auth(&args, &mut Vec::new()).is_err());
    }

    #[test]
    fn auth_alone_kept() {
        let args = AuthArgs {
            auth: Some("dG9rZW4=".into()),
            ..Default::default()
        };
        let auth = resolve_auth(&args, &mut Vec::new()).unwrap().unwrap();
        assert_eq!(auth.auth, "dG9rZW4=");
        assert!(auth.username.is_empty());
    }

    #[test]
    fn no_credentials_no_auth() {
        assert!(
            resolve_auth(&AuthArgs::default(), &mut Vec::new())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn info_sandbox_image_read() {
        let mut info = BTreeMap::new();
        info.insert(
            "config".to_owned(),
            r#"{"sandboxImage": "registry.k8s.io/pause:3.6"}"#.to_owned(),
        );
        assert_eq!(
            info_string(&info, "config", "sandboxImage").as_deref(),
            Some("registry.k8s.io/pause:3.6")
        );
    }
}
