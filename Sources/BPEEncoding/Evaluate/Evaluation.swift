import BPEFormats
@_spi(Plumbing) import BPECore

/// How well one vocabulary compresses some text: what `bpe eval` prints per vocabulary.
public struct Evaluation: Sendable {
    /// A token the text used, for the list of the longest ones.
    public struct UsedToken: Sendable {
        public var id: TokenID
        public var bytes: [UInt8]
        public var uses: Int
        /// The token as minbpe's `.vocab` shows it (control characters escaped).
        public var rendered: String { TokenRendering.render(bytes) }
    }

    public var vocabulary: String
    public var idCount: Int
    public var bytes = 0
    public var tokens = 0
    /// Non-empty words of the split (special tokens are not words).
    public var words = 0
    /// Bytes inside non-special tokens of two or more bytes.
    public var multiByteBytes = 0
    /// Distinct ids used.
    public var distinctTokens = 0
    /// The longest tokens used, longest first (lower id first among equals).
    public var longestTokens: [UsedToken] = []

    public var bytesPerToken: Double { tokens == 0 ? 0 : Double(bytes) / Double(tokens) }
    public var tokensPerWord: Double { words == 0 ? 0 : Double(tokens) / Double(words) }
    public var multiByteShare: Double { bytes == 0 ? 0 : Double(multiByteBytes) / Double(bytes) }
}

extension Tokenizer {
    /// Encodes `paths` (as `encode` does, on all the settings' threads) and measures the result.
    /// - Parameter longest: how many of the longest used tokens to list.
    /// - Complexity: O(total bytes) work, O(vocabulary) memory.
    public func evaluate(
        paths: [String], name: String, settings: EncodeSettings, longest: Int = 20, progress: EncodeProgress? = nil
    ) throws(EncodeError) -> Evaluation {
        var uses = [Int](repeating: 0, count: idLimit)
        var lengths = [Int](repeating: 0, count: idLimit)
        for id in 0..<idLimit { lengths[id] = bytes(of: TokenID(id))?.count ?? 0 }
        for special in specialTokens { lengths[Int(special.id)] = -lengths[Int(special.id)] }
        var result = Evaluation(vocabulary: name, idCount: mergeableCount + specialTokens.count)
        try encode(paths: paths, settings: settings, progress: progress) { (part: EncodedPart) throws(EncodeError) in
            guard case let .ids(ids, _, words) = part else { return }
            result.words += words
            result.tokens += ids.count
            for id in ids {
                let length = lengths[Int(id)]
                uses[Int(id)] += 1
                result.bytes += abs(length)
                if length >= 2 { result.multiByteBytes += length }
            }
        }
        var used: [Int] = []
        for id in 0..<idLimit where uses[id] > 0 && lengths[id] > 0 { used.append(id) }
        result.distinctTokens = used.count
        used.sort { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        result.longestTokens = used.prefix(longest).map { Evaluation.UsedToken(id: TokenID($0), bytes: bytes(of: TokenID($0))!, uses: uses[$0]) }
        return result
    }
}
