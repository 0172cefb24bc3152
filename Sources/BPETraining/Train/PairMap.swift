@_spi(Plumbing) import BPECore
import CPrefetch

/// A hash map from a pair of token ids (packed in a `UInt64`) to a dense id, open addressing
/// with linear probing and Fibonacci hashing; entries are never removed.
/// Key and id share one 16-byte slot, so a lookup costs one cache line.
///
/// Invariant: the capacity is a power of two and at most 3/4 of the slots are used, so a
/// probe sequence is short (the hash spreads keys well) and always ends at an empty slot.
///
/// The slots live in memory the map manages itself (copied on write, like an array's), so
/// that `lookup` is a plain pointer view: a merge's many lookups of vanished pairs
/// (`PairShard.absorb`) then take no reference and no uniqueness check.
struct PairMap {
    struct Slot {
        var key: UInt64
        var id: Int32
    }

    /// The slots' memory, freed with its last holder.
    private final class Storage: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<Slot>

        /// `capacity` empty slots, on huge pages when large (lookups land at random).
        init(capacity: Int) {
            slots = .allocate(capacity: capacity)
            LargeAllocation.adviseHugePages(
                UnsafeMutableRawPointer(slots.baseAddress!), bytes: capacity * MemoryLayout<Slot>.stride)
            slots.initialize(repeating: Slot(key: PairMap.emptyKey, id: -1))
        }

        deinit { slots.deallocate() }
    }

    /// A read-only view of the map for lookups (`liveID`, `prefetch`); valid while the map it
    /// came from lives and takes no insertion.
    struct Lookup: @unchecked Sendable {
        fileprivate let slots: UnsafePointer<Slot>
        fileprivate let shift: UInt64
        fileprivate let mask: Int

        /// The id stored for `key`, or -1 if there is none.
        /// - Complexity: O(1) expected.
        @inline(__always)
        func liveID(for key: UInt64) -> Int32 {
            var index = ByteHash.fibonacci(key, shift: shift)
            while true {
                let slot = slots[index]
                if slot.key == key { return slot.id }
                if slot.key == PairMap.emptyKey { return -1 }
                index = (index + 1) & mask
            }
        }

        /// Asks the cache for the slot where a lookup of `key` starts.
        @inline(__always)
        func prefetch(_ key: UInt64) {
            bpe_prefetch(slots + ByteHash.fibonacci(key, shift: shift))
        }
    }

    static let emptyKey = UInt64.max
    private var storage: Storage
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 1 << 16) {
        var capacity = 1 << 4
        while capacity * 3 < minimumCapacity * 4 { capacity <<= 1 }
        storage = Storage(capacity: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
    }

    /// The slots, for reading.
    var slots: UnsafeBufferPointer<Slot> { UnsafeBufferPointer(storage.slots) }

    /// A view for lookups, valid until the next insertion (see `Lookup`).
    var lookup: Lookup {
        Lookup(slots: UnsafePointer(storage.slots.baseAddress!), shift: shift, mask: storage.slots.count - 1)
    }

    /// Makes room for `count` keys in all without growing again.
    /// - Complexity: O(capacity) when it grows.
    mutating func reserve(_ count: Int) {
        var capacity = storage.slots.count
        while capacity * 3 < count * 4 { capacity <<= 1 }
        if capacity > storage.slots.count { rehash(capacity: capacity) }
    }

    /// The id stored for `key`, or the result of `makeID()` stored as its id if absent.
    /// - Complexity: O(1) expected.
    @inline(__always)
    mutating func id(for key: UInt64, orInsert makeID: () -> Int32) -> Int32 {
        let slots = storage.slots
        let mask = slots.count - 1
        var index = ByteHash.fibonacci(key, shift: shift)
        while true {
            let slot = slots[index]
            if slot.key == key { return slot.id }
            if slot.key == Self.emptyKey { break }
            index = (index + 1) & mask
        }
        let id = makeID()
        if !isKnownUniquelyReferenced(&storage) { rehash(capacity: slots.count) }
        if (count + 1) * 4 > storage.slots.count * 3 { rehash(capacity: storage.slots.count * 2) }
        insert(Slot(key: key, id: id))
        count += 1
        return id
    }

    /// The id stored for `key`, or -1 if there is none.
    /// - Complexity: O(1) expected.
    @inline(__always)
    func liveID(for key: UInt64) -> Int32 { lookup.liveID(for: key) }

    /// Asks the cache for the slot where a lookup of `key` starts.
    @inline(__always)
    func prefetch(_ key: UInt64) { lookup.prefetch(key) }

    /// Puts `slot` (whose key is absent) in the first empty slot from its home.
    @inline(__always)
    private func insert(_ slot: Slot) {
        let slots = storage.slots
        let mask = slots.count - 1
        var index = ByteHash.fibonacci(slot.key, shift: shift)
        while slots[index].key != Self.emptyKey { index = (index + 1) & mask }
        slots[index] = slot
    }

    /// Moves every key into fresh storage of `capacity` slots (a copy, when the storage is
    /// shared, or growth).
    private mutating func rehash(capacity: Int) {
        let old = storage
        storage = Storage(capacity: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        for slot in old.slots where slot.key != Self.emptyKey { insert(slot) }
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
