@_spi(Plumbing) import BPECore
import CCompression

/// A word-count file (`bpe count`): the distinct words of a corpus, sorted by their bytes, with
/// 64-bit counts, and what made them (pattern, special tokens, split engine), so that counts
/// of many shards merge exactly and training from them equals training on the text.
///
/// Layout (all integers little-endian):
///
///     offset 0   "BPECOUNT"                  magic, 8 bytes
///            8   u32 version                 1
///           12   u64 words                   distinct words (records)
///           20   u64 total                   the sum of the counts
///           28   u32 n                       bytes of the three fields that follow
///           32   pattern                     u32 length + UTF-8 (the resolved regex)
///                special tokens              u32 count, then each: u32 length + UTF-8
///                split                       u32 length + UTF-8 ("scanner, Unicode 16.0.0" or
///                                            "PCRE2 10.42, Unicode 14.0.0")
///       32 + n   records, `words` of them    u32 length, the word's bytes, u64 count (≥ 1),
///                                            strictly ascending by bytes (unsigned, a
///                                            proper prefix first)
///          end   "ENDCOUNT" + u32 CRC-32     of every byte before the CRC (zlib's crc32)
///
/// A reader checks all of it: magic, version, end marker (else "truncated"), CRC (else
/// "corrupt"), field lengths, record order, counts, and the two totals.
public struct CountFileHeader: Sendable, Equatable {
    /// The split regex, resolved (a preset's full text).
    public var pattern: String
    public var specialTokens: [String]
    /// What ran the split and its Unicode version: counts from two splits are not comparable.
    public var split: String
    public var words: UInt64
    public var total: UInt64

    public init(pattern: String, specialTokens: [String], split: String, words: UInt64 = 0, total: UInt64 = 0) {
        self.pattern = pattern
        self.specialTokens = specialTokens
        self.split = split
        self.words = words
        self.total = total
    }

    static let magic = Array("BPECOUNT".utf8)
    static let endMagic = Array("ENDCOUNT".utf8)
    static let version: UInt32 = 1
    /// Where `words` and `total` are (patched in after a streaming write).
    static let totalsOffset = 12
    /// The fixed part before the fields.
    static let fixedSize = 32
    /// The end marker and the CRC.
    static let trailerSize = 12

    /// The header's bytes, totals included.
    package func encoded() -> [UInt8] {
        var fields: [UInt8] = []
        Self.appendString(pattern, to: &fields)
        Self.append(UInt32(specialTokens.count), to: &fields)
        for token in specialTokens { Self.appendString(token, to: &fields) }
        Self.appendString(split, to: &fields)
        var out = Self.magic
        Self.append(Self.version, to: &out)
        Self.append(words, to: &out)
        Self.append(total, to: &out)
        Self.append(UInt32(fields.count), to: &out)
        return out + fields
    }

    /// Whether counts with this header may be merged with, or trained as, counts with `other`'s
    /// settings (totals aside); the first difference, described, or nil.
    public func difference(from other: CountFileHeader) -> String? {
        if pattern != other.pattern { return "the pattern \(Self.named(pattern)), not \(Self.named(other.pattern))" }
        if specialTokens != other.specialTokens {
            return "the special tokens \(Self.listed(specialTokens)), not \(Self.listed(other.specialTokens))"
        }
        if split != other.split { return "the split \(Self.quoted(split)), not \(Self.quoted(other.split))" }
        return nil
    }

    /// A preset by its name, another pattern quoted.
    static func named(_ pattern: String) -> String {
        SplitPattern(regex: pattern).map { $0.name } ?? quoted(pattern)
    }

    static func listed(_ tokens: [String]) -> String {
        tokens.isEmpty ? "(none)" : tokens.map(quoted).joined(separator: ", ")
    }

    static func quoted(_ text: String) -> String {
        text.count > 60 ? "'\(text.prefix(57))...'" : "'\(text)'"
    }

    @inline(__always)
    package static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
        append(UInt32(text.utf8.count), to: &out)
        out.append(contentsOf: text.utf8)
    }
}

/// A count file could not be read, or does not fit the run: one line naming the file.
public struct CountFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read the word counts '\(path)': \(reason)" }
}

/// CRC-32 (zlib's) of bytes, continuing `crc`.
package func countFileCRC(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var crc = UInt(crc)
    var start = bytes.baseAddress
    var remaining = bytes.count
    while remaining > 0 {
        let chunk = min(remaining, 1 << 30)
        crc = crc32(crc, start!.assumingMemoryBound(to: UInt8.self), UInt32(chunk))
        start! += chunk
        remaining -= chunk
    }
    return UInt32(truncatingIfNeeded: crc)
}

/// The CRC of A followed by B from the CRCs of each and B's length.
package func countFileCRCCombine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: crc32_combine(UInt(first), UInt(second), off_t(secondLength)))
}
