//! `events`: the runtime's stream of container lifecycle events, printed one
//! by one as JSON, YAML or a Go template until the runtime ends the stream
//! or the user interrupts the command.

use std::io::Write;

use clap::Args;
use tracing::debug;

use super::output::{self, Format};
use super::{Context, unsupported};
use crate::error::{Error, Result};
use crate::proto::{cri, json};
use crate::render::template::{self, Template};
use crate::transport::request;

/// Arguments of `events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Output format: json, yaml or go-template
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Go template for -o go-template, applied to each event as JSON
    #[arg(long = "template", default_value = "")]
    pub template: String,

    /// Not accepted; crictl shows the help when given any
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub arguments: Vec<String>,
}

/// The output form of each event.
enum EventFormat {
    Json,
    Yaml,
    Template(Template),
}

impl EventFormat {
    /// Checks `-o` and `--template` before anything connects: a template
    /// goes only with go-template, and must parse.
    fn new(output: &str, template_text: &str) -> Result<Self> {
        let format = Format::parse(output, &[Format::Json, Format::Yaml, Format::GoTemplate])?;
        if format != Format::GoTemplate && !template_text.is_empty() {
            return Err(Error::Invalid(format!(
                "--template works only with -o go-template, not with -o {output}"
            )));
        }
        Ok(match format {
            Format::Yaml => EventFormat::Yaml,
            Format::GoTemplate => EventFormat::Template(
                template::parse(template_text)
                    .map_err(|error| Error::Invalid(format!("invalid go-template: {error}")))?,
            ),
            _ => EventFormat::Json,
        })
    }

    /// Renders one event, or returns why the template failed on it.
    fn text(&self, event: &cri::ContainerEventResponse) -> Result<String, template::TemplateError> {
        let document = json::to_json("runtime.v1.ContainerEventResponse", event);
        match self {
            EventFormat::Json => Ok(output::protojson_document_text(Format::Json, &document)),
            EventFormat::Yaml => Ok(output::protojson_document_text(Format::Yaml, &document)),
            EventFormat::Template(parsed) => {
                template::execute(parsed, &document).map(|text| text + "\n")
            }
        }
    }
}

/// Prints container events as the runtime sends them.
pub async fn events(args: EventsArgs, context: &mut Context<'_>) -> Result<()> {
    if let Some(first) = args.arguments.first() {
        return Err(Error::Help {
            command: "events",
            message: Some(format!("events takes no arguments, but got {first:?}")),
        });
    }
    let format = EventFormat::new(&args.output, &args.template)?;
    let mut client = context.connector.runtime().await?;
    let timeout = context.timeout();

    // No deadline: the stream lasts as long as the user wants events. The
    // runtime may send its reply headers only with the first event, so
    // opening the stream is not limited either.
    let opened = client
        .get_container_events(request(cri::GetEventsRequest {}, None))
        .await;
    let mut stream = match opened {
        Ok(reply) => reply.into_inner(),
        Err(status) => return Err(stream_error(&mut client, timeout, status).await),
    };
    loop {
        let event = match stream.message().await {
            Ok(Some(event)) => event,
            Ok(None) => return Ok(()),
            Err(status) => return Err(stream_error(&mut client, timeout, status).await),
        };
        debug!(container_id = %event.container_id, "received container event");
        match format.text(&event) {
            Ok(text) => write_flushed(context.out, &text)?,
            // One event the template cannot render does not end the stream;
            // crictl also carries on, printing its message on stdout.
            Err(error) => crate::diag::error(&format!(
                "cannot print the event of container {:?}: {error}",
                event.container_id
            )),
        }
    }
}

async fn stream_error(
    client: &mut crate::transport::RuntimeClient,
    timeout: Option<std::time::Duration>,
    status: tonic::Status,
) -> Error {
    unsupported::rpc_error(
        client,
        timeout,
        status,
        "GetContainerEvents",
        "events",
        "receiving container events",
    )
    .await
}

/// Writes one event and flushes it, so that a program reading a pipe gets
/// each event when it happens.
fn write_flushed(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| Error::io("writing output", source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_with_json_rejected() {
        let error = EventFormat::new("json", "{{.containerId}}").err().unwrap();
        assert_eq!(
            error.to_string(),
            "--template works only with -o go-template, not with -o json"
        );
    }

    #[test]
    fn table_format_rejected() {
        let error = EventFormat::new("table", "").err().unwrap();
        assert!(error.to_string().contains("\"table\""), "{error}");
    }

    #[test]
    fn unclosed_template_rejected() {
        let error = EventFormat::new("go-template", "{{").err().unwrap();
        assert!(
            error.to_string().starts_with("invalid go-template: "),
            "{error}"
        );
    }

    #[test]
    fn builtin_functions_accepted() {
        for text in [
            "{{ . | json }}",
            "{{ .containerId | upper }}",
            "{{ title \"abc\" }}",
        ] {
            assert!(EventFormat::new("go-template", text).is_ok(), "{text}");
        }
    }

    #[test]
    fn template_renders_event() {
        let format =
            EventFormat::new("go-template", "{{.containerId}} {{.containerEventType}}").unwrap();
        let event = cri::ContainerEventResponse {
            container_id: "abc".to_owned(),
            container_event_type: cri::ContainerEventType::ContainerStoppedEvent as i32,
            ..Default::default()
        };
        assert_eq!(
            format.text(&event).unwrap(),
            "abc CONTAINER_STOPPED_EVENT\n"
        );
    }
}
