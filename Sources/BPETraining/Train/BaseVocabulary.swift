@_spi(Plumbing) import BPECore
import BPEFormats
import HeapModule

/// A vocabulary to extend (`--extend`): its merges in rank order, in SPEC §5's layout (ids
/// 0–255 the bytes, merge k made id 256 + k), and an encoder that applies them to a word.
///
/// Applying the merges in rank order to every word, as training would have, equals encoding
/// each word by lowest rank first (tiktoken's rule): a pair with the new token of merge r can
/// only have a rank above r, so both orders merge the same pairs in the same places.
public struct BaseVocabulary: Sendable {
    public private(set) var merges: [Merge]
    /// Bytes of every token, by id (256 + merges).
    public private(set) var tokens: [[UInt8]]
    /// (left << 32 | right) → the id the merge makes.
    private var mergedID: [UInt64: UInt32]

    /// From merges in order: merge k joins two ids below 256 + k and makes 256 + k.
    public init(merges: [Merge]) throws(TrainingError) {
        var tokens = (0..<256).map { [UInt8($0)] }
        var known = Set(tokens)
        var mergedID: [UInt64: UInt32] = [:]
        for (k, merge) in merges.enumerated() {
            guard Int(merge.left) < tokens.count, Int(merge.right) < tokens.count else {
                throw .invalidSetting(.extend, value: "merge \(k)", reason: "it joins an id that no earlier merge made")
            }
            let bytes = tokens[Int(merge.left)] + tokens[Int(merge.right)]
            guard known.insert(bytes).inserted else {
                throw .invalidSetting(.extend, value: "merge \(k)", reason: "it makes a token that already exists (two ids with the same bytes)")
            }
            tokens.append(bytes)
            mergedID[Self.key(merge.left, merge.right)] = UInt32(256 + k)
        }
        self.merges = merges
        self.tokens = tokens
        self.mergedID = mergedID
    }

    /// Reads any vocabulary file `bpe encode` reads (`.tiktoken`, `.model`, `tokenizer.json`)
    /// and recovers its merges from the ranks: each token is the pair the base's own encoder
    /// leaves when it encodes the token's bytes with the lower ranks. The file must be in
    /// SPEC §5's layout (ids 0–255 the bytes, then one id per merge, no gap); its special
    /// tokens are returned apart (they follow the new merges in the extended vocabulary).
    public static func load(path: String) throws(TrainingError) -> (base: BaseVocabulary, pattern: String?, specialTokens: [String]) {
        let file: VocabularyFile
        do { file = try VocabularyFile.read(path: path, merges: nil) } catch {
            throw .invalidSetting(.extend, value: path, reason: error.description)
        }
        let partial: BaseVocabulary
        do { partial = try BaseVocabulary(tokens: file.tokens) } catch {
            throw .invalidSetting(.extend, value: path, reason: error.reason)
        }
        return (partial, file.pattern, file.specialTokens.sorted { $0.id < $1.id }.map(\.token))
    }

    /// Why tokens are not a vocabulary in SPEC §5's layout.
    public struct LayoutError: Error, Sendable {
        public var reason: String
    }

    /// The vocabulary of mergeable `tokens` (bytes, id) in SPEC §5's layout — ids 0 to n−1,
    /// one each, 0–255 the bytes — with its merges recovered from the ranks: each token is
    /// the pair the vocabulary's own encoder leaves when it encodes the token's bytes with
    /// the lower ranks.
    /// - Complexity: O(total token bytes · log).
    public init(tokens: [(bytes: [UInt8], id: TokenID)]) throws(LayoutError) {
        var byID: [[UInt8]?] = Array(repeating: nil, count: tokens.count)
        for token in tokens {
            guard Int(token.id) < byID.count, byID[Int(token.id)] == nil else {
                throw LayoutError(reason: "its ids are not 0 to \(tokens.count - 1), one each (swift-bpe's layout)")
            }
            byID[Int(token.id)] = token.bytes
        }
        for byte in 0..<min(256, byID.count + 1) where byte >= byID.count || byID[byte] != [UInt8(byte)] {
            throw LayoutError(reason: "id \(byte) is not the byte \(byte): it is not in swift-bpe's layout (bytes at ids 0-255, then merges)")
        }
        self.merges = []
        self.tokens = (0..<256).map { [UInt8($0)] }
        self.mergedID = [:]
        for id in 256..<max(256, byID.count) {
            let parts = byID[id]!.withUnsafeBufferPointer { encode($0) }
            guard parts.count == 2 else { throw LayoutError(reason: "token \(id) is not the merge of two earlier tokens") }
            append(Merge(parts[0], parts[1]))
        }
    }

