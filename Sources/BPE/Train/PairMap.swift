/// A hash map from a pair of token ids to the pair's dense id, open addressing with linear
/// probing and Fibonacci hashing; entries are never removed (pairs keep their id for life).
///
/// Invariant: the capacity is a power of two and at most half of the slots are used, so a
/// probe sequence is short and always ends at an empty slot.
struct PairMap {
    private static let empty = UInt64.max
    private var keys: [UInt64]
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1 << 16) {
        var capacity = 1 << 4
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(for key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The id stored for `key`, or the result of `makeID()` stored as its id if absent.
    /// - Complexity: O(1) expected.
    @inline(__always)
    mutating func id(for key: UInt64, orInsert makeID: () -> Int32) -> Int32 {
        let mask = keys.count - 1
        var index = slot(for: key)
        while true {
            let stored = keys[index]
            if stored == key { return values[index] }
            if stored == Self.empty { break }
            index = (index + 1) & mask
        }
        let id = makeID()
        keys[index] = key
        values[index] = id
        count += 1
        if count * 2 > keys.count { grow() }
        return id
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let capacity = oldKeys.count * 2
        keys = [UInt64](repeating: Self.empty, count: capacity)
        values = [Int32](repeating: -1, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for (key, value) in zip(oldKeys, oldValues) where key != Self.empty {
            var index = slot(for: key)
            while keys[index] != Self.empty { index = (index + 1) & mask }
            keys[index] = key
            values[index] = value
        }
    }
}
