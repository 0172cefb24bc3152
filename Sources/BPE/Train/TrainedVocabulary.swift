/// One learned merge: the ids of the two tokens joined. Merge k creates id 256 + k.
public struct Merge: Hashable, Sendable, CustomStringConvertible {
    public let left: Int
    public let right: Int

    public init(_ left: Int, _ right: Int) {
        self.left = left
        self.right = right
    }

    public var description: String { "(\(left), \(right))" }
}

/// The result of training (SPEC §5): ids 0–255 are the bytes, merge k created id 256 + k,
/// and the special tokens follow the last merge in the order given.
public struct TrainedVocabulary: Sendable, Equatable {
    /// Bytes of every non-special token, in id order.
    public let tokens: [[UInt8]]
    public let merges: [Merge]
    public let specialTokens: [String]

    public init(tokens: [[UInt8]], merges: [Merge], specialTokens: [String]) {
        self.tokens = tokens
        self.merges = merges
        self.specialTokens = specialTokens
    }

    /// Id of the i-th special token.
    public func specialTokenID(_ index: Int) -> Int { tokens.count + index }

    /// Total size: bytes, merges and special tokens.
    public var size: Int { tokens.count + specialTokens.count }

    /// The merged bytes of each merge, in order: what the fixtures compare.
    public var mergedPairs: [([UInt8], [UInt8])] { merges.map { (tokens[$0.left], tokens[$0.right]) } }
}
