@_spi(Plumbing) import BPECore

/// The bytes of every token id during training. Each token's bytes live at a fixed address
/// until the vocabulary dies, so heap entries can compare tokens without a lookup.
///
/// Invariant: no two ids hold the same bytes (SPEC §4); `contains` answers that in O(length),
/// through `index`, an open-addressing table of ids by the hash of their bytes, at most half
/// full. (It was a `Set<[UInt8]>`: SipHash over an array, and a rehash of arrays as it grew,
/// once per merge.) `prefixes[id]` is the token's first eight bytes, big-endian and
/// zero-padded, so that most comparisons of two tokens are one integer comparison.
final class TokenVocabulary {
    /// Not checked for exclusivity at run time: every heap comparison of equal counts reads
    /// them (a runtime call each, about 10% of the heap's time), and only the trainer that
    /// owns the vocabulary appends, never while a comparison or a worker reads.
    @exclusivity(unchecked) private var pointers: [UnsafeMutableBufferPointer<UInt8>] = []
    @exclusivity(unchecked) private var prefixes: [UInt64] = []
    /// id + 1 of the token whose bytes hash here (linear probing), 0 where empty.
    private var index = [UInt32](repeating: 0, count: 1024)
    /// How `PairEntry` orders pairs of equal count.
    let tieBreak: TieBreak

    /// The 256 single-byte tokens.
    init(tieBreak: TieBreak = .greatestBytes) {
        self.tieBreak = tieBreak
        for byte in 0..<256 { _ = append([UInt8(byte)]) }
    }

    deinit { for pointer in pointers { pointer.deallocate() } }

    var count: Int { pointers.count }

    @inline(__always)
    func bytes(_ id: UInt32) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(pointers[Int(id)]) }

    @inline(__always)
    func length(_ id: UInt32) -> Int { pointers[Int(id)].count }

    /// Negative, zero or positive as the bytes of `a` sort before, with or after those of
    /// `b` (unsigned bytes, a proper prefix first: `ByteOrder.compare`).
    @inline(__always)
    func compareBytes(_ a: UInt32, _ b: UInt32) -> Int32 {
        let first = prefixes[Int(a)]
        let second = prefixes[Int(b)]
        if first != second { return first < second ? -1 : 1 }
        let lengthA = length(a)
        let lengthB = length(b)
        // Equal first eight bytes (zero-padded): with both that short, the shorter is a prefix.
        if lengthA <= 8 && lengthB <= 8 { return lengthA == lengthB ? 0 : (lengthA < lengthB ? -1 : 1) }
        return ByteOrder.compare(bytes(a), bytes(b))
    }

    /// The bytes of `left` followed by those of `right`.
    func concatenation(_ left: UInt32, _ right: UInt32) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(length(left) + length(right))
        joined.append(contentsOf: bytes(left))
        joined.append(contentsOf: bytes(right))
        return joined
    }

    /// Whether a token holds the bytes of `left` followed by those of `right`, which it
    /// leaves in `joined`: room the caller keeps from call to call, so that no call allocates
    /// once it has grown (the merge loop asks once a merge, on every worker).
    /// - Complexity: O(length) expected.
    func containsConcatenation(_ left: UInt32, _ right: UInt32, joined: inout [UInt8]) -> Bool {
        joined.removeAll(keepingCapacity: true)
        joined.append(contentsOf: bytes(left))
        joined.append(contentsOf: bytes(right))
        return contains(joined)
    }

    /// Whether a token holds exactly `bytes`.
    /// - Complexity: O(length) expected.
    func contains(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { find($0).found }
    }

    /// Where `bytes` is in `index`, or the empty place where it would go.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> (place: Int, found: Bool) {
        let mask = index.count - 1
        guard let start = bytes.baseAddress else { return (0, false) }  // no token is empty
        var place = Int(truncatingIfNeeded: ByteHash.hash(start, count: bytes.count)) & mask
        while true {
            let entry = index[place]
            if entry == 0 { return (place, false) }
            if ByteOrder.compare(self.bytes(entry - 1), bytes) == 0 { return (place, true) }
            place = (place + 1) & mask
        }
    }

    /// Adds a token; returns its id. The caller guarantees the bytes are new.
    func append(_ bytes: [UInt8]) -> UInt32 {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        pointers.append(storage)
        var prefix: UInt64 = 0
        for position in 0..<8 { prefix = prefix << 8 | UInt64(position < bytes.count ? bytes[position] : 0) }
        prefixes.append(prefix)
        let id = UInt32(pointers.count - 1)
        if 2 * pointers.count > index.count { growIndex() }
        index[find(UnsafeBufferPointer(storage)).place] = id + 1
        return id
    }

    /// Doubles `index` and puts every token back.
    private func growIndex() {
        index = [UInt32](repeating: 0, count: 2 * index.count)
        for id in 0..<(pointers.count - 1) {
            index[find(UnsafeBufferPointer(pointers[id])).place] = UInt32(id + 1)
        }
    }

    /// Every token's bytes in id order.
    func allTokens() -> [[UInt8]] { pointers.map { Array($0) } }
}
