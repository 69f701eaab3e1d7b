//! The credentials a client presents, and how each security scheme of the spec
//! presents them.

use base64::Engine;

/// A credential the client holds for one security scheme, by the scheme's name in the
/// spec ([`Client::with_credential`](super::Client::with_credential)).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A token for an HTTP `bearer`, OAuth 2 or OpenID Connect scheme.
    Bearer(String),
    /// A user and password for an HTTP `basic` scheme.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: String,
    },
    /// The key of an `apiKey` scheme, sent in the header, query parameter or cookie
    /// the scheme names.
    Key(String),
    /// The credentials of any other HTTP scheme, sent as `Authorization: <scheme>
    /// <credentials>`.
    Http(String),
}

impl std::fmt::Debug for Credential {
    // A credential never appears in logs or test output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Self::Bearer(_) => "Bearer",
            Self::Basic { .. } => "Basic",
            Self::Key(_) => "Key",
            Self::Http(_) => "Http",
        };
        write!(f, "Credential::{kind}(..)")
    }
}

/// How a scheme of the spec presents its credential; generated code lists an
/// operation's requirements with these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in `components/securitySchemes`.
    pub name: &'static str,
    /// Where and how its credential goes.
    pub presented: Presented,
}

/// Where and how a scheme's credential goes in a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presented {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// `Authorization: <scheme> <credentials>`.
    Http(&'static str),
    /// A header of this name.
    Header(&'static str),
    /// A query parameter of this name.
    Query(&'static str),
    /// A cookie of this name.
    Cookie(&'static str),
    /// Nothing a client can add to a request: a client certificate (`mutualTLS`, set
    /// up on the HTTP client instead) or a scheme the spec does not describe.
    Elsewhere,
}

impl Scheme {
    /// A scheme named `name` presented as `presented`.
    pub const fn new(name: &'static str, presented: Presented) -> Self {
        Self { name, presented }
    }
}

/// What a scheme's credential adds to a request.
pub(crate) enum Addition {
    Header(&'static str, String),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// What presenting `credential` for `scheme` adds, or `None` when the credential is not
/// of the kind the scheme takes.
fn addition(scheme: &Scheme, credential: &Credential) -> Option<Addition> {
    let authorization = |value: String| Some(Addition::Header("authorization", value));
    match (scheme.presented, credential) {
        (Presented::Bearer, Credential::Bearer(token)) => authorization(format!("Bearer {token}")),
        (Presented::Basic, Credential::Basic { username, password }) => {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
            authorization(format!("Basic {pair}"))
        }
        (Presented::Http(name), Credential::Http(credentials)) => {
            authorization(format!("{name} {credentials}"))
        }
        (Presented::Header(name), Credential::Key(key)) => {
            Some(Addition::Header(name, key.clone()))
        }
        (Presented::Query(name), Credential::Key(key)) => Some(Addition::Query(name, key.clone())),
        (Presented::Cookie(name), Credential::Key(key)) => {
            Some(Addition::Cookie(name, key.clone()))
        }
        _ => None,
    }
}

/// What the first of `requirements` the client holds every credential of adds to a
/// request; nothing when the operation is public, allows anonymous calls or the
/// client holds none that fit (the server then answers as it does to anyone).
pub(crate) fn additions(
    requirements: &[&[Scheme]],
    held: &[(String, Credential)],
) -> Vec<Addition> {
    let find = |name: &str| {
        held.iter()
            .rev()
            .find(|(scheme, _)| scheme == name)
            .map(|(_, credential)| credential)
    };
    // An empty requirement (anonymous calls allowed) adds nothing, so it is the
    // fallback whatever its place in the list.
    for requirement in requirements.iter().filter(|r| !r.is_empty()) {
        let additions: Option<Vec<Addition>> = requirement
            .iter()
            .map(|scheme| find(scheme.name).and_then(|credential| addition(scheme, credential)))
            .collect();
        if let Some(additions) = additions {
            return additions;
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEARER: Scheme = Scheme::new("bearerAuth", Presented::Bearer);
    const KEY: Scheme = Scheme::new("apiKey", Presented::Query("api_key"));
    const BASIC: Scheme = Scheme::new("basic", Presented::Basic);

    fn texts(additions: Vec<Addition>) -> Vec<String> {
        additions
            .into_iter()
            .map(|addition| match addition {
                Addition::Header(name, value) => format!("header {name}: {value}"),
                Addition::Query(name, value) => format!("query {name}={value}"),
                Addition::Cookie(name, value) => format!("cookie {name}={value}"),
            })
            .collect()
    }

    #[test]
    fn the_first_requirement_held_whole_is_presented() {
        let held = vec![("apiKey".to_owned(), Credential::Key("k1".to_owned()))];
        let requirements: &[&[Scheme]] = &[&[BEARER], &[KEY]];
        assert_eq!(texts(additions(requirements, &held)), ["query api_key=k1"]);
        let held = vec![
            ("apiKey".to_owned(), Credential::Key("k1".to_owned())),
            ("bearerAuth".to_owned(), Credential::Bearer("t".to_owned())),
        ];
        assert_eq!(
            texts(additions(requirements, &held)),
            ["header authorization: Bearer t"]
        );
    }

    #[test]
    fn a_requirement_needs_every_scheme_and_the_right_kind() {
        let held = vec![("bearerAuth".to_owned(), Credential::Key("k".to_owned()))];
        let requirements: &[&[Scheme]] = &[&[BEARER, KEY]];
        assert!(additions(requirements, &held).is_empty());
        let held = vec![(
            "basic".to_owned(),
            Credential::Basic {
                username: "ann".to_owned(),
                password: "pw".to_owned(),
            },
        )];
        assert_eq!(
            texts(additions(&[&[BASIC]], &held)),
            ["header authorization: Basic YW5uOnB3"]
        );
    }

    #[test]
    fn credentials_do_not_show_in_debug_output() {
        let text = format!("{:?}", Credential::Bearer("secret".to_owned()));
        assert!(!text.contains("secret"), "{text}");
    }
}
