//! `http` and `https` URLs as the request writer takes them, and a redirect's
//! `Location` joined against the URL it redirects.

use super::trim;
use crate::HttpError;

/// An absolute `http` or `https` URL, split the way [`Request`](super::Request)
/// and a connector take it: [`authority`](Url::authority) for the `Host`
/// header, [`target`](Url::target) for the request line, and
/// [`host`](Url::host) and [`port`](Url::port) to connect to. A view of the
/// string; nothing is copied.
///
/// # Examples
///
/// ```
/// use sse_proto::http::{Request, Url};
///
/// let url = Url::parse("https://api.example:8443/v1/stream?model=x#top")?;
/// assert!(url.is_https());
/// assert_eq!((url.host(), url.port()), ("api.example", 8443));
/// assert_eq!(url.authority(), "api.example:8443");
/// assert_eq!(url.target(), "/v1/stream?model=x"); // the fragment is never sent
/// let request = Request::get(url.authority(), url.target());
/// # let _ = request;
/// # Ok::<(), sse_proto::HttpError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Url<'a> {
    https: bool,
    authority: &'a str,
    host: &'a str,
    port: u16,
    /// Path and query; `"/"` for an empty path.
    target: &'a str,
}

/// The error for a URL that cannot be requested.
const fn invalid(reason: &'static str) -> HttpError {
    HttpError::InvalidUrl { reason }
}

impl<'a> Url<'a> {
    /// Parses an absolute URL: `http://` or `https://` (any case), a host (a
    /// name, an IPv4 address, or an IPv6 one in brackets) with an optional
    /// port, then an optional path, query and fragment.
    ///
    /// # Errors
    ///
    /// [`HttpError::InvalidUrl`] when the scheme is not `http` or `https`, the
    /// host is empty, the port is not a number up to 65535, there is user info
    /// (`user@`), a query follows the host with no path (write `/?query`), or
    /// the URL holds a space or control byte.
    pub fn parse(url: &'a str) -> Result<Url<'a>, HttpError> {
        if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(invalid("space or control byte"));
        }
        let (scheme, rest) = url
            .split_once("://")
            .ok_or(invalid("scheme is not http or https"))?;
        let https = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(invalid("scheme is not http or https"));
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        if authority.contains('@') {
            return Err(invalid("user info"));
        }
        let (host, port) = split_port(authority)?;
        let target = rest.split_once('#').map_or(rest, |(target, _)| target);
        let target = match target.as_bytes().first() {
            None => "/",
            Some(b'?') => return Err(invalid("query without a path")),
            Some(_) => target,
        };
        Ok(Url {
            https,
            authority,
            host,
            port: port.unwrap_or(if https { 443 } else { 80 }),
            target,
        })
    }

