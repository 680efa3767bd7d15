//! `--tls-self-signed` and `--tls-cert`/`--tls-key`: the rustls acceptor
//! (aws-lc-rs), offering `h2` and `http/1.1` by ALPN.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use super::{Args, Error};

/// The acceptor the options ask for, or `None` for plain HTTP.
pub(super) fn config(args: &Args) -> Result<Option<TlsAcceptor>, Error> {
    let (chain, key) = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => from_files(cert, key)?,
        _ if args.tls_self_signed => self_signed(args.addr.ip())?,
        _ => return Ok(None),
    };
    let usage = |e: &dyn std::error::Error| Error::Usage(format!("TLS: {e}"));
    let provider = Arc::new(aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| usage(&e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| usage(&e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}

type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// The certificate chain and key of PEM files.
fn from_files(cert: &Path, key: &Path) -> Result<Identity, Error> {
    let failed = |path: &Path, e: &dyn std::error::Error| {
        Error::Usage(format!("TLS: {}: {e}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| failed(cert, &e))?;
    if chain.is_empty() {
        return Err(Error::Usage(format!(
            "TLS: {}: no certificate in it",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| failed(key, &e))?;
    Ok((chain, key))
}

/// A self-signed certificate for localhost, the loopback addresses and
/// `ip` (when it names one machine).
fn self_signed(ip: IpAddr) -> Result<Identity, Error> {
    let mut names = vec![
        "localhost".to_string(),
        Ipv4Addr::LOCALHOST.to_string(),
        Ipv6Addr::LOCALHOST.to_string(),
    ];
    if !ip.is_unspecified() && !ip.is_loopback() {
        names.push(ip.to_string());
    }
    let made = rcgen::generate_simple_self_signed(names)
        .map_err(|e| Error::Usage(format!("TLS: making a certificate: {e}")))?;
    let cert = CertificateDer::from(made.cert.der().to_vec());
    let key = PrivatePkcs8KeyDer::from(made.signing_key.serialize_der());
    Ok((vec![cert], PrivateKeyDer::from(key)))
}
