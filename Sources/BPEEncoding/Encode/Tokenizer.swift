@_spi(Plumbing) import BPECore
import BPEFormats

/// A vocabulary ready to encode and decode: the split pattern, the rank of every mergeable
/// token, and the special tokens. Encoding is tiktoken's: split with the pattern (PCRE2, as
/// training does), then each word is one token if it is one, else `BytePairMerger` splits it.
///
/// Ranks are ids, as in tiktoken and in what `bpe train` writes. Build one from a file with
/// `load(path:...)`, from a trained vocabulary with `init(vocabulary:pattern:specialTokens:)`,
/// or from any tokens with `init(pattern:tokens:specialTokens:)`.
///
/// Immutable and `Sendable`: one instance serves every worker; each worker keeps its own
/// `UnitEncoder` (matcher, merge scratch and word cache).
public final class Tokenizer: Sendable {
    /// The split regex (a preset's regex, resolved).
    public let pattern: String
    let compiledPattern: CompiledPattern
    let ranks: RankTable
    /// Special tokens and their ids, in id order.
    public let specialTokens: [(token: String, id: TokenID)]
    /// The bytes of every id laid end to end: id i is `decodeBytes[decodeSpans[i]]` (start,
    /// end); an id that names nothing has the span (`UInt32.max`, `UInt32.max`).
    private let decodeBytes: [UInt8]
    private let decodeSpans: [(start: UInt32, end: UInt32)]
    /// Number of mergeable (non-special) tokens.
    public let mergeableCount: Int

    /// A tokenizer from a trained vocabulary: its tokens at their ids, and `specialTokens`
    /// (by default the vocabulary's own, at the ids SPEC §5 gives them). No file is involved.
    /// - Parameter pattern: a preset name (`gpt2`, `gpt4`, `o200k`) or a regex.
    /// - Complexity: O(vocabulary bytes).
    public convenience init(
        vocabulary: TrainedVocabulary, pattern: String, specialTokens: [(token: String, id: TokenID)]? = nil
    ) throws(EncodeError) {
        try self.init(
            pattern: pattern,
            tokens: vocabulary.tokens.enumerated().map { ($0.element, TokenID($0.offset)) },
            specialTokens: specialTokens ?? vocabulary.specialTokens.enumerated().map {
                ($0.element, vocabulary.specialTokenID($0.offset))
            })
    }

    /// A tokenizer from mergeable `tokens` (bytes, id) and `specialTokens` (text, id).
    ///
    /// Every one of the 256 bytes must be a token (byte-level BPE can then encode anything);
    /// no two tokens may share bytes or an id.
    /// - Parameter pattern: a preset name (`gpt2`, `gpt4`, `o200k`) or a regex.
    /// - Complexity: O(vocabulary bytes).
    /// - Parameter splitEngine: `.pcre2` runs a preset's regex on PCRE2 rather than its scanner.
    public init(
        pattern: String, tokens: [(bytes: [UInt8], id: TokenID)], specialTokens: [(token: String, id: TokenID)],
        splitEngine: SplitEngine = .automatic
    ) throws(EncodeError) {
        self.pattern = SplitPattern.resolve(pattern)
        do { compiledPattern = try CompiledPattern(self.pattern, engine: splitEngine) } catch { throw .pattern(error) }
        var largest = -1
        for token in tokens {
            if token.id == .none {
                throw .invalidVocabulary(reason: "id \(token.id) is out of range")
            }
            largest = max(largest, Int(token.id))
        }
        for special in specialTokens where special.id != .none { largest = max(largest, Int(special.id)) }
        // The decode table is indexed by id: an id far beyond the number of tokens (one edited
        // line) would size it to gigabytes. Real vocabularies leave small gaps at most.
        let idBound = Self.idBound(tokenCount: tokens.count + specialTokens.count)
        if largest >= idBound {
            throw .invalidVocabulary(reason: "id \(largest) is far beyond its \(tokens.count + specialTokens.count) tokens "
                + "(ids must be below \(idBound): twice the number of tokens plus 2^20)")
        }
        var bytesOfID = [[UInt8]?](repeating: nil, count: largest + 1)
        for token in tokens {
            if bytesOfID[Int(token.id)] != nil { throw .invalidVocabulary(reason: "id \(token.id) is given twice") }
            if token.bytes.isEmpty { throw .invalidVocabulary(reason: "id \(token.id) has no bytes") }
            bytesOfID[Int(token.id)] = token.bytes
        }
        for special in specialTokens {
            if special.id == .none || bytesOfID[Int(special.id)] != nil {
                throw .invalidVocabulary(reason: "special token '\(special.token)' has id \(special.id), which is taken")
            }
            bytesOfID[Int(special.id)] = Array(special.token.utf8)
        }
        ranks = RankTable(tokens)
        if let duplicate = ranks.firstDuplicate {
            throw .invalidVocabulary(reason: "two ids hold the same bytes (one is \(duplicate))")
        }
        if let missing = ranks.byteRanks.firstIndex(of: .none) {
            throw .invalidVocabulary(reason: "byte 0x\(String(missing, radix: 16)) is not a token, so not every text can be encoded")
        }
        var laidOut: [UInt8] = []
        var spans: [(start: UInt32, end: UInt32)] = []
        spans.reserveCapacity(bytesOfID.count)
        for bytes in bytesOfID {
            if let bytes {
                spans.append((UInt32(laidOut.count), UInt32(laidOut.count + bytes.count)))
                laidOut += bytes
            } else {
                spans.append((UInt32.max, UInt32.max))
            }
        }
        decodeBytes = laidOut
        decodeSpans = spans
        self.specialTokens = specialTokens.sorted { $0.id < $1.id }
        self.mergeableCount = tokens.count
    }

    /// The ids of a vocabulary of `tokenCount` tokens must lie below this: twice their number
    /// plus 2^20, so that tables indexed by id stay proportional to the vocabulary.
    static func idBound(tokenCount: Int) -> Int { 2 * tokenCount + (1 << 20) }

    /// One more than the largest id: the size of an id table for this vocabulary.
    public var idLimit: Int { decodeSpans.count }

    /// The bytes of `id`, or `nil` if it names no token.
    /// - Complexity: O(length of the token).
    public func bytes(of id: TokenID) -> [UInt8]? {
        let id = Int(id)
        guard id < decodeSpans.count, decodeSpans[id].start != UInt32.max else { return nil }
        return Array(decodeBytes[Int(decodeSpans[id].start)..<Int(decodeSpans[id].end)])
    }

    /// Calls `body` with the bytes of `id` (no copy), or returns `false` if it names no token.
    /// - Complexity: O(1).
    @inline(__always)
    func withBytes(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(EncodeError) -> Void) throws(EncodeError) -> Bool {
        guard id >= 0 && id < decodeSpans.count else { return false }
        let (start, end) = decodeSpans[id]
        if start == UInt32.max { return false }
        let failure = decodeBytes.withUnsafeBufferPointer { all -> EncodeError? in
            do throws(EncodeError) {
                try body(UnsafeBufferPointer(rebasing: all[Int(start)..<Int(end)]))
            } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return true
    }

    /// Whether `id` is a special token.
    public func isSpecial(_ id: TokenID) -> Bool { specialTokens.contains { $0.id == id } }

    /// The id of a special token's text, or `nil`.
    public func specialTokenID(_ token: String) -> TokenID? { specialTokens.first { $0.token == token }?.id }
}