    /// Whether the scheme is `https` (the caller's TLS) rather than `http`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host and port as written (`example.com:8080`): the `Host` header.
    pub fn authority(&self) -> &'a str {
        self.authority
    }

    /// The host to connect to, without brackets for IPv6 (`::1`).
    pub fn host(&self) -> &'a str {
        self.host
    }

    /// The port to connect to: the one written, else 80 for `http` and 443 for
    /// `https`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The request target: the path and query (`/events?x=1`), `/` when the
    /// path is empty; never the fragment.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// Resolves a redirect's `Location` against this URL (RFC 3986 §5.2),
    /// writing the result at the start of `out`, and returns it parsed.
    ///
    /// `location` is the header's raw value (`None` when absent), trimmed of
    /// spaces and tabs. It may be an absolute URL (`https://other/p`),
    /// scheme-relative (`//other/p`), an absolute path (`/p?q`), a relative
    /// path (`p`, `../p?q`), or a query (`?q`). Dot segments are removed, an
    /// empty path becomes `/`, and fragments are dropped (they are never sent).
    /// Non-ASCII bytes are kept as they are.
    ///
    /// # Errors
    ///
    /// [`HttpError::MissingLocation`] for an absent or empty `Location`;
    /// [`HttpError::InvalidUrl`] when it is not UTF-8 or the result is not a
    /// URL [`Url::parse`] takes (another scheme, no host...);
    /// [`HttpError::BufferTooSmall`] with enough room for the result when
    /// `out` is too short.
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::http::Url;
    ///
    /// let base = Url::parse("http://example.com/v1/events?since=3")?;
    /// let mut out = [0u8; 256];
    /// assert_eq!(base.join_into(Some(b"../v2/stream"), &mut out)?.target(), "/v2/stream");
    /// let moved = base.join_into(Some(b"https://eu.example.com/events"), &mut out)?;
    /// assert_eq!((moved.is_https(), moved.authority()), (true, "eu.example.com"));
    /// # Ok::<(), sse_proto::HttpError>(())
    /// ```
    pub fn join_into<'o>(
        &self,
        location: Option<&[u8]>,
        out: &'o mut [u8],
    ) -> Result<Url<'o>, HttpError> {
        let joined = self.join_parts(location)?;
        let required = joined.len();
        let Some(out) = out.get_mut(..required) else {
            return Err(HttpError::BufferTooSmall { required });
        };
        let len = joined.write(out);
        // Only whole `&str` pieces were copied, and dot-segment removal cuts at
        // `/` bytes, so the result is UTF-8.
        let url = core::str::from_utf8(&out[..len]).map_err(|_| invalid("not utf-8"))?;
        Url::parse(url)
    }

    /// [`join_into`](Url::join_into) into a new `String`.
    ///
    /// # Errors
    ///
    /// As [`join_into`](Url::join_into), but never
    /// [`HttpError::BufferTooSmall`].
    ///
    /// # Examples
    ///
    /// ```
    /// use sse_proto::http::Url;
    ///
    /// let base = Url::parse("http://example.com/events")?;
    /// assert_eq!(base.join(Some(b"/moved?x=1"))?, "http://example.com/moved?x=1");
    /// # Ok::<(), sse_proto::HttpError>(())
    /// ```
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn join(&self, location: Option<&[u8]>) -> Result<alloc::string::String, HttpError> {
        let joined = self.join_parts(location)?;
        let mut out = alloc::vec![0; joined.len()];
        let len = joined.write(&mut out);
        out.truncate(len);
        let url = alloc::string::String::from_utf8(out).map_err(|_| invalid("not utf-8"))?;
        Url::parse(&url)?;
        Ok(url)
    }

    /// The pieces of `location` resolved against `self`, before dot segments
    /// are removed.
    fn join_parts<'l>(&self, location: Option<&'l [u8]>) -> Result<Joined<'l>, HttpError>
    where
        'a: 'l,
    {
        let location = match location.map(trim) {
            Some(l) if !l.is_empty() => l,
            _ => return Err(HttpError::MissingLocation),
        };
        let location = core::str::from_utf8(location).map_err(|_| invalid("not utf-8"))?;
        let reference = Reference::parse(location);
        let (base_path, base_query) = split_query(self.target);
        let https = match reference.scheme {
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => true,
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => false,
            Some(_) => return Err(invalid("scheme is not http or https")),
            None => self.https,
        };
        let mut joined = Joined {
            https,
            authority: self.authority,
            dir: "",
            path: reference.path,
            query: reference.query,
        };
        if reference.scheme.is_some() || reference.authority.is_some() {
            joined.authority = reference.authority.ok_or(invalid("no host"))?;
        } else if reference.path.is_empty() {
            joined.path = base_path;
            joined.query = reference.query.or(base_query);
        } else if !reference.path.starts_with('/') {
            // Merge: the base path up to its last `/` (it starts with one).
            joined.dir = base_path
                .rfind('/')
                .map_or("/", |slash| &base_path[..=slash]);
        }
        Ok(joined)
    }
}

/// A resolved URL in pieces: `scheme://authority` `dir` `path` `?query`.
struct Joined<'l> {
    https: bool,
    authority: &'l str,
    /// The base directory a relative path is merged into, or empty.
    dir: &'l str,
    path: &'l str,
    query: Option<&'l str>,
}

impl Joined<'_> {
    fn scheme(&self) -> &'static str {
        if self.https {
            "https://"
        } else {
            "http://"
        }
    }

    /// The written length before dot segments are removed: enough room.
    fn len(&self) -> usize {
        let path = (self.dir.len() + self.path.len()).max(1);
        let query = self.query.map_or(0, |q| 1 + q.len());
        self.scheme().len() + self.authority.len() + path + query
    }

    /// Writes the URL into `out` (at least [`len`](Joined::len) long) and
    /// returns its length.
    fn write(&self, out: &mut [u8]) -> usize {
        let mut at = 0;
        let mut put = |at: &mut usize, piece: &str| {
            out[*at..*at + piece.len()].copy_from_slice(piece.as_bytes());
            *at += piece.len();
        };
        put(&mut at, self.scheme());
        put(&mut at, self.authority);
        let path_start = at;
        if self.dir.is_empty() && self.path.is_empty() {
            put(&mut at, "/");
        }
        put(&mut at, self.dir);
        put(&mut at, self.path);
        at = path_start + remove_dot_segments(&mut out[path_start..at]);
        if let Some(query) = self.query {
            out[at] = b'?';
            out[at + 1..at + 1 + query.len()].copy_from_slice(query.as_bytes());
            at += 1 + query.len();
        }
        at
    }
}

