/// One learned merge: the ids of the two tokens joined. Merge k creates id 256 + k.
public struct Merge: Hashable, Sendable, CustomStringConvertible {
    public let left: TokenID
    public let right: TokenID

    public init(_ left: TokenID, _ right: TokenID) {
        self.left = left
        self.right = right
    }

    public var description: String { "(\(left), \(right))" }
}

/// A byte-level BPE vocabulary as training produces it (SPEC §5): ids 0–255 are the bytes,
/// merge k created id 256 + k, and the special tokens follow the last merge in the order given.
///
/// Invariant: `tokens.count == 256 + merges.count`, and `tokens[256 + k]` is the bytes of
/// merge k's left token followed by its right token's.
public struct TrainedVocabulary: Sendable, Equatable {
    /// Bytes of every non-special token, in id order.
    public let tokens: [[UInt8]]
    public let merges: [Merge]
    public let specialTokens: [String]

    /// The vocabulary of `merges` (applied to the 256 byte tokens) and `specialTokens`.
    /// A merge must join ids that exist before it.
    /// - Complexity: O(total bytes of the tokens).
    public init(merges: [Merge], specialTokens: [String]) {
        var tokens = (0..<256).map { [UInt8($0)] }
        for merge in merges {
            precondition(Int(merge.left) < tokens.count && Int(merge.right) < tokens.count,
                         "merge \(tokens.count - 256) joins an id that does not exist yet")
            tokens.append(tokens[Int(merge.left)] + tokens[Int(merge.right)])
        }
        self.init(tokens: tokens, merges: merges, specialTokens: specialTokens)
    }

    package init(tokens: [[UInt8]], merges: [Merge], specialTokens: [String]) {
        self.tokens = tokens
        self.merges = merges
        self.specialTokens = specialTokens
    }

    /// Id of the i-th special token.
    public func specialTokenID(_ index: Int) -> TokenID { TokenID(tokens.count + index) }

    /// Total size: bytes, merges and special tokens.
    public var size: Int { tokens.count + specialTokens.count }

    /// The bytes of the two tokens of each merge, in order: what the fixtures compare.
    public var mergedPairs: [([UInt8], [UInt8])] { merges.map { (tokens[Int($0.left)], tokens[Int($0.right)]) } }
}
