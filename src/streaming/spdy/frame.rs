//! SPDY/3 frames: an 8-byte header, then a payload of at most 2^24 - 1
//! bytes. Control frames carry a version and a type; data frames carry a
//! stream ID. Frames the exec, attach and port-forward protocols never use
//! (SETTINGS, WINDOW_UPDATE, CREDENTIAL) are decoded only as far as needed
//! to skip them.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::SpdyError;
use super::header_block::{HeaderDecoder, HeaderEncoder, Headers};

/// The protocol version in every control frame.
pub const VERSION: u16 = 3;
/// Flag on SYN_STREAM, SYN_REPLY, HEADERS and data frames: the sender
/// will send nothing more on the stream.
pub const FLAG_FIN: u8 = 0x01;
/// Largest payload a frame can carry (24-bit length).
pub const MAX_PAYLOAD: usize = (1 << 24) - 1;
const HEADER_BYTES: usize = 8;
const STREAM_ID_MASK: u32 = 0x7fff_ffff;

/// Control frame types.
const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const SETTINGS: u16 = 4;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
const HEADERS: u16 = 8;
const WINDOW_UPDATE: u16 = 9;

/// RST_STREAM status codes.
pub const PROTOCOL_ERROR: u32 = 1;
pub const REFUSED_STREAM: u32 = 3;
pub const CANCEL: u32 = 5;

/// Name of an RST_STREAM status code, for messages.
pub fn reset_status_name(status: u32) -> &'static str {
    match status {
        1 => "PROTOCOL_ERROR",
        2 => "INVALID_STREAM",
        3 => "REFUSED_STREAM",
        4 => "UNSUPPORTED_VERSION",
        5 => "CANCEL",
        6 => "INTERNAL_ERROR",
        7 => "FLOW_CONTROL_ERROR",
        8 => "STREAM_IN_USE",
        9 => "STREAM_ALREADY_CLOSED",
        10 => "INVALID_CREDENTIALS",
        11 => "FRAME_TOO_LARGE",
        _ => "unknown status",
    }
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    SynStream {
        stream_id: u32,
        fin: bool,
        headers: Headers,
    },
    SynReply {
        stream_id: u32,
        fin: bool,
        headers: Headers,
    },
    RstStream {
        stream_id: u32,
        status: u32,
    },
    Ping {
        id: u32,
    },
    GoAway {
        last_stream_id: u32,
        status: u32,
    },
    Headers {
        stream_id: u32,
        fin: bool,
    },
    Data {
        stream_id: u32,
        fin: bool,
        payload: Bytes,
    },
    /// SETTINGS, WINDOW_UPDATE and unknown control frames.
    Ignored,
}

