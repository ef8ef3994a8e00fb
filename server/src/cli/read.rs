//! Reading one input into text, with the checks that make a bad file one clear error:
//! size limit (from metadata, before reading), binary content, invalid UTF-8.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why an input could not be turned into text. Displayed as the `problem` part of
/// `dlint: error: PATH: problem`.
#[derive(Debug)]
pub(crate) enum ReadError {
    Io(io::Error),
    IsDirectory,
    /// `size` is `None` when the input is a stream whose size is unknown.
    TooLarge {
        size: Option<u64>,
        limit: u64,
    },
    Binary,
    /// 1-based line and character column of the first byte that is not UTF-8.
    InvalidUtf8 {
        line: usize,
        column: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(err) => f.write_str(&io_message(err)),
            Self::IsDirectory => f.write_str("is a directory"),
            Self::TooLarge {
                size: Some(size),
                limit,
            } => write!(
                f,
                "file too large: {} exceeds the limit of {} (--max-file-size)",
                format_size(*size),
                format_size(*limit)
            ),
            Self::TooLarge { size: None, limit } => write!(
                f,
                "input too large: more than the limit of {} (--max-file-size)",
                format_size(*limit)
            ),
            Self::Binary => f.write_str("binary file (contains a NUL byte), not checked"),
            Self::InvalidUtf8 { line, column } => {
                write!(f, "invalid UTF-8 at line {line}, column {column}")
            }
        }
    }
}

/// An I/O error as a short lower-case phrase, without Rust's `(os error N)` suffix.
pub(crate) fn io_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// Read the file at `path`, refusing files larger than `limit` bytes before reading them.
pub(crate) fn read_path(path: &Path, limit: u64) -> Result<String, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory);
    }
    // Pipes and devices report 0: the bounded read below still enforces the limit.
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    read_bounded(file, limit, meta.is_file().then_some(meta.len()))
}

/// Read standard input, at most `limit` bytes.
pub(crate) fn read_stdin(limit: u64) -> Result<String, ReadError> {
    read_bounded(io::stdin().lock(), limit, None)
}

/// Read at most `limit` bytes; the file may have grown since its metadata was read.
fn read_bounded(reader: impl Read, limit: u64, size: Option<u64>) -> Result<String, ReadError> {
    let mut bytes = Vec::with_capacity(size.map_or(8 * 1024, |s| s as usize));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    decode(bytes)
}

/// Bytes to text: NUL means binary; otherwise it must be UTF-8 (a BOM is kept).
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.contains(&0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|err| {
        let bytes = err.as_bytes();
        let valid = err.utf8_error().valid_up_to();
        let line_start = bytes[..valid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = std::str::from_utf8(&bytes[..valid]).map_or(0, |t| t.matches('\n').count()) + 1;
        let prefix = std::str::from_utf8(&bytes[line_start..valid]).unwrap_or("");
        let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        ReadError::InvalidUtf8 {
            line,
            column: prefix.chars().count() + 1,
        }
    })
}

/// Parse a size like `16MiB`, `512K`, `1mb`, `2048`: binary multiples, case-insensitive.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 16MiB, 512K, 2048)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KiB, MiB or GiB)"
            ));
        }
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// A byte count for humans: `900 bytes`, `1.5 KiB`, `16.0 MiB`.
pub(crate) fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} {}", if bytes == 1 { "byte" } else { "bytes" });
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("2048"), Ok(2048));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1 GB"), Ok(1 << 30));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("3 parsecs").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn sizes_format_for_humans() {
        assert_eq!(format_size(1), "1 byte");
        assert_eq!(format_size(100), "100 bytes");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(16 << 20), "16.0 MiB");
    }

    #[test]
    fn invalid_utf8_names_line_and_character_column() {
        let mut bytes = "FROM a\nRUN é".as_bytes().to_vec();
        bytes.extend([0xff, b'x']);
        let err = decode(bytes).unwrap_err();
        assert_eq!(err.to_string(), "invalid UTF-8 at line 2, column 6");
    }

    #[test]
    fn nul_means_binary_and_bom_is_kept() {
        assert!(matches!(decode(b"FROM\0".to_vec()), Err(ReadError::Binary)));
        assert_eq!(
            decode("\u{feff}FROM a".as_bytes().to_vec()).unwrap(),
            "\u{feff}FROM a"
        );
    }

    #[test]
    fn bounded_read_refuses_streams_over_the_limit() {
        let err = read_bounded(&b"0123456789"[..], 4, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "input too large: more than the limit of 4 bytes (--max-file-size)"
        );
        assert_eq!(read_bounded(&b"0123"[..], 4, None).unwrap(), "0123");
    }
}
