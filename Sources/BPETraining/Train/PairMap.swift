@_spi(Plumbing) import BPECore
import CPrefetch

/// A hash map from a pair of token ids (packed in a `UInt64`) to a dense id, open addressing
/// with linear probing and Fibonacci hashing; entries are never removed.
/// Key and id share one 16-byte slot, so a lookup costs one cache line.
///
/// Invariant: the capacity is a power of two and at most 3/4 of the slots are used, so a
/// probe sequence is short (the hash spreads keys well) and always ends at an empty slot.
struct PairMap {
    struct Slot {
        var key: UInt64
        var id: Int32
    }

    static let emptyKey = UInt64.max
    private(set) var slots: [Slot]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1 << 16) {
        var capacity = 1 << 4
        while capacity * 3 < minimumCapacity * 4 { capacity <<= 1 }
        slots = Self.emptySlots(capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    /// `capacity` empty slots, on huge pages when large (lookups land at random).
    private static func emptySlots(_ capacity: Int) -> [Slot] {
        [Slot](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            LargeAllocation.adviseHugePages(
                UnsafeMutableRawPointer(buffer.baseAddress!), bytes: capacity * MemoryLayout<Slot>.stride)
            buffer.initialize(repeating: Slot(key: Self.emptyKey, id: -1))
            initialized = capacity
        }
    }

    @inline(__always)
    private func home(of key: UInt64) -> Int {
        ByteHash.fibonacci(key, shift: shift)
    }

    /// The id stored for `key`, or the result of `makeID()` stored as its id if absent.
    /// - Complexity: O(1) expected.
    @inline(__always)
    mutating func id(for key: UInt64, orInsert makeID: () -> Int32) -> Int32 {
        let mask = slots.count - 1
        var index = home(of: key)
        while true {
            let slot = slots[index]
            if slot.key == key { return slot.id }
            if slot.key == Self.emptyKey { break }
            index = (index + 1) & mask
        }
        let id = makeID()
        slots[index] = Slot(key: key, id: id)
        count += 1
        if count * 4 > slots.count * 3 { grow() }
        return id
    }

    /// The id stored for `key`, or -1 if there is none.
    /// - Complexity: O(1) expected.
    @inline(__always)
    func liveID(for key: UInt64) -> Int32 {
        let mask = slots.count - 1
        var index = home(of: key)
        while true {
            let slot = slots[index]
            if slot.key == key { return slot.id }
            if slot.key == Self.emptyKey { return -1 }
            index = (index + 1) & mask
        }
    }

    /// Asks the cache for the slot where a lookup of `key` starts.
    @inline(__always)
    func prefetch(_ key: UInt64) {
        slots.withUnsafeBufferPointer { bpe_prefetch($0.baseAddress! + home(of: key)) }
    }

    private mutating func grow() {
        let old = slots
        let capacity = old.count * 2
        slots = Self.emptySlots(capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        let mask = capacity - 1
        for slot in old where slot.key != Self.emptyKey {
            var index = home(of: slot.key)
            while slots[index].key != Self.emptyKey { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}

extension PairMap {
    /// Calls `body` with every key and its id, in slot order.
    /// - Complexity: O(capacity).
    func forEach(_ body: (_ key: UInt64, _ id: Int32) -> Void) {
        for slot in slots where slot.key != Self.emptyKey { body(slot.key, slot.id) }
    }

    /// Checks the map's invariant: the capacity is a power of two, at most 3/4 used, `count`
    /// slots are full, and every key is found by probing from its home slot (no empty slot
    /// between them). Traps on the first violation.
    /// - Complexity: O(capacity · probe length).
    func _checkInvariants() {
        precondition(slots.count.nonzeroBitCount == 1, "capacity \(slots.count) is not a power of two")
        precondition(count * 4 <= slots.count * 3, "\(count) keys in \(slots.count) slots")
        var full = 0
        for slot in slots where slot.key != Self.emptyKey {
            full += 1
            precondition(liveID(for: slot.key) == slot.id, "key \(slot.key) is not found where it is")
        }
        precondition(full == count, "\(full) full slots, count \(count)")
    }
}
