//! A minimal ZIP writer for exported image sequences (one PNG or SVG per position).
//!
//! Files are written with the STORE method (no compression: PNG is already compressed and the
//! frames are small), a fixed DOS timestamp (1980-01-01 00:00) so the same frames give the same
//! bytes, and the UTF-8 name flag. Layout (PKWARE APPNOTE 4.3): one local file header + data per
//! file, then the central directory, then the end-of-central-directory record. No ZIP64: an
//! archive must stay below 4 GiB and 65,535 files, far above what an export produces.

/// General purpose flag bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// Version needed to extract: 2.0.
const VERSION: u16 = 20;
/// DOS date of 1980-01-01: (year - 1980) << 9 | month << 5 | day.
const DOS_DATE: u16 = 1 << 5 | 1;
/// DOS time 00:00:00.
const DOS_TIME: u16 = 0;

/// The CRC-32 table of the reflected IEEE 802.3 polynomial 0xEDB88320.
const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
}

/// CRC-32 (IEEE, as ZIP and PNG use it) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8)
    })
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A ZIP archive holding `files` (name, contents) in the given order, uncompressed.
pub fn store(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let crc = crc32(data);
        let offset = out.len() as u32;
        let name = name.as_bytes();
        // Fields common to the local header and the central directory entry, from "version
        // needed" through "extra field length".
        let mut common = Vec::with_capacity(26);
        u16le(&mut common, VERSION);
        u16le(&mut common, FLAG_UTF8);
        u16le(&mut common, 0); // method: STORE
        u16le(&mut common, DOS_TIME);
        u16le(&mut common, DOS_DATE);
        u32le(&mut common, crc);
        u32le(&mut common, data.len() as u32); // compressed size
        u32le(&mut common, data.len() as u32); // uncompressed size
        u16le(&mut common, name.len() as u16);
        u16le(&mut common, 0); // extra field length

        u32le(&mut out, 0x0403_4B50);
        out.extend_from_slice(&common);
        out.extend_from_slice(name);
        out.extend_from_slice(data);

        u32le(&mut central, 0x0201_4B50);
        u16le(&mut central, VERSION); // version made by: 2.0, MS-DOS attributes
        central.extend_from_slice(&common);
        u16le(&mut central, 0); // comment length
        u16le(&mut central, 0); // disk number start
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0); // external attributes
        u32le(&mut central, offset);
        central.extend_from_slice(name);
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4B50);
    u16le(&mut out, 0); // this disk
    u16le(&mut out, 0); // disk with the central directory
    u16le(&mut out, files.len() as u16); // entries on this disk
    u16le(&mut out, files.len() as u16); // entries in total
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0); // comment length
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd16(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([b[at], b[at + 1]])
    }

    fn rd32(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        // "a": the one-byte value listed in common CRC-32 references.
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
    }

    /// Reads an archive back through its central directory, the way unzip does.
    #[test]
    fn two_files_read_back_through_the_central_directory() {
        let files = vec![
            ("frame-001.svg".to_string(), b"<svg/>".to_vec()),
            (
                "étape-002.png".to_string(),
                vec![0x89, b'P', b'N', b'G', 0, 1, 2],
            ),
        ];
        let zip = store(&files);
        // End record: the last 22 bytes (no comment).
        let end = zip.len() - 22;
        assert_eq!(rd32(&zip, end), 0x0605_4B50);
        assert_eq!(rd16(&zip, end + 8), 2);
        assert_eq!(rd16(&zip, end + 10), 2);
        let cd_size = rd32(&zip, end + 12) as usize;
        let cd_offset = rd32(&zip, end + 16) as usize;
        assert_eq!(cd_offset + cd_size, end);
        // Local data before the directory: 2 headers of 30 bytes + names + data.
        let names: usize = files.iter().map(|(n, _)| n.len()).sum();
        let datas: usize = files.iter().map(|(_, d)| d.len()).sum();
        assert_eq!(cd_offset, 2 * 30 + names + datas);
        assert_eq!(cd_size, 2 * 46 + names);

        let mut at = cd_offset;
        for (name, data) in &files {
            assert_eq!(rd32(&zip, at), 0x0201_4B50);
            assert_eq!(rd16(&zip, at + 8), FLAG_UTF8);
            assert_eq!(rd16(&zip, at + 10), 0, "STORE");
            assert_eq!(rd16(&zip, at + 12), 0);
            assert_eq!(rd16(&zip, at + 14), 0x21, "1980-01-01");
            assert_eq!(rd32(&zip, at + 16), crc32(data));
            assert_eq!(rd32(&zip, at + 20) as usize, data.len());
            assert_eq!(rd32(&zip, at + 24) as usize, data.len());
            let n = rd16(&zip, at + 28) as usize;
            assert_eq!(&zip[at + 46..at + 46 + n], name.as_bytes());
            let local = rd32(&zip, at + 42) as usize;
            assert_eq!(rd32(&zip, local), 0x0403_4B50);
            assert_eq!(rd32(&zip, local + 14), crc32(data));
            assert_eq!(rd16(&zip, local + 26) as usize, n);
            let start = local + 30 + n;
            assert_eq!(&zip[start..start + data.len()], &data[..]);
            at += 46 + n;
        }
        assert_eq!(at, end);
        // Deterministic: same input, same bytes.
        assert_eq!(store(&files), zip);
    }

    #[test]
    fn empty_archive_is_just_the_end_record() {
        let zip = store(&[]);
        assert_eq!(zip.len(), 22);
        assert_eq!(rd32(&zip, 0), 0x0605_4B50);
    }
}