    /// The pattern (if the file names one) and special tokens of the vocabulary at `path`,
    /// without recovering its merges (what `--extend` defaults to when none are given).
    public static func settings(path: String) throws(TrainingError) -> (pattern: String?, specialTokens: [String]) {
        let file: VocabularyFile
        do { file = try VocabularyFile.read(path: path, merges: nil) } catch {
            throw .invalidSetting(.extend, value: path, reason: error.description)
        }
        return (file.pattern, file.specialTokens.sorted { $0.id < $1.id }.map(\.token))
    }

    /// Adds one merge after the others, in place (recovering a file's merges adds them one
    /// by one; a copy per merge would make that quadratic).
    private mutating func append(_ merge: Merge) {
        mergedID[Self.key(merge.left, merge.right)] = UInt32(tokens.count)
        tokens.append(tokens[Int(merge.left)] + tokens[Int(merge.right)])
        merges.append(merge)
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// The word's tokens after every base merge: lowest rank first, leftmost first among equal
    /// ranks, on a linked list with a heap of candidate pairs. 32-bit links and positions (a
    /// word's record length is 32-bit anyway): about 20 bytes per byte of the word at most.
    /// - Complexity: O(n log n) time, O(n) memory for n bytes.
    func encode(_ word: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var ids = word.map(UInt32.init)
        if ids.count < 2 || mergedID.isEmpty { return ids }
        let n = UInt32(ids.count)
        let removed = UInt32.max  // `previous` of a position merged into its left neighbour
        var next = [UInt32](unsafeUninitializedCapacity: Int(n)) { buffer, count in
            for i in 0..<Int(n) { buffer[i] = UInt32(i + 1) }  // n: the end
            count = Int(n)
        }
        var previous = [UInt32](unsafeUninitializedCapacity: Int(n)) { buffer, count in
            for i in 0..<Int(n) { buffer[i] = UInt32(truncatingIfNeeded: i - 1) }  // position 0: UInt32.max, never read
            count = Int(n)
        }
        struct Candidate: Comparable {
            var id: UInt32
            var position: UInt32
            static func < (a: Candidate, b: Candidate) -> Bool { a.id != b.id ? a.id < b.id : a.position < b.position }
        }
        var heap = Heap<Candidate>()
        for i in 0..<Int(n - 1) {
            if let id = mergedID[Self.key(ids[i], ids[i + 1])] { heap.insert(Candidate(id: id, position: UInt32(i))) }
        }
        while let candidate = heap.popMin() {
            let i = Int(candidate.position)
            // Stale: the position was merged away, or its pair changed since it was queued.
            guard i == 0 || previous[i] != removed else { continue }
            let j = Int(next[i])
            guard j < n, mergedID[Self.key(ids[i], ids[j])] == candidate.id else { continue }
            ids[i] = candidate.id
            previous[j] = removed
            next[i] = next[j]
            if next[j] < n { previous[Int(next[j])] = UInt32(i) }
            if i > 0, let id = mergedID[Self.key(ids[Int(previous[i])], ids[i])] {
                heap.insert(Candidate(id: id, position: previous[i]))
            }
            if next[i] < n, let id = mergedID[Self.key(ids[i], ids[Int(next[i])])] {
                heap.insert(Candidate(id: id, position: UInt32(i)))
            }
        }
        var result: [UInt32] = []
        var i = 0
        while i < Int(n) {
            result.append(ids[i])
            i = Int(next[i])
        }
        return result
    }
}
