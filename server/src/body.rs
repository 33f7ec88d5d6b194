//! Request bodies: bounded reading, `Content-Encoding` gzip or zstd (bounded again after
//! decompression, against compression bombs), and JSON with the protocol version checked before
//! the message itself, so an old app hears `protocol_version` rather than `malformed`.

use crate::error::ApiError;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_ENCODING, CONTENT_LENGTH, HeaderMap};
use ilp_sync::protocol::{MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES, PROTOCOL_VERSION};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::io::Read;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Zstd,
}

pub fn encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    match headers
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("identity") => Ok(Encoding::Identity),
        Some("gzip") | Some("x-gzip") => Ok(Encoding::Gzip),
        Some("zstd") => Ok(Encoding::Zstd),
        Some(_) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "malformed",
            "Content-Encoding must be gzip or zstd",
        )),
    }
}

/// Reads the raw body, at most `MAX_BODY_BYTES`. Past the bound it keeps reading (and dropping)
/// up to a few times the bound, so a client still writing its body can read the `413` instead
/// of seeing the connection reset.
pub async fn read(
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<axum::body::Bytes, ApiError> {
    use http_body_util::BodyExt;
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut body = body;
    let mut buf = Vec::with_capacity(declared.unwrap_or(0).min(MAX_BODY_BYTES));
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ApiError::malformed("the request body was cut off"))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen > MAX_BODY_BYTES {
            if seen > DRAIN_BYTES {
                break;
            }
            continue;
        }
        buf.extend_from_slice(&data);
    }
    if seen > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(buf.into())
}

/// How much of an oversized body is read and dropped before the connection is given up.
const DRAIN_BYTES: usize = 4 * MAX_BODY_BYTES;

fn too_large() -> ApiError {
    ApiError::too_large(format!(
        "request body is over {} bytes compressed or {} bytes uncompressed",
        MAX_BODY_BYTES, MAX_DECOMPRESSED_BYTES
    ))
}

fn bounded(mut r: impl Read) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    r.by_ref()
        .take(MAX_DECOMPRESSED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| ApiError::malformed("the compressed body cannot be decompressed"))?;
    if out.len() > MAX_DECOMPRESSED_BYTES {
        return Err(too_large());
    }
    Ok(out)
}

/// Decompresses (blocking work: call it off the async threads).
pub fn decompress(encoding: Encoding, raw: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, ApiError> {
    Ok(match encoding {
        Encoding::Identity => std::borrow::Cow::Borrowed(raw),
        Encoding::Gzip => bounded(flate2::read::MultiGzDecoder::new(raw))?.into(),
        Encoding::Zstd => bounded(
            zstd::stream::read::Decoder::new(raw)
                .map_err(|_| ApiError::malformed("the zstd body cannot be decompressed"))?,
        )?
        .into(),
    })
}

#[derive(Deserialize)]
struct VersionOnly {
    protocol: Option<serde_json::Value>,
}

/// Parses a message after checking its protocol version.
pub fn parse<T: DeserializeOwned>(json: &[u8]) -> Result<T, ApiError> {
    let v: VersionOnly = serde_json::from_slice(json)
        .map_err(|_| ApiError::malformed("body is not a JSON object"))?;
    match v.protocol.as_ref().and_then(serde_json::Value::as_u64) {
        Some(p) if p == PROTOCOL_VERSION as u64 => {}
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "protocol_version",
                format!("this server speaks protocol {PROTOCOL_VERSION}; update the app"),
            ));
        }
        None => return Err(ApiError::malformed("body has no \"protocol\" number")),
    }
    serde_json::from_slice(json).map_err(|e| {
        // The line and column only: serde's text may quote a value.
        ApiError::malformed(format!(
            "body does not match the message (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// Reads, decompresses and parses a request body.
pub async fn json<T: DeserializeOwned + Send + 'static>(
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<T, ApiError> {
    let enc = encoding(headers)?;
    let raw = read(headers, body).await?;
    tokio::task::spawn_blocking(move || parse::<T>(&decompress(enc, &raw)?))
        .await
        .map_err(|_| ApiError::internal())?
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilp_sync::protocol::PullRequest;
    use std::io::Write;

    #[test]
    fn version_first_then_shape() {
        let e = parse::<PullRequest>(br#"{"protocol": 2, "nonsense": true}"#).unwrap_err();
        assert_eq!(e.code, "protocol_version");
        let e = parse::<PullRequest>(br#"{"protocol": 1, "device_id": 5}"#).unwrap_err();
        assert_eq!(e.code, "malformed");
        assert_eq!(
            parse::<PullRequest>(b"{not json").unwrap_err().code,
            "malformed"
        );
    }

    #[test]
    fn a_compression_bomb_is_too_large() {
        let zeros = vec![0u8; MAX_DECOMPRESSED_BYTES + 10];
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&zeros).unwrap();
        let packed = gz.finish().unwrap();
        assert!(packed.len() < MAX_BODY_BYTES);
        assert_eq!(
            decompress(Encoding::Gzip, &packed).unwrap_err().code,
            "too_large"
        );
        let z = zstd::encode_all(&b"{\"protocol\":1}"[..], 3).unwrap();
        assert_eq!(
            &*decompress(Encoding::Zstd, &z).unwrap(),
            b"{\"protocol\":1}"
        );
    }
}
