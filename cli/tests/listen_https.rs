//! `sse listen https://...` (reqwest with rustls) against a local TLS server
//! whose self-signed certificate is made at test time: trusted with
//! `--cacert`, refused without it, accepted with `--insecure`.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n\
                          id: 1\ndata: over tls\n\n";

/// A certificate for 127.0.0.1: its PEM, and a TLS server config with it.
fn certificate() -> (String, Arc<rustls::ServerConfig>) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let pem = made.cert.pem();
    let cert = CertificateDer::from(made.cert.der().to_vec());
    let key = PrivateKeyDer::from(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    (pem, Arc::new(config))
}

/// A TLS server answering one connection with `RESPONSE`; its URL, and
/// whether it served the response (after the request it read).
fn serve(config: Arc<rustls::ServerConfig>) -> (String, JoinHandle<Option<String>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let url = format!("https://{}/events", listener.local_addr().unwrap());
    let thread = thread::spawn(move || {
        let (socket, _) = listener.accept().ok()?;
        let conn = rustls::ServerConnection::new(config).ok()?;
        let mut tls = rustls::StreamOwned::new(conn, socket);
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            // A client that refuses the certificate ends the handshake here.
            let n = tls.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            request.extend_from_slice(&buf[..n]);
        }
        tls.write_all(RESPONSE).ok()?;
        tls.conn.send_close_notify();
        tls.flush().ok()?;
        Some(String::from_utf8_lossy(&request).into_owned())
    });
    (url, thread)
}

fn listen(args: &[&str]) -> (String, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_sse"))
        .arg("listen")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("sse runs");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code(),
    )
}

const ITEMS: &str = "{\"type\":\"open\",\"status\":200}\n\
                     {\"type\":\"event\",\"event\":\"message\",\"data\":\"over tls\",\"id\":\"1\"}\n";

#[test]
fn https_with_cacert() {
    let (pem, config) = certificate();
    let dir = std::env::temp_dir().join(format!("sse-listen-https-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, pem).unwrap();
    let (url, server) = serve(config);
    let (stdout, stderr, code) = listen(&[
        "--reconnect",
        "never",
        "--cacert",
        ca.to_str().unwrap(),
        &url,
    ]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (ITEMS, "", Some(0))
    );
    let request = server.join().unwrap().expect("served");
    assert!(request.starts_with("GET /events HTTP/1.1\r\n"), "{request}");
    assert_eq!(
        request
            .to_ascii_lowercase()
            .matches("\r\naccept: text/event-stream\r\n")
            .count(),
        1
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn https_refuses_an_unknown_certificate_and_insecure_accepts_it() {
    let (_, config) = certificate();
    let (url, server) = serve(config.clone());
    let (stdout, stderr, code) = listen(&["--reconnect", "never", &url]);
    assert_eq!((stdout.as_str(), code), ("", Some(1)), "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
    assert!(server.join().unwrap().is_none());

    let (url, server) = serve(config);
    let (stdout, stderr, code) = listen(&["--reconnect", "never", "--insecure", &url]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (ITEMS, "", Some(0))
    );
    assert!(server.join().unwrap().is_some());
}
