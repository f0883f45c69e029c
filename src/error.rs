//! The errors a command can end with, their one-line text for stderr and the
//! exit status each one maps to.

use std::fmt;

use tonic::Code;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An RPC failed. `action` names what was being done and to what.
    #[error("{action}: {}", describe_status(.status))]
    Rpc {
        action: String,
        #[source]
        status: tonic::Status,
    },

    /// The runtime's socket could not be reached or did not speak CRI.
    #[error("{0}")]
    Connect(#[from] crate::transport::ConnectError),

    /// A flag, argument or config value is invalid; the text names it.
    #[error("{0}")]
    Invalid(String),

    /// The config file could not be read or written.
    #[error(transparent)]
    Config(#[from] crate::config::file::Error),

    /// A local file operation failed.
    #[error("{action}: {source}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },

    /// The runtime replied, but with something we cannot show.
    #[error("{0}")]
    Runtime(String),

    /// Nothing to act on: crictl prints the command's help and exits 0,
    /// after an optional message on stderr.
    #[error("{}", .message.as_deref().unwrap_or("help requested"))]
    Help {
        command: &'static str,
        message: Option<String>,
    },

    /// Several items of one command failed.
    #[error("{0}")]
    Many(Failures),

    /// Reading or following a container's log file failed.
    #[error(transparent)]
    Logs(#[from] crate::logs::Error),

    /// The user interrupted the command (Ctrl-C or SIGTERM).
    #[error("interrupted")]
    Interrupted,

    /// A command run in a container (`exec`) ended with this non-zero exit
    /// status, which becomes ours. The command's own output already showed
    /// what went wrong, so nothing more is printed.
    #[error("the command exited with status {0}")]
    Exit(i32),

    /// An exec, attach or port-forward stream failed.
    #[error(transparent)]
    Stream(Box<crate::streaming::StreamError>),
}

impl Error {
    /// Builds an RPC error with the action that failed.
    pub fn rpc(action: impl Into<String>, status: tonic::Status) -> Self {
        Error::Rpc {
            action: action.into(),
            status,
        }
    }

    /// Builds an error for a local file operation.
    pub fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            action: action.into(),
            source,
        }
    }

    /// Returns the process exit status for this error, matching crictl's: 1
    /// for every failure, 0 when the outcome is only a help text.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Help { .. } => 0,
            Error::Interrupted => 1,
            // Exit statuses are 8 bits; a runtime reporting anything else
            // (such as -1 for "unknown") still means failure.
            Error::Exit(code) if (1..=255).contains(code) => *code,
            _ => 1,
        }
    }

    /// Returns a next step to suggest after the message, where one helps.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Rpc { status, .. } => match status.code() {
                Code::Unavailable => Some("is the container runtime running?"),
                Code::DeadlineExceeded => {
                    Some("the runtime may be overloaded; retry with a longer --timeout")
                }
                Code::Unimplemented => Some("this runtime version does not offer this call"),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Renders a gRPC status as plain words plus the runtime's own message.
pub fn describe_status(status: &tonic::Status) -> String {
    let words = code_words(status.code());
    let message = status.message().trim();
    match (words, message.is_empty()) {
        (None, true) => "unknown error".to_owned(),
        (None, false) => message.to_owned(),
        (Some(words), true) => words.to_owned(),
        (Some(words), false) => format!("{words}: {message}"),
    }
}

fn code_words(code: Code) -> Option<&'static str> {
    Some(match code {
        // The runtime's message alone is clearest when it gave no category.
        Code::Ok | Code::Unknown => return None,
        Code::Cancelled => "canceled",
        Code::InvalidArgument => "invalid argument",
        Code::DeadlineExceeded => "timed out",
        Code::NotFound => "not found",
        Code::AlreadyExists => "already exists",
        Code::PermissionDenied => "permission denied",
        Code::ResourceExhausted => "resource exhausted",
        Code::FailedPrecondition => "failed precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out of range",
        Code::Unimplemented => "not implemented by the runtime",
        Code::Internal => "internal error in the runtime",
        Code::Unavailable => "runtime unavailable",
        Code::DataLoss => "data loss",
        Code::Unauthenticated => "unauthenticated",
    })
}

/// Shorthand for command results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A list of failures from commands that act on many items at once: each
/// item is attempted, and all failures are reported together.
#[derive(Debug, Default)]
pub struct Failures(pub Vec<Error>);

impl Failures {
    /// Ends a many-item command: `Ok` when nothing failed, the one error
    /// when one failed, every message on its own line otherwise.
    pub fn into_result(mut self) -> Result<()> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(Error::Many(self)),
        }
    }
}

impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_not_found_in_words() {
        let status = tonic::Status::not_found("container abc");
        assert_eq!(describe_status(&status), "not found: container abc");
    }

    #[test]
    fn status_unknown_keeps_message() {
        let status = tonic::Status::unknown("boom");
        assert_eq!(describe_status(&status), "boom");
    }

    #[test]
    fn rpc_error_names_action() {
        let error = Error::rpc(
            "getting status of container \"abc\"",
            tonic::Status::unavailable("socket closed"),
        );
        assert_eq!(
            error.to_string(),
            "getting status of container \"abc\": runtime unavailable: socket closed"
        );
    }

    #[test]
    fn exit_status_propagated() {
        assert_eq!(Error::Exit(3).exit_code(), 3);
    }

    #[test]
    fn exit_status_out_of_range() {
        assert_eq!(Error::Exit(-1).exit_code(), 1);
        assert_eq!(Error::Exit(256).exit_code(), 1);
    }

    #[test]
    fn help_exits_zero() {
        let error = Error::Help {
            command: "ps",
            message: None,
        };
        assert_eq!(error.exit_code(), 0);
    }
}
