/// The character classes the preset scanners test, for every code point (Unicode 16.0, the
/// version of tiktoken's regex engine; generated into `UnicodeClassData.swift` by
/// `Scripts/generate_unicode_tables.py`, which checks every class against tiktoken).
///
/// Two-stage lookup: a block number per 128 code points, then that block's 128 class sets
/// (230 distinct blocks, 38 KiB in all). A 256-entry table classifies a UTF-8 byte directly:
/// an ASCII character's classes, or `multibyte` for a byte of a longer sequence.
///
/// The tables are decoded once from the generated text into memory that lives as long as the
/// process (the shared instance is never released), so scanners hold plain pointers into them.
@_spi(Plumbing) public final class UnicodeClassTable: @unchecked Sendable {
    /// `\p{L}`.
    public static let letter: UInt8 = 0x01
    /// `\p{N}`.
    public static let number: UInt8 = 0x02
    /// `\s`: White_Space, which includes U+0085 (NEL) — PCRE2's `\s` does not.
    public static let space: UInt8 = 0x04
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, o200k's first case class.
    public static let upperish: UInt8 = 0x08
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`, o200k's second case class.
    public static let lowerish: UInt8 = 0x10
    /// `[\r\n]`.
    public static let newline: UInt8 = 0x20
    /// Byte table only: a byte of a multi-byte sequence; decode the character for its classes.
    public static let multibyte: UInt8 = 0x40
    /// Byte table only: `/` (o200k's punctuation words end in `[\r\n/]*`).
    public static let slash: UInt8 = 0x80

    /// The one instance; its memory is never freed.
    public static let shared = UnicodeClassTable()

    /// Classes of each byte value (ASCII characters; `multibyte` for 0x80...0xFF).
    public let byteClasses: UnsafePointer<UInt8>
    /// The block number of each 128 code points.
    public let blockIndex: UnsafePointer<UInt8>
    /// The blocks, 128 class sets each.
    public let blocks: UnsafePointer<UInt8>

    private init() {
        precondition(Self.blockShift == 7, "classes(of:) assumes 128 code points per block")
        let index = Self.decodeHexBytes(Self.encodedBlockIndex)
        let values = Self.decodeClassValues(Self.encodedBlocks)
        precondition(index.count == 0x110000 >> Self.blockShift, "generated block index has the wrong size")
        precondition(values.count % (1 << Self.blockShift) == 0, "generated blocks have the wrong size")
        precondition(index.allSatisfy { (Int($0) + 1) << Self.blockShift <= values.count }, "block number out of range")

        let blockIndex = UnsafeMutablePointer<UInt8>.allocate(capacity: index.count)
        blockIndex.initialize(from: index, count: index.count)
        let blocks = UnsafeMutablePointer<UInt8>.allocate(capacity: values.count)
        blocks.initialize(from: values, count: values.count)
        let byteClasses = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            // Block 0 holds U+0000...U+007F.
            byteClasses[byte] = byte < 0x80 ? values[Int(index[0]) << Self.blockShift | byte] : Self.multibyte
        }
        byteClasses[Int(UInt8(ascii: "/"))] |= Self.slash
        self.blockIndex = UnsafePointer(blockIndex)
        self.blocks = UnsafePointer(blocks)
        self.byteClasses = UnsafePointer(byteClasses)
    }

    /// The classes of `scalar` (any value up to 0x10FFFF).
    @inlinable @inline(__always)
    public func classes(of scalar: UInt32) -> UInt8 {
        let block = Int(blockIndex[Int(scalar >> 7)])
        return blocks[block << 7 | Int(scalar & 0x7F)]
    }

    /// Two hex digits per byte; line breaks skipped.
    private static func decodeHexBytes(_ text: StaticString) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        text.withUTF8Buffer { buffer in
            for character in buffer where character != UInt8(ascii: "\n") {
                let digit = character <= UInt8(ascii: "9") ? character - UInt8(ascii: "0") : character - UInt8(ascii: "a") + 10
                if let value = high {
                    bytes.append(value << 4 | digit)
                    high = nil
                } else {
                    high = digit
                }
            }
        }
        return bytes
    }

    /// One character per value, U+0030 + value; line breaks skipped.
    private static func decodeClassValues(_ text: StaticString) -> [UInt8] {
        var values: [UInt8] = []
        text.withUTF8Buffer { buffer in
            values.reserveCapacity(buffer.count)
            for character in buffer where character != UInt8(ascii: "\n") { values.append(character - 0x30) }
        }
        return values
    }
}