/// A URI reference split per RFC 3986 appendix B, fragment dropped.
struct Reference<'l> {
    scheme: Option<&'l str>,
    authority: Option<&'l str>,
    path: &'l str,
    query: Option<&'l str>,
}

impl<'l> Reference<'l> {
    fn parse(reference: &'l str) -> Reference<'l> {
        let rest = reference
            .split_once('#')
            .map_or(reference, |(before, _)| before);
        let (scheme, rest) = match rest.split_once(':') {
            Some((scheme, rest)) if is_scheme(scheme) => (Some(scheme), rest),
            _ => (None, rest),
        };
        let (authority, rest) = match rest.strip_prefix("//") {
            Some(rest) => {
                let end = rest.find(['/', '?']).unwrap_or(rest.len());
                (Some(&rest[..end]), &rest[end..])
            }
            None => (None, rest),
        };
        let (path, query) = split_query(rest);
        Reference {
            scheme,
            authority,
            path,
            query,
        }
    }
}

/// RFC 3986 `scheme`: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// `path?query` split at the first `?`.
fn split_query(s: &str) -> (&str, Option<&str>) {
    match s.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (s, None),
    }
}

/// `host[:port]` split, IPv6 brackets removed from the host.
fn split_port(authority: &str) -> Result<(&str, Option<u16>), HttpError> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, rest) = v6.split_once(']').ok_or(invalid("unclosed ["))?;
            match rest {
                "" => (host, None),
                _ => (
                    host,
                    Some(rest.strip_prefix(':').ok_or(invalid("bad port"))?),
                ),
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(invalid("empty host"));
    }
    let port = match port {
        // `http://host:/` means the default port.
        None | Some("") => None,
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse().map_err(|_| invalid("bad port"))?)
        }
        Some(_) => return Err(invalid("bad port")),
    };
    Ok((host, port))
}