/// Takes one frame off the front of `buffer`, or returns `None` when the
/// buffer does not hold a whole frame yet.
pub fn decode(
    buffer: &mut BytesMut,
    headers: &mut HeaderDecoder,
) -> Result<Option<Frame>, SpdyError> {
    if buffer.len() < HEADER_BYTES {
        return Ok(None);
    }
    let first = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]);
    let flags = buffer[4];
    let length =
        usize::from(buffer[5]) << 16 | usize::from(buffer[6]) << 8 | usize::from(buffer[7]);
    if buffer.len() < HEADER_BYTES + length {
        buffer.reserve(HEADER_BYTES + length - buffer.len());
        return Ok(None);
    }
    buffer.advance(HEADER_BYTES);
    let mut payload = buffer.split_to(length).freeze();
    let fin = flags & FLAG_FIN != 0;

    if first & 0x8000_0000 == 0 {
        return Ok(Some(Frame::Data {
            stream_id: first & STREAM_ID_MASK,
            fin,
            payload,
        }));
    }
    let version = ((first >> 16) & 0x7fff) as u16;
    let kind = (first & 0xffff) as u16;
    if version != VERSION {
        return Err(SpdyError::Protocol(format!(
            "unsupported SPDY version {version}"
        )));
    }
    let short = || SpdyError::Protocol(format!("control frame type {kind} is too short"));
    let frame = match kind {
        SYN_STREAM => {
            if payload.len() < 10 {
                return Err(short());
            }
            let stream_id = payload.get_u32() & STREAM_ID_MASK;
            payload.advance(6);
            let headers = headers.decode(&payload)?;
            Frame::SynStream {
                stream_id,
                fin,
                headers,
            }
        }
        SYN_REPLY => {
            if payload.len() < 4 {
                return Err(short());
            }
            let stream_id = payload.get_u32() & STREAM_ID_MASK;
            let headers = headers.decode(&payload)?;
            Frame::SynReply {
                stream_id,
                fin,
                headers,
            }
        }
        RST_STREAM => {
            if payload.len() < 8 {
                return Err(short());
            }
            Frame::RstStream {
                stream_id: payload.get_u32() & STREAM_ID_MASK,
                status: payload.get_u32(),
            }
        }
        PING => {
            if payload.len() < 4 {
                return Err(short());
            }
            Frame::Ping {
                id: payload.get_u32(),
            }
        }
        GOAWAY => {
            if payload.len() < 4 {
                return Err(short());
            }
            let last_stream_id = payload.get_u32() & STREAM_ID_MASK;
            let status = if payload.len() >= 4 {
                payload.get_u32()
            } else {
                0
            };
            Frame::GoAway {
                last_stream_id,
                status,
            }
        }
        HEADERS => {
            if payload.len() < 4 {
                return Err(short());
            }
            let stream_id = payload.get_u32() & STREAM_ID_MASK;
            // Decoded only to keep the zlib stream in step; the exec and
            // port-forward protocols never use these headers.
            headers.decode(&payload)?;
            Frame::Headers { stream_id, fin }
        }
        SETTINGS | WINDOW_UPDATE => Frame::Ignored,
        _ => Frame::Ignored,
    };
    Ok(Some(frame))
}

/// Writes one frame to `out`. Data payloads longer than [`MAX_PAYLOAD`]
/// are the caller's to split.
pub fn encode(
    frame: &Frame,
    headers: &mut HeaderEncoder,
    out: &mut BytesMut,
) -> Result<(), SpdyError> {
    match frame {
        Frame::Data {
            stream_id,
            fin,
            payload,
        } => {
            check_length(payload.len())?;
            out.put_u32(stream_id & STREAM_ID_MASK);
            put_flags_length(out, *fin, payload.len());
            out.put_slice(payload);
        }
        Frame::SynStream {
            stream_id,
            fin,
            headers: pairs,
        } => {
            let block = headers.encode(&borrowed(pairs))?;
            control(out, SYN_STREAM, *fin, 10 + block.len())?;
            out.put_u32(stream_id & STREAM_ID_MASK);
            // No associated stream, priority 0, slot 0.
            out.put_u32(0);
            out.put_u16(0);
            out.put_slice(&block);
        }
        Frame::SynReply {
            stream_id,
            fin,
            headers: pairs,
        } => {
            let block = headers.encode(&borrowed(pairs))?;
            control(out, SYN_REPLY, *fin, 4 + block.len())?;
            out.put_u32(stream_id & STREAM_ID_MASK);
            out.put_slice(&block);
        }
        Frame::RstStream { stream_id, status } => {
            control(out, RST_STREAM, false, 8)?;
            out.put_u32(stream_id & STREAM_ID_MASK);
            out.put_u32(*status);
        }
        Frame::Ping { id } => {
            control(out, PING, false, 4)?;
            out.put_u32(*id);
        }
        Frame::GoAway {
            last_stream_id,
            status,
        } => {
            control(out, GOAWAY, false, 8)?;
            out.put_u32(last_stream_id & STREAM_ID_MASK);
            out.put_u32(*status);
        }
        Frame::Headers { stream_id, fin } => {
            let block = headers.encode(&[])?;
            control(out, HEADERS, *fin, 4 + block.len())?;
            out.put_u32(stream_id & STREAM_ID_MASK);
            out.put_slice(&block);
        }
        Frame::Ignored => {}
    }
    Ok(())
}

fn borrowed(pairs: &Headers) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

fn check_length(length: usize) -> Result<(), SpdyError> {
    if length > MAX_PAYLOAD {
        return Err(SpdyError::Protocol(format!(
            "frame payload of {length} bytes is too large"
        )));
    }
    Ok(())
}

