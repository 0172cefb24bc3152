import Glibc

/// An open-addressing hash table from a word's bytes to a signed count, owned by one worker.
///
/// Keys are copied once, on first insertion, into the table's own byte arena; slots hold the
/// hash, the key's place in the arena and the count, so a lookup costs one hash, one probe
/// sequence and one `memcmp`, with no allocation. Counts are signed because the split phase
/// subtracts words a worker counted past its unit's end (see `PieceSplitter`); words whose
/// total is zero are skipped by `forEach`.
///
/// Invariant: `capacity` is a power of two and at most 5/8 of the slots are occupied.
///
/// `@unchecked Sendable`: one thread uses an instance at a time; the split phase hands each
/// worker its own table and reads them only after all workers finished.
public final class WordCountTable: @unchecked Sendable {
    struct Slot {
        var hash: UInt64
        /// Offset of the key in `arena`; `-1` marks an empty slot.
        var keyOffset: Int
        var keyLength: Int
        var count: Int64
    }

    private var slots: UnsafeMutableBufferPointer<Slot>
    private var mask: Int
    /// Number of occupied slots (distinct keys ever inserted, including zero totals).
    public private(set) var occupied = 0
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    private var arenaCapacity: Int

    public init(minimumCapacity: Int = 1 << 12) {
        var capacity = 16
        while capacity * 5 < minimumCapacity * 8 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, keyOffset: -1, keyLength: 0, count: 0))
        mask = capacity - 1
        arenaCapacity = 1 << 16
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    /// Adds `delta` to the count of the word `bytes[0..<length]`.
    /// - Complexity: O(length) expected.
    @inline(__always)
    public func add(_ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64) {
        add(bytes, length: length, hash: ByteHash.hash(bytes, count: length), delta: delta)
    }

    /// Adds `delta` to the count of a word whose `ByteHash` is `hash`.
    @inline(__always)
    func add(_ bytes: UnsafePointer<UInt8>, length: Int, hash: UInt64, delta: Int64) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.keyOffset < 0 { break }
            if slot.hash == hash && slot.keyLength == length
                && memcmp(arena + slot.keyOffset, bytes, length) == 0
            {
                slots[index].count += delta
                return
            }
            index = (index + 1) & mask
        }
        let offset = storeKey(bytes, length: length)
        slots[index] = Slot(hash: hash, keyOffset: offset, keyLength: length, count: delta)
        occupied += 1
        if occupied * 8 > slots.count * 5 { grow() }
    }

    /// Adds every count of `other` into this table.
    /// - Complexity: O(other.occupied) expected, reusing `other`'s stored hashes.
    public func merge(_ other: WordCountTable) {
        for slot in other.slots where slot.keyOffset >= 0 {
            add(other.arena + slot.keyOffset, length: slot.keyLength, hash: slot.hash, delta: slot.count)
        }
    }

    /// Calls `body` with each word whose count is not zero, in no particular order.
    /// The buffer is valid only during the call.
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) rethrows {
        for slot in slots where slot.keyOffset >= 0 && slot.count != 0 {
            try body(UnsafeBufferPointer(start: arena + slot.keyOffset, count: slot.keyLength), slot.count)
        }
    }

    /// The count of `word` (0 if absent). For tests and reports.
    public func count(of word: [UInt8]) -> Int64 {
        word.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            let hash = ByteHash.hash(base, count: buffer.count)
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index].keyOffset >= 0 {
                let slot = slots[index]
                if slot.hash == hash && slot.keyLength == buffer.count
                    && memcmp(arena + slot.keyOffset, base, buffer.count) == 0
                {
                    return slot.count
                }
                index = (index + 1) & mask
            }
            return 0
        }
    }

    private func storeKey(_ bytes: UnsafePointer<UInt8>, length: Int) -> Int {
        if arenaUsed + length > arenaCapacity {
            var newCapacity = arenaCapacity * 2
            while arenaUsed + length > newCapacity { newCapacity *= 2 }
            let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newArena.update(from: arena, count: arenaUsed)
            arena.deallocate()
            arena = newArena
            arenaCapacity = newCapacity
        }
        let offset = arenaUsed
        (arena + offset).update(from: bytes, count: length)
        arenaUsed += length
        return offset
    }

    private func grow() {
        let old = slots
        let capacity = old.count * 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, keyOffset: -1, keyLength: 0, count: 0))
        mask = capacity - 1
        for slot in old where slot.keyOffset >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].keyOffset >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
        old.deallocate()
    }
}
