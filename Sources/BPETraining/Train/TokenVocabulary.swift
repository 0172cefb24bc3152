@_spi(Plumbing) import BPECore

/// The bytes of every token id during training. Each token's bytes live at a fixed address
/// until the vocabulary dies, so heap entries can compare tokens without a lookup.
///
/// Invariant: no two ids hold the same bytes (SPEC §4); `contains` answers that in O(length).
final class TokenVocabulary {
    /// Not checked for exclusivity at run time: every heap comparison of equal counts reads
    /// it (a runtime call each, about 10% of the heap's time), and only the trainer that owns
    /// the vocabulary appends, never while a comparison or a worker reads.
    @exclusivity(unchecked) private var pointers: [UnsafeMutableBufferPointer<UInt8>] = []
    private var known: Set<[UInt8]> = []
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

    /// The bytes of `left` followed by those of `right`.
    func concatenation(_ left: UInt32, _ right: UInt32) -> [UInt8] {
        Array(bytes(left)) + Array(bytes(right))
    }

    func contains(_ bytes: [UInt8]) -> Bool { known.contains(bytes) }

    /// Adds a token; returns its id. The caller guarantees the bytes are new.
    func append(_ bytes: [UInt8]) -> UInt32 {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        pointers.append(storage)
        known.insert(bytes)
        return UInt32(pointers.count - 1)
    }

    /// Every token's bytes in id order.
    func allTokens() -> [[UInt8]] { pointers.map { Array($0) } }
}
