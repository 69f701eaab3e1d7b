//! What can go wrong calling an operation through the client.

use bytes::Bytes;
use http::StatusCode;

/// Why a client call did not give the operation's response enum.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The request could not be written as the spec says it is sent: a header value
    /// with a line break, an object given for a scalar parameter, a body that does not
    /// serialize.
    #[error("cannot encode the request of `{operation}`: {message}")]
    Encode {
        /// The operationId.
        operation: &'static str,
        /// What could not be encoded, and why.
        message: String,
    },
    /// The request did not reach the server, or its response did not arrive whole.
    #[error("request of `{operation}` failed: {message}")]
    Transport {
        /// The operationId.
        operation: &'static str,
        /// The transport's error.
        message: String,
    },
    /// The server answered with a status the operation does not declare; the status,
    /// content type and body are kept so a test can say what came back.
    #[error(
        "`{operation}` answered {status}, which it does not declare: {}",
        preview(body)
    )]
    UndeclaredStatus {
        /// The operationId.
        operation: &'static str,
        /// The status received.
        status: StatusCode,
        /// The response's `content-type`, when it has one.
        content_type: Option<String>,
        /// The whole response body.
        body: Bytes,
    },
    /// The response has a declared status but does not decode as the spec says it
    /// should: a body that is not the declared schema, a media type not declared for
    /// it, a required header missing or malformed.
    #[error("`{operation}` answered {status} that does not decode: {message}")]
    Decode {
        /// The operationId.
        operation: &'static str,
        /// The status received.
        status: StatusCode,
        /// What did not decode, and why.
        message: String,
        /// The whole response body.
        body: Bytes,
    },
}

impl ClientError {
    /// The status the server answered with, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UndeclaredStatus { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Encode { .. } | Self::Transport { .. } => None,
        }
    }

    /// The response body, when a response arrived.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::UndeclaredStatus { body, .. } | Self::Decode { body, .. } => Some(body),
            Self::Encode { .. } | Self::Transport { .. } => None,
        }
    }
}

/// The start of a body for an error message: the runtime's error bodies are short JSON,
/// but an undeclared answer may be anything.
fn preview(body: &Bytes) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    if body.len() > MAX {
        format!("{text}...")
    } else if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text.into_owned()
    }
}
