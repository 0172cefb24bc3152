@_spi(Plumbing) import BPECore

/// How an encode (or eval) run reads its inputs and spreads the work.
public struct EncodeSettings: Sendable {
    public var threads: Int
    /// Target bytes per work unit; never changes the ids (tests use tiny values).
    public var shardBytes: Int = 1 << 20
    public var specialTokens: SpecialTokenPolicy = .disallowAll
    public var invalidUTF8: InvalidUTF8Policy = .error
    /// Plain text (default) or JSON Lines documents; gzip and zstd inputs are read either way.
    public var inputFormat: InputFormat = .text
    /// Leading words a unit records for the join; past them the join re-encodes the unit
    /// (tests lower it to exercise that path).
    package var leadingWordLimit = 1024
    /// Word length from which `BytePairMerger` uses its heap (tests lower it).
    package var heapThreshold = BytePairMerger.defaultHeapThreshold
    /// How far past its end a unit's split may read, at least, before the join finishes it
    /// serially (`WorkPlan.minimumLookahead`; tests lower it to exercise `SegmentRepair`).
    package var minimumLookahead = WorkPlan.defaultMinimumLookahead

    /// Settings for `threads` workers (by default, all cores).
    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? Processors.available)
    }
}

/// What an encode run hands its consumer, in input order.
public enum EncodedPart {
    /// The next ids of input `file`, and the number of non-empty words they encode.
    case ids(ArraySlice<TokenID>, file: Int, words: Int)
    /// Input `file` is complete (sent for every input, empty ones included).
    case endOfFile(Int)
}

/// What an encode run did, over all its inputs.
public struct EncodeSummary: Sendable, Equatable {
    public var inputs: Int
    public var bytes: Int
    public var tokens = 0
    /// Non-empty words of the split.
    public var words = 0
}

/// Progress of an encode run: input bytes done, of the total.
public typealias EncodeProgress = @Sendable (_ done: Int, _ total: Int) -> Void
