//! The response headers of an event stream.

/// The HTTP version a response goes out on; it decides whether a `Connection`
/// header may be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpVersion {
    /// HTTP/1.1 (and HTTP/1.0 clients served by an HTTP/1.1 server).
    Http11,
    /// HTTP/2, where connection-specific headers are forbidden (RFC 9113 §8.2.2).
    Http2,
    /// HTTP/3, which forbids them as well (RFC 9114 §4.2).
    Http3,
}

/// The media type of an event stream, without parameters.
///
/// No `charset` parameter is sent: the format is UTF-8 by definition (a client
/// decodes UTF-8 whatever the header says), so the parameter carries no
/// information, and hand-written clients and proxies that compare the header to
/// `text/event-stream` verbatim would reject `text/event-stream; charset=utf-8`.
pub const CONTENT_TYPE: &str = "text/event-stream";

const HTTP11: &[(&str, &str)] = &[
    ("content-type", CONTENT_TYPE),
    ("cache-control", "no-cache"),
    ("x-accel-buffering", "no"),
    ("connection", "keep-alive"),
];

/// The HTTP/2 and HTTP/3 list: the HTTP/1.1 one without `connection`.
const HTTP2: &[(&str, &str)] = match HTTP11.split_last() {
    Some((_, rest)) => rest,
    None => &[],
};

/// The headers to send with an event-stream response (status 200), as
/// lowercase `(name, value)` pairs, valid for every HTTP version.
///
/// - `content-type: text/event-stream` (see [`CONTENT_TYPE`] for why without
///   `charset`);
/// - `cache-control: no-cache`: caches and proxies must not store or coalesce it;
/// - `x-accel-buffering: no`: nginx passes each event on at once instead of
///   buffering the response;
/// - `connection: keep-alive`, on HTTP/1.1 only: HTTP/2 and HTTP/3 forbid
///   connection-specific headers, and a peer treats one as a protocol error.
///
/// The stream itself must be flushed after every event; no header replaces that.
///
/// # Examples
///
/// ```
/// use sse_proto::server::{response_headers, HttpVersion};
///
/// let h1 = response_headers(HttpVersion::Http11);
/// assert!(h1.contains(&("connection", "keep-alive")));
/// let h2 = response_headers(HttpVersion::Http2);
/// assert!(h2.iter().all(|(name, _)| *name != "connection"));
/// assert!(h2.contains(&("cache-control", "no-cache")));
/// ```
pub const fn response_headers(version: HttpVersion) -> &'static [(&'static str, &'static str)] {
    match version {
        HttpVersion::Http11 => HTTP11,
        HttpVersion::Http2 | HttpVersion::Http3 => HTTP2,
    }
}

#[cfg(feature = "http")]
mod http_types {
    use super::{response_headers, HttpVersion};

    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    impl From<::http::Version> for HttpVersion {
        /// HTTP/2 and HTTP/3 map to themselves, every other version to
        /// [`HttpVersion::Http11`].
        fn from(v: ::http::Version) -> Self {
            if v == ::http::Version::HTTP_2 {
                HttpVersion::Http2
            } else if v == ::http::Version::HTTP_3 {
                HttpVersion::Http3
            } else {
                HttpVersion::Http11
            }
        }
    }

    /// Inserts the [`response_headers`] for `version` into `headers`, replacing
    /// any value they had.
    ///
    /// ```
    /// use http::{HeaderMap, Version};
    ///
    /// let mut headers = HeaderMap::new();
    /// sse_proto::server::insert_response_headers(&mut headers, Version::HTTP_2);
    /// assert_eq!(headers["content-type"], "text/event-stream");
    /// assert!(!headers.contains_key("connection"));
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn insert_response_headers(headers: &mut ::http::HeaderMap, version: ::http::Version) {
        for &(name, value) in response_headers(version.into()) {
            headers.insert(
                ::http::header::HeaderName::from_static(name),
                ::http::header::HeaderValue::from_static(value),
            );
        }
    }
}

#[cfg(feature = "http")]
pub use http_types::insert_response_headers;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_differ_only_in_connection() {
        let h1 = response_headers(HttpVersion::Http11);
        let h2 = response_headers(HttpVersion::Http2);
        assert_eq!(h1.len(), 4);
        assert_eq!(&h1[..3], h2);
        assert_eq!(response_headers(HttpVersion::Http3), h2);
        assert_eq!(h1[0], ("content-type", "text/event-stream"));
        assert!(h2.contains(&("x-accel-buffering", "no")));
    }

    #[test]
    fn names_are_lowercase() {
        for (name, _) in response_headers(HttpVersion::Http11) {
            assert!(!name.bytes().any(|b| b.is_ascii_uppercase()), "{name}");
        }
    }

    #[cfg(feature = "http")]
    #[test]
    fn versions_of_the_http_crate() {
        use ::http::Version;
        for (v, want) in [
            (Version::HTTP_09, HttpVersion::Http11),
            (Version::HTTP_10, HttpVersion::Http11),
            (Version::HTTP_11, HttpVersion::Http11),
            (Version::HTTP_2, HttpVersion::Http2),
            (Version::HTTP_3, HttpVersion::Http3),
        ] {
            assert_eq!(HttpVersion::from(v), want, "{v:?}");
        }
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_map_per_version() {
        let mut map = ::http::HeaderMap::new();
        map.insert("connection", ::http::HeaderValue::from_static("close"));
        insert_response_headers(&mut map, ::http::Version::HTTP_11);
        assert_eq!(map["connection"], "keep-alive");
        assert_eq!(map.len(), 4);
        let mut map = ::http::HeaderMap::new();
        insert_response_headers(&mut map, ::http::Version::HTTP_3);
        assert_eq!(map.len(), 3);
        assert_eq!(map["x-accel-buffering"], "no");
    }
}
