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
    public let merges: [Merge]
    /// Bytes of every token, by id (256 + merges).
    public let tokens: [[UInt8]]
    /// (left << 32 | right) → the id the merge makes.
    private let mergedID: [UInt64: UInt32]

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
        var byID: [[UInt8]?] = Array(repeating: nil, count: file.tokens.count)
        for token in file.tokens {
            guard Int(token.id) < byID.count, byID[Int(token.id)] == nil else {
                throw .invalidSetting(.extend, value: path, reason: "its ids are not 0 to \(file.tokens.count - 1), one each (swift-bpe's layout)")
            }
            byID[Int(token.id)] = token.bytes
        }
        for byte in 0..<256 where byID[byte] != [UInt8(byte)] {
            throw .invalidSetting(.extend, value: path, reason: "id \(byte) is not the byte \(byte): it is not in swift-bpe's layout (bytes at ids 0-255, then merges)")
        }
        var merges: [Merge] = []
        var partial = try BaseVocabulary(merges: [])
        for id in 256..<byID.count {
            let bytes = byID[id]!
            let parts = bytes.withUnsafeBufferPointer { partial.encode($0) }
            guard parts.count == 2 else {
                throw .invalidSetting(.extend, value: path, reason: "token \(id) is not the merge of two earlier tokens")
            }
            merges.append(Merge(parts[0], parts[1]))
            partial = try BaseVocabulary(adding: Merge(parts[0], parts[1]), to: partial)
        }
        return (partial, file.pattern, file.specialTokens.sorted { $0.id < $1.id }.map(\.token))
    }

    private init(adding merge: Merge, to base: BaseVocabulary) throws(TrainingError) {
        var mergedID = base.mergedID
        mergedID[Self.key(merge.left, merge.right)] = UInt32(base.tokens.count)
        self.merges = base.merges + [merge]
        self.tokens = base.tokens + [base.tokens[Int(merge.left)] + base.tokens[Int(merge.right)]]
        self.mergedID = mergedID
    }

    @inline(__always)
    static func key(_ left: UInt32, _ right: UInt32) -> UInt64 { UInt64(left) << 32 | UInt64(right) }

    /// The word's tokens after every base merge: lowest rank first, leftmost first among equal
    /// ranks, on a linked list with a heap of candidate pairs.
    /// - Complexity: O(n log n) for n bytes.
    func encode(_ word: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var ids = word.map(UInt32.init)
        if ids.count < 2 || mergedID.isEmpty { return ids }
        let n = ids.count
        var next = Array(1...n)  // n: the end
        var previous = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        struct Candidate: Comparable {
            var id: UInt32
            var position: Int
            static func < (a: Candidate, b: Candidate) -> Bool { a.id != b.id ? a.id < b.id : a.position < b.position }
        }
        var heap = Heap<Candidate>()
        for i in 0..<(n - 1) {
            if let id = mergedID[Self.key(ids[i], ids[i + 1])] { heap.insert(Candidate(id: id, position: i)) }
        }
        while let candidate = heap.popMin() {
            let i = candidate.position
            let j = next[i]
            // Stale: the left token or its right neighbour changed since the pair was queued.
            guard alive[i], j < n, mergedID[Self.key(ids[i], ids[j])] == candidate.id else { continue }
            ids[i] = candidate.id
            alive[j] = false
            next[i] = next[j]
            if next[j] < n { previous[next[j]] = i }
            if previous[i] >= 0, let id = mergedID[Self.key(ids[previous[i]], ids[i])] {
                heap.insert(Candidate(id: id, position: previous[i]))
            }
            if next[i] < n, let id = mergedID[Self.key(ids[i], ids[next[i]])] {
                heap.insert(Candidate(id: id, position: i))
            }
        }
        var result: [UInt32] = []
        var i = 0
        while i < n {
            result.append(ids[i])
            i = next[i]
        }
        return result
    }
}
