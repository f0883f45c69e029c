//! SPDY/3 header blocks: name/value pairs with 32-bit lengths, compressed
//! with one zlib stream per direction and connection, primed with the
//! SPDY/3 dictionary and sync-flushed after each block.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::{SpdyError, dictionary};

/// Header name/value pairs. Names are lower case on the wire; several
/// values of one name are joined with NUL bytes.
pub type Headers = Vec<(String, String)>;

/// Largest header block accepted after decompression, so a hostile peer
/// cannot make us allocate without bound.
const MAX_BLOCK_BYTES: usize = 1 << 20;

/// Compresses header blocks for one direction of a connection.
pub struct HeaderEncoder {
    zlib: Compress,
}

impl HeaderEncoder {
    pub fn new() -> Result<Self, SpdyError> {
        let mut zlib = Compress::new(Compression::default(), true);
        zlib.set_dictionary(&dictionary::build())
            .map_err(|error| SpdyError::Compression(error.to_string()))?;
        Ok(HeaderEncoder { zlib })
    }

    /// Serializes and compresses `headers` into one block.
    pub fn encode(&mut self, headers: &[(&str, &str)]) -> Result<Vec<u8>, SpdyError> {
        let plain = serialize(headers)?;
        let mut output = Vec::with_capacity(plain.len() + 64);
        let start_in = self.zlib.total_in();
        loop {
            output.reserve(256);
            let consumed = usize::try_from(self.zlib.total_in() - start_in).unwrap_or(usize::MAX);
            let input = plain.get(consumed..).unwrap_or_default();
            self.zlib
                .compress_vec(input, &mut output, FlushCompress::Sync)
                .map_err(|error| SpdyError::Compression(error.to_string()))?;
            let all_input = self.zlib.total_in() - start_in == plain.len() as u64;
            // The sync flush is complete once zlib leaves output space unused.
            if all_input && output.len() < output.capacity() {
                return Ok(output);
            }
        }
    }
}

/// Decompresses header blocks for one direction of a connection.
pub struct HeaderDecoder {
    zlib: Decompress,
    dictionary: Vec<u8>,
}

impl HeaderDecoder {
    pub fn new() -> Self {
        HeaderDecoder {
            zlib: Decompress::new(true),
            dictionary: dictionary::build(),
        }
    }

    /// Decompresses and parses one block.
    pub fn decode(&mut self, block: &[u8]) -> Result<Headers, SpdyError> {
        let plain = self.inflate(block)?;
        parse(&plain)
    }

    fn inflate(&mut self, block: &[u8]) -> Result<Vec<u8>, SpdyError> {
        let mut output = Vec::with_capacity(block.len() * 4 + 64);
        let start_in = self.zlib.total_in();
        loop {
            output.reserve(256);
            let consumed = usize::try_from(self.zlib.total_in() - start_in).unwrap_or(usize::MAX);
            let input = block.get(consumed..).unwrap_or_default();
            let before = (self.zlib.total_in(), output.len());
            match self
                .zlib
                .decompress_vec(input, &mut output, FlushDecompress::Sync)
            {
                Ok(Status::StreamEnd) => return Ok(output),
                Ok(_) => {}
                Err(error) if error.needs_dictionary().is_some() => {
                    self.zlib
                        .set_dictionary(&self.dictionary)
                        .map_err(|error| SpdyError::Compression(error.to_string()))?;
                    continue;
                }
                Err(error) => return Err(SpdyError::Compression(error.to_string())),
            }
            if output.len() > MAX_BLOCK_BYTES {
                return Err(SpdyError::Protocol("header block too large".to_owned()));
            }
            let all_input = self.zlib.total_in() - start_in == block.len() as u64;
            let progressed = before != (self.zlib.total_in(), output.len());
            if all_input && (output.len() < output.capacity() || !progressed) {
                return Ok(output);
            }
            if !progressed {
                return Err(SpdyError::Compression("corrupt header block".to_owned()));
            }
        }
    }
}

impl Default for HeaderDecoder {
    fn default() -> Self {
        Self::new()
    }
}

fn serialize(headers: &[(&str, &str)]) -> Result<Vec<u8>, SpdyError> {
    let too_long = || SpdyError::Protocol("header too long".to_owned());
    let mut plain = Vec::new();
    let count = u32::try_from(headers.len()).map_err(|_| too_long())?;
    plain.extend_from_slice(&count.to_be_bytes());
    for (name, value) in headers {
        for text in [name.to_ascii_lowercase().as_str(), value] {
            let length = u32::try_from(text.len()).map_err(|_| too_long())?;
            plain.extend_from_slice(&length.to_be_bytes());
            plain.extend_from_slice(text.as_bytes());
        }
    }
    Ok(plain)
}

fn parse(plain: &[u8]) -> Result<Headers, SpdyError> {
    let mut reader = Reader { bytes: plain };
    let count = reader.u32()?;
    let mut headers = Vec::new();
    for _ in 0..count {
        let name = reader.text()?;
        let value = reader.text()?;
        headers.push((name.to_ascii_lowercase(), value));
    }
    Ok(headers)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, count: usize) -> Result<&[u8], SpdyError> {
        if self.bytes.len() < count {
            return Err(SpdyError::Protocol("truncated header block".to_owned()));
        }
        let (head, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, SpdyError> {
        let bytes = self.take(4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    fn text(&mut self) -> Result<String, SpdyError> {
        let length = usize::try_from(self.u32()?).unwrap_or(usize::MAX);
        let bytes = self.take(length)?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Returns the first value of header `name` (lower case).
pub fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip() {
        let mut encoder = HeaderEncoder::new().unwrap();
        let mut decoder = HeaderDecoder::new();
        for round in 0..3 {
            let port = round.to_string();
            let block = encoder
                .encode(&[("streamType", "data"), ("port", &port)])
                .unwrap();
            let headers = decoder.decode(&block).unwrap();
            assert_eq!(header(&headers, "streamtype"), Some("data"));
            assert_eq!(header(&headers, "port"), Some(port.as_str()));
        }
    }

    #[test]
    fn empty_block_round_trips() {
        let mut encoder = HeaderEncoder::new().unwrap();
        let mut decoder = HeaderDecoder::new();
        let block = encoder.encode(&[]).unwrap();
        assert!(decoder.decode(&block).unwrap().is_empty());
    }

    #[test]
    fn garbage_block_rejected() {
        let mut decoder = HeaderDecoder::new();
        assert!(decoder.decode(b"\x01\x02\x03garbage").is_err());
    }

    #[test]
    fn truncated_plain_rejected() {
        assert!(parse(&[0, 0, 0, 1, 0, 0, 0, 9, b'a']).is_err());
    }
}
