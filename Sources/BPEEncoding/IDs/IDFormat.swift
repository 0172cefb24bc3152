@_spi(Plumbing) import BPECore

/// How token ids are written by `bpe encode` and read by `bpe decode`.
package enum IDFormat: String, Sendable, CaseIterable {
    /// Decimal ids separated by spaces, one line per input.
    case ids
    /// One JSON array per input, one per line.
    case json
    /// All ids as one flat array of little-endian 16-bit integers.
    case u16
    /// All ids as one flat array of little-endian 32-bit integers.
    case u32

    /// Fails if some id of `tokenizer` does not fit the format.
    package func check(_ tokenizer: Tokenizer) throws(EncodeError) {
        if self == .u16 && tokenizer.idLimit > 1 << 16 {
            throw .idsDoNotFit(format: rawValue, largestID: TokenID(tokenizer.idLimit - 1))
        }
    }
}
