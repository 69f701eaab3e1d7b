//! Loading the certificate and key for HTTPS.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// Builds an acceptor from PEM files, using the `ring` provider so the build needs no C
/// toolchain beyond what `ring` itself brings. With `client_ca`, clients are asked for a
/// certificate chaining to one of its CAs; one without is still let in unless
/// `require_client`, so that only operations with a `mutualTLS` requirement refuse it.
pub(crate) fn acceptor(
    cert_file: &Path,
    key_file: &Path,
    client_ca: Option<&Path>,
    require_client: bool,
) -> io::Result<TlsAcceptor> {
    let invalid = |what: &str, path: &Path, e: &dyn std::fmt::Display| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("cannot load TLS {what} from {}: {e}", path.display()),
        )
    };
    let certs = CertificateDer::pem_file_iter(cert_file)
        .map_err(|e| invalid("certificates", cert_file, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid("certificates", cert_file, &e))?;
    if certs.is_empty() {
        return Err(invalid("certificates", cert_file, &"no certificate found"));
    }
    let key =
        PrivateKeyDer::from_pem_file(key_file).map_err(|e| invalid("private key", key_file, &e))?;
    // ring builds with a C compiler alone (aws-lc-rs wants cmake), which keeps the
    // runtime buildable anywhere Rust is. rustls releases after 0.23.46 deprecate it for
    // lacking post-quantum key exchange; a crate resolving that version must still
    // build without a warning.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("settings", cert_file, &e))?;
    let builder = match client_ca {
        None if require_client => {
            return Err(invalid(
                "settings",
                cert_file,
                &"require_client_certificate needs client_ca_file",
            ))
        }
        None => builder.with_no_client_auth(),
        Some(ca_file) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(ca_file)
                .map_err(|e| invalid("client CAs", ca_file, &e))?
            {
                let cert = cert.map_err(|e| invalid("client CAs", ca_file, &e))?;
                roots
                    .add(cert)
                    .map_err(|e| invalid("client CAs", ca_file, &e))?;
            }
            if roots.is_empty() {
                return Err(invalid("client CAs", ca_file, &"no certificate found"));
            }
            let verifier =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider);
            let verifier = if require_client {
                verifier
            } else {
                verifier.allow_unauthenticated()
            };
            let verifier = verifier
                .build()
                .map_err(|e| invalid("client CAs", ca_file, &e))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| invalid("certificate and key", cert_file, &e))?;
    // Only HTTP/1.1 is served; saying so keeps ALPN clients from trying h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
