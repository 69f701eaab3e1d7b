//! Loading the certificate and key for HTTPS.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// Builds an acceptor from PEM files, using the `ring` provider so the build needs no C
/// toolchain beyond what `ring` itself brings.
pub(crate) fn acceptor(cert_file: &Path, key_file: &Path) -> io::Result<TlsAcceptor> {
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("settings", cert_file, &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid("certificate and key", cert_file, &e))?;
    // Only HTTP/1.1 is served; saying so keeps ALPN clients from trying h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