/// RFC 3986 §5.2.4 on `path` (which starts with `/`), in place; returns the new
/// length. The write position never passes the read position, so one buffer
/// does.
fn remove_dot_segments(path: &mut [u8]) -> usize {
    let len = path.len();
    let (mut read, mut write) = (0, 0);
    // Each step takes one `/segment` from `read`.
    while read < len {
        let start = read + 1;
        let end = path[start..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(len, |i| start + i);
        let segment = &path[start..end];
        let last = end == len;
        match segment {
            b"." | b".." => {
                if segment == b".." {
                    // Up one level: back to the `/` before the last segment.
                    write = path[..write].iter().rposition(|&b| b == b'/').unwrap_or(0);
                }
                if last {
                    path[write] = b'/';
                    write += 1;
                }
            }
            _ => {
                path.copy_within(read..end, write);
                write += end - read;
            }
        }
        read = end;
    }
    write
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §5.4: every example with an `http` result, against its base.
    #[test]
    fn rfc_3986_examples() {
        let base = Url::parse("http://a/b/c/d;p?q").unwrap();
        let cases: [(&str, &str); 40] = [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g/"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            ("g#s", "http://a/b/c/g"),
            ("g?y#s", "http://a/b/c/g?y"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("HTTPS://b/./x/../y?z", "https://b/y?z"),
            ("http://b", "http://b/"),
            ("//g:81/p?x", "http://g:81/p?x"),
        ];
        let mut out = [0u8; 64];
        for (location, expected) in cases {
            let joined = base.join_into(Some(location.as_bytes()), &mut out);
            let expected_url = Url::parse(expected).unwrap();
            assert_eq!(joined, Ok(expected_url), "{location}");
            // The result is written whole at the start of `out`.
            assert_eq!(&out[..expected.len()], expected.as_bytes(), "{location}");
        }
    }

    #[test]
    fn relative_against_a_root_and_a_trailing_slash() {
        let mut out = [0u8; 64];
        let root = Url::parse("https://h").unwrap();
        assert_eq!(
            root.join_into(Some(b"p?q"), &mut out).unwrap().target(),
            "/p?q"
        );
        assert_eq!(
            root.join_into(Some(b"?q"), &mut out).unwrap().target(),
            "/?q"
        );
        let dir = Url::parse("http://h/a/b/").unwrap();
        assert_eq!(
            dir.join_into(Some(b"c"), &mut out).unwrap().target(),
            "/a/b/c"
        );
        assert_eq!(
            dir.join_into(Some(b"..//c"), &mut out).unwrap().target(),
            "/a//c"
        );
    }

    /// A colon makes a scheme only after a letter and letters, digits, `+`,
    /// `-` or `.`; otherwise the reference is a path.
    #[test]
    fn colons_in_paths_are_not_schemes() {
        let base = Url::parse("http://a/b/c/d").unwrap();
        let mut out = [0u8; 64];
        for (location, target) in [
            ("1a:b", "/b/c/1a:b"),
            ("./g:h", "/b/c/g:h"),
            ("/p:q", "/p:q"),
            ("g?x:y", "/b/c/g?x:y"),
            ("a_b:c", "/b/c/a_b:c"),
        ] {
            let joined = base.join_into(Some(location.as_bytes()), &mut out);
            assert_eq!(joined.map(|u| u.target()), Ok(target), "{location}");
        }
        for scheme in ["web+x:y", "a-b:c", "a.b:c", "z9:x"] {
            assert_eq!(
                base.join_into(Some(scheme.as_bytes()), &mut out),
                Err(HttpError::InvalidUrl {
                    reason: "scheme is not http or https"
                }),
                "{scheme}"
            );
        }
    }

    #[test]
    fn location_is_trimmed_and_must_be_there() {
        let base = Url::parse("http://h/a").unwrap();
        let mut out = [0u8; 64];
        assert_eq!(
            base.join_into(Some(b" \t/b \t"), &mut out)
                .unwrap()
                .target(),
            "/b"
        );
        for empty in [None, Some(&b""[..]), Some(b" \t ")] {
            assert_eq!(
                base.join_into(empty, &mut out),
                Err(HttpError::MissingLocation)
            );
        }
    }

    #[test]
    fn refused_locations() {
        let base = Url::parse("http://h/a").unwrap();
        let mut out = [0u8; 64];
        let cases: [(&[u8], &str); 8] = [
            (b"ftp://h/x", "scheme is not http or https"),
            (b"mailto:a@b", "scheme is not http or https"),
            (b"http:/x", "no host"),
            (b"//", "empty host"),
            (b"/a b", "space or control byte"),
            (b"\xff", "not utf-8"),
            (b"//u@h/", "user info"),
            (b"//h:99999/", "bad port"),
        ];
        for (location, reason) in cases {
            assert_eq!(
                base.join_into(Some(location), &mut out),
                Err(HttpError::InvalidUrl { reason }),
                "{:?}",
                core::str::from_utf8(location)
            );
        }
    }

    #[test]
    fn short_buffer_names_enough_room() {
        let base = Url::parse("http://h/a/b").unwrap();
        let location = Some(&b"../c/./d?x"[..]);
        // Before dot segments go: "http://h" + "/a/" + "../c/./d" + "?x".
        let room = 8 + 3 + 8 + 2;
        let mut out = [0u8; 64];
        assert_eq!(
            base.join_into(location, &mut out[..room - 1]),
            Err(HttpError::BufferTooSmall { required: room })
        );
        let joined = base.join_into(location, &mut out[..room]).unwrap();
        assert_eq!(joined.target(), "/c/d?x");
    }

    #[test]
    fn parse_splits_and_refuses() {
        let url = Url::parse("HTTP://[::1]:8080").unwrap();
        assert_eq!(
            (
                url.is_https(),
                url.host(),
                url.port(),
                url.authority(),
                url.target()
            ),
            (false, "::1", 8080, "[::1]:8080", "/")
        );
        let url = Url::parse("https://h:/p#f").unwrap();
        assert_eq!(
            (url.is_https(), url.host(), url.port(), url.target()),
            (true, "h", 443, "/p")
        );
        assert_eq!(Url::parse("http://h").unwrap().port(), 80);
        assert_eq!(Url::parse("http://[::1]").unwrap().host(), "::1");
        let cases: [(&str, &str); 10] = [
            ("h/p", "scheme is not http or https"),
            ("ws://h/", "scheme is not http or https"),
            ("http:///p", "empty host"),
            ("http://:80/", "empty host"),
            ("http://h:8x/", "bad port"),
            ("http://h:+80/", "bad port"),
            ("http://[::1/", "unclosed ["),
            ("http://[::1]x/", "bad port"),
            ("http://h?q", "query without a path"),
            ("http://h/\x7f", "space or control byte"),
        ];
        for (url, reason) in cases {
            assert_eq!(
                Url::parse(url),
                Err(HttpError::InvalidUrl { reason }),
                "{url}"
            );
        }
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn join_to_string_matches_join_into() {
        let base = Url::parse("http://h/a/b?q").unwrap();
        let mut out = [0u8; 64];
        for location in [&b"../x/./y?z"[..], b"//o/p", b"?r", b"https://s"] {
            let into = base.join_into(Some(location), &mut out).unwrap();
            let string = base.join(Some(location)).unwrap();
            assert_eq!(Url::parse(&string), Ok(into));
        }
        assert_eq!(base.join(None), Err(HttpError::MissingLocation));
        assert_eq!(
            base.join(Some(b"ftp://x")),
            Err(HttpError::InvalidUrl {
                reason: "scheme is not http or https"
            })
        );
    }
}