fn control(out: &mut BytesMut, kind: u16, fin: bool, length: usize) -> Result<(), SpdyError> {
    check_length(length)?;
    out.put_u16(0x8000 | VERSION);
    out.put_u16(kind);
    put_flags_length(out, fin, length);
    Ok(())
}

fn put_flags_length(out: &mut BytesMut, fin: bool, length: usize) {
    let flags = if fin { u32::from(FLAG_FIN) } else { 0 };
    // The length fits in 24 bits; check_length ran first.
    out.put_u32(flags << 24 | (length as u32 & 0x00ff_ffff));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(frame: Frame) -> Frame {
        let mut encoder = HeaderEncoder::new().unwrap();
        let mut decoder = HeaderDecoder::new();
        let mut buffer = BytesMut::new();
        encode(&frame, &mut encoder, &mut buffer).unwrap();
        let decoded = decode(&mut buffer, &mut decoder).unwrap().unwrap();
        assert!(buffer.is_empty());
        decoded
    }

    #[test]
    fn data_frame_round_trips() {
        let frame = Frame::Data {
            stream_id: 5,
            fin: true,
            payload: Bytes::from_static(b"hello"),
        };
        assert_eq!(round_trip(frame.clone()), frame);
    }

    #[test]
    fn syn_stream_round_trips() {
        let frame = Frame::SynStream {
            stream_id: 3,
            fin: false,
            headers: vec![("streamtype".into(), "stdout".into())],
        };
        assert_eq!(round_trip(frame.clone()), frame);
    }

    #[test]
    fn control_frames_round_trip() {
        for frame in [
            Frame::RstStream {
                stream_id: 7,
                status: CANCEL,
            },
            Frame::Ping { id: 2 },
            Frame::GoAway {
                last_stream_id: 9,
                status: 0,
            },
            Frame::SynReply {
                stream_id: 1,
                fin: false,
                headers: Vec::new(),
            },
        ] {
            assert_eq!(round_trip(frame.clone()), frame);
        }
    }

    #[test]
    fn data_frame_wire_layout() {
        let mut encoder = HeaderEncoder::new().unwrap();
        let mut buffer = BytesMut::new();
        let frame = Frame::Data {
            stream_id: 1,
            fin: true,
            payload: Bytes::from_static(b"ab"),
        };
        encode(&frame, &mut encoder, &mut buffer).unwrap();
        assert_eq!(&buffer[..], b"\0\0\0\x01\x01\0\0\x02ab");
    }

    #[test]
    fn ping_wire_layout() {
        let mut encoder = HeaderEncoder::new().unwrap();
        let mut buffer = BytesMut::new();
        encode(&Frame::Ping { id: 1 }, &mut encoder, &mut buffer).unwrap();
        assert_eq!(&buffer[..], b"\x80\x03\0\x06\0\0\0\x04\0\0\0\x01");
    }

    #[test]
    fn partial_frame_waits() {
        let mut decoder = HeaderDecoder::new();
        let mut buffer = BytesMut::from(&b"\0\0\0\x01\0\0\0\x05ab"[..]);
        assert_eq!(decode(&mut buffer, &mut decoder).unwrap(), None);
        assert_eq!(buffer.len(), 10);
    }

    #[test]
    fn wrong_version_rejected() {
        let mut decoder = HeaderDecoder::new();
        let mut buffer = BytesMut::from(&b"\x80\x02\0\x06\0\0\0\x04\0\0\0\x01"[..]);
        assert!(decode(&mut buffer, &mut decoder).is_err());
    }

    #[test]
    fn short_control_frame_rejected() {
        let mut decoder = HeaderDecoder::new();
        let mut buffer = BytesMut::from(&b"\x80\x03\0\x03\0\0\0\x02\0\0"[..]);
        assert!(decode(&mut buffer, &mut decoder).is_err());
    }

    #[test]
    fn settings_ignored() {
        let mut decoder = HeaderDecoder::new();
        let mut buffer = BytesMut::from(&b"\x80\x03\0\x04\0\0\0\x04\0\0\0\0"[..]);
        assert_eq!(
            decode(&mut buffer, &mut decoder).unwrap(),
            Some(Frame::Ignored)
        );
    }
}
