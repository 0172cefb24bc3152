@_spi(Plumbing) import BPECore
import CPrefetch
import Dispatch
import Glibc

/// An open-addressing hash table from a word's bytes to a signed count, owned by one worker.
///
/// A word of up to 16 bytes lives inside its 32-byte slot (its bytes, zero-padded, and its
/// length), so finding it costs one hash of two machine words and, usually, one cache line:
/// no pointer chase, no `memcmp`. A longer word is copied once into the table's byte arena;
/// its slot holds its hash and arena offset instead. Counts are signed because the split
/// phase subtracts words a worker's walk superseded (see `SegmentWalk`); words
/// whose total is zero are skipped by `forEach`.
///
/// Invariant: `slots.count` is a power of two and at most 7/8 of the slots are occupied
/// (at most 5/8 after an add of a new word: only a parallel `merge` fills a table past that,
/// so that the merged table of a training run, which is only read in slot order, need not
/// move to twice the memory); a slot is empty exactly when its `length` is 0 (empty words
/// are never stored).
///
/// `@unchecked Sendable`: one thread uses an instance at a time; the split phase hands each
/// worker its own table and reads them only after all workers finished.
package final class WordCountTable: @unchecked Sendable {
    struct Slot {
        /// Bytes 0..<8 of a short word; the `ByteHash` of a long word.
        var first: UInt64
        /// Bytes 8..<16 of a short word; the arena offset of a long word.
        var second: UInt64
        var count: Int64
        /// The word's length in bytes; 0 marks an empty slot.
        var length: Int
    }

    /// Words up to this many bytes are stored inline.
    static let inlineCapacity = 16

    /// A short word whose slot was prefetched and whose count is not yet added.
    struct Pending {
        var first: UInt64
        var second: UInt64
        var hash: UInt64
        var length: Int
        var delta: Int64
    }

    /// Words `addSoon` holds back (a power of two); the slot of each was prefetched when it
    /// arrived. 32 since the hand-written split made a word's turn shorter (mixed-1g's
    /// split+count 2.5% faster than at 16 at one and two threads; at 8 slower, at 64 no better).
    static let pendingCapacity = 32
    private let pending = UnsafeMutableBufferPointer<Pending>.allocate(capacity: pendingCapacity)
    private var pendingHead = 0
    private var pendingCount = 0

    private var slots: UnsafeMutableBufferPointer<Slot>
    private var mask: Int
    /// Number of occupied slots (distinct words ever inserted, including zero totals).
    package private(set) var occupied = 0
    /// The bytes of the long words; it grows in place as the slots do (`LargeAllocation`).
    private var arenaBuffer: UnsafeMutableBufferPointer<UInt8>
    private var arena: UnsafeMutablePointer<UInt8> { arenaBuffer.baseAddress! }
    private var arenaUsed = 0
    /// Words the growths so far placed only after every cluster (their probe wrapped around
    /// the doubled table's end): `grow()`'s rarest path, which the tests make sure they cover.
    package private(set) var deferredByGrowth = 0
    /// An add of a new word grows the table past this many eighths occupied: 5, or 7 while
    /// `merge(_:threads:)` adds the words its workers left.
    private var growthEighths = 5

    package init(minimumCapacity: Int = 1 << 12) {
        var capacity = 16
        while capacity * 5 < minimumCapacity * 8 { capacity <<= 1 }
        // All-zero bits are an empty slot (length 0).
        slots = LargeAllocation.allocateZeroed(Slot.self, count: capacity)
        mask = capacity - 1
        arenaBuffer = LargeAllocation.allocateZeroed(UInt8.self, count: 1 << 16)
    }

    deinit {
        pending.deallocate()
        LargeAllocation.deallocate(slots)
        LargeAllocation.deallocate(arenaBuffer)
    }

    /// Adds `delta` to the count of the word `bytes[0..<length]` (`length` > 0).
    /// `readableEnd` is the end of the memory `bytes` points into: up to 16 bytes are read at
    /// once when that stays before it, which is what keeps short words cheap.
    /// - Complexity: O(length) expected.
    @inline(__always)
    package func add(_ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64, readableEnd: UnsafePointer<UInt8>) {
        if length <= Self.inlineCapacity {
            let (first, second) = Self.inlineKey(bytes, length: length, readableEnd: readableEnd)
            addShort(first, second, length: length, hash: Self.shortHash(first, second, length: length), delta: delta)
        } else {
            addLong(bytes, length: length, hash: ByteHash.hash(bytes, count: length), delta: delta)
        }
    }

    /// Adds 1 to the count of a word, possibly later: a short word's slot is prefetched now
    /// and its count added when `pendingCapacity` more words have arrived, so that the work
    /// on those words (the regex's, or reading a count file) hides the cache miss. Call
    /// `flush()` before reading counts.
    /// - Complexity: O(length) expected, amortized.
    @inline(__always)
    package func addSoon(_ bytes: UnsafePointer<UInt8>, length: Int, readableEnd: UnsafePointer<UInt8>) {
        addSoon(bytes, length: length, delta: 1, readableEnd: readableEnd)
    }

    /// Adds `delta` to the count of a word, possibly later (see the other `addSoon`).
    @inline(__always)
    package func addSoon(
        _ bytes: UnsafePointer<UInt8>, length: Int, delta: Int64, readableEnd: UnsafePointer<UInt8>
    ) {
        guard length <= Self.inlineCapacity else {
            addLong(bytes, length: length, hash: ByteHash.hash(bytes, count: length), delta: delta)
            return
        }
        let (first, second) = Self.inlineKey(bytes, length: length, readableEnd: readableEnd)
        let hash = Self.shortHash(first, second, length: length)
        bpe_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hash) & mask))
        // A ring of the last words: `pendingHead` is the oldest.
        if pendingCount == Self.pendingCapacity {
            let oldest = pending[pendingHead]
            addShort(oldest.first, oldest.second, length: oldest.length, hash: oldest.hash, delta: oldest.delta)
            pendingHead = (pendingHead + 1) & (Self.pendingCapacity - 1)
            pendingCount -= 1
        }
        pending[(pendingHead + pendingCount) & (Self.pendingCapacity - 1)] = Pending(
            first: first, second: second, hash: hash, length: length, delta: delta)
        pendingCount += 1
    }

    /// Adds the counts `addSoon` still holds.
    package func flush() {
        while pendingCount > 0 {
            let next = pending[pendingHead]
            addShort(next.first, next.second, length: next.length, hash: next.hash, delta: next.delta)
            pendingHead = (pendingHead + 1) & (Self.pendingCapacity - 1)
            pendingCount -= 1
        }
    }

    /// The two machine words holding a short word's bytes, zero-padded (little-endian).
    @inline(__always)
    static func inlineKey(
        _ bytes: UnsafePointer<UInt8>, length: Int, readableEnd: UnsafePointer<UInt8>
    ) -> (UInt64, UInt64) {
        if readableEnd - bytes >= 16 {
            let raw = UnsafeRawPointer(bytes)
            var first = raw.loadUnaligned(as: UInt64.self)
            var second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            if length < 8 {
                first &= (1 &<< UInt64(8 * length)) &- 1
                second = 0
            } else if length < 16 {
                second &= (1 &<< UInt64(8 * (length - 8))) &- 1
            }
            return (first, second)
        }
        var first: UInt64 = 0
        var second: UInt64 = 0
        for i in 0..<length {
            if i < 8 {
                first |= UInt64(bytes[i]) << UInt64(8 * i)
            } else {
                second |= UInt64(bytes[i]) << UInt64(8 * (i - 8))
            }
        }
        return (first, second)
    }

    @inline(__always)
    static func shortHash(_ first: UInt64, _ second: UInt64, length: Int) -> UInt64 {
        ByteHash.hash(words: first, second, length: length)
    }

    @inline(__always)
    private func addShort(_ first: UInt64, _ second: UInt64, length: Int, hash: UInt64, delta: Int64) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.length == 0 { break }
            if slot.length == length && slot.first == first && slot.second == second {
                slots[index].count += delta
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = Slot(first: first, second: second, count: delta, length: length)
        occupied += 1
        if occupied * 8 > slots.count * growthEighths { grow() }
    }

    private func addLong(_ bytes: UnsafePointer<UInt8>, length: Int, hash: UInt64, delta: Int64) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.length == 0 { break }
            if slot.length == length && slot.first == hash
                && memcmp(arena + Int(slot.second), bytes, length) == 0
            {
                slots[index].count += delta
                return
            }
            index = (index + 1) & mask
        }
        let offset = storeKey(bytes, length: length)
        slots[index] = Slot(first: hash, second: UInt64(offset), count: delta, length: length)
        occupied += 1
        if occupied * 8 > slots.count * growthEighths { grow() }
    }

    /// Adds every count of `other` into this table.
    /// - Complexity: O(other.occupied) expected.
    package func merge(_ other: WordCountTable) {
        flush()
        other.flush()
        for slot in other.slots where slot.length > 0 {
            if slot.length <= Self.inlineCapacity {
                addShort(slot.first, slot.second, length: slot.length,
                         hash: Self.shortHash(slot.first, slot.second, length: slot.length), delta: slot.count)
            } else {
                addLong(other.arena + Int(slot.second), length: slot.length, hash: slot.first, delta: slot.count)
            }
        }
    }

    /// Adds every count of `others` into this table, with `threads` workers at once. The
    /// slots are cut into one contiguous range per worker, and a worker adds exactly the short
    /// words whose probe starts in its range (it scans all of `others` and skips the rest), so
    /// no two workers touch the same slot. When the words might not fit at 7/8 load, the
    /// workers first count the words of `others` this table lacks (a big table's words are
    /// mostly shared: mixed-1g's two tables of about 2.1 M words have 3.3 M together), and only if
    /// those do not fit either does the table move to a larger slot array, the same way (its
    /// own words, long ones included, are placed by the workers too: that rehash was most of
    /// the time). A probe that would leave its range, and every long word of `others` (they go
    /// to this table's byte arena), is added by a serial pass afterwards. The table may end up
    /// to 7/8 full; the next add of a new word grows it back under 5/8. Each
    /// word ends in one slot whatever the order: two copies of a word follow the same probe,
    /// and slots only fill up. `rangeSlots` is the smallest range a worker gets (tests make
    /// it tiny, so that many probes leave their range).
    /// - Complexity: O(total slots + words / threads) expected.
    package func merge(_ others: [WordCountTable], threads: Int, rangeSlots: Int = 4096) {
        flush()
        for other in others { other.flush() }
        var incoming = others.reduce(0) { $0 + $1.occupied }
        if (occupied + incoming) * 8 > slots.count * 7 && slots.count >= rangeSlots * 16 {
            incoming = wordsMissing(from: others, threads: threads)
        }
        var capacity = slots.count
        while (occupied + incoming) * 8 > capacity * 7 { capacity *= 2 }
        // Sources: slot arrays with whether they are this table's own (distinct words, long
        // ones already in this arena).
        var sources = others.map { (slots: UnsafeBufferPointer($0.slots), own: false) }
        var moved: UnsafeMutableBufferPointer<Slot>?
        if capacity > slots.count {
            moved = slots
            sources.insert((UnsafeBufferPointer(slots), true), at: 0)
            slots = LargeAllocation.allocateZeroed(Slot.self, count: capacity)
            mask = capacity - 1
            occupied = 0
        }
        let slotCount = capacity
        let workers = max(1, min(threads, slotCount / max(1, rangeSlots)))
        final class Worker: @unchecked Sendable {
            var added = 0
            var deferred: [Slot] = []
            var deferredOwn: [Slot] = []
        }
        let results = (0..<workers).map { _ in Worker() }
        nonisolated(unsafe) let target = slots.baseAddress!
        nonisolated(unsafe) let shared = sources
        let mask = self.mask
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (slotCount * worker / workers)..<(slotCount * (worker + 1) / workers)
            var added = 0
            var deferred: [Slot] = []
            var deferredOwn: [Slot] = []
            for source in shared {
                for slot in source.slots where slot.length > 0 {
                    let short = slot.length <= Self.inlineCapacity
                    if !short && !source.own { continue }  // serial: they need the arena
                    let hash = short ? Self.shortHash(slot.first, slot.second, length: slot.length) : slot.first
                    var index = Int(truncatingIfNeeded: hash) & mask
                    guard range.contains(index) else { continue }
                    while true {
                        let existing = target[index]
                        if existing.length == 0 {
                            target[index] = slot
                            added += 1
                            break
                        }
                        // Only short words meet here: own long words are distinct from all.
                        if short && existing.length == slot.length && existing.first == slot.first
                            && existing.second == slot.second {
                            target[index].count += slot.count
                            break
                        }
                        index += 1
                        if index == range.upperBound {
                            if source.own { deferredOwn.append(slot) } else { deferred.append(slot) }
                            break
                        }
                    }
                }
            }
            results[worker].added = added
            results[worker].deferred = deferred
            results[worker].deferredOwn = deferredOwn
        }
        occupied += results.reduce(0) { $0 + $1.added }
        if let moved { LargeAllocation.deallocate(moved) }
        // The serial tail adds at most what the bound above allowed for: no growth under 7/8.
        growthEighths = 7
        defer { growthEighths = 5 }
        // Own words first: they are distinct, each goes to the first free slot of its probe.
        for result in results {
            for slot in result.deferredOwn {
                placeAbsent(slot)
                occupied += 1
            }
        }
        for result in results {
            for slot in result.deferred {
                addShort(slot.first, slot.second, length: slot.length,
                         hash: Self.shortHash(slot.first, slot.second, length: slot.length), delta: slot.count)
            }
        }
        for other in others {
            for slot in other.slots where slot.length > Self.inlineCapacity {
                addLong(other.arena + Int(slot.second), length: slot.length, hash: slot.first, delta: slot.count)
            }
        }
        precondition(occupied * 8 <= slots.count * 7, "\(occupied) words merged into \(slots.count) slots")
    }

    /// At least the number of distinct words of `others` this table lacks (exact for short
    /// words that only one of `others` holds; every long word is counted): `threads` workers
    /// probe this table for the words of one slice of each other table each, without writing.
    /// - Complexity: O(words of `others` / threads) expected.
    private func wordsMissing(from others: [WordCountTable], threads: Int) -> Int {
        let workers = max(1, threads)
        nonisolated(unsafe) let table = UnsafeBufferPointer(slots)
        nonisolated(unsafe) let sources = others.map { UnsafeBufferPointer($0.slots) }
        let mask = self.mask
        final class Tally: @unchecked Sendable { var missing = 0 }
        let tallies = (0..<workers).map { _ in Tally() }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var missing = 0
            // Each word's home slot is prefetched `ahead` words before it is probed.
            let ahead = 16
            var homes = [Int](repeating: 0, count: ahead)
            var waiting = [Slot](repeating: Slot(first: 0, second: 0, count: 0, length: 0), count: ahead)
            var held = 0
            var oldest = 0
            func probe(_ slot: Slot, home: Int) {
                var index = home
                while true {
                    let existing = table[index]
                    if existing.length == 0 {
                        missing += 1
                        return
                    }
                    if existing.length == slot.length && existing.first == slot.first && existing.second == slot.second {
                        return
                    }
                    index = (index + 1) & mask
                }
            }
            for source in sources {
                let part = (source.count * worker / workers)..<(source.count * (worker + 1) / workers)
                for position in part {
                    let slot = source[position]
                    guard slot.length > 0 else { continue }
                    guard slot.length <= Self.inlineCapacity else {
                        missing += 1
                        continue
                    }
                    let home = Int(truncatingIfNeeded: Self.shortHash(slot.first, slot.second, length: slot.length)) & mask
                    bpe_prefetch(table.baseAddress! + home)
                    if held == ahead {
                        probe(waiting[oldest], home: homes[oldest])
                        oldest = (oldest + 1) % ahead
                        held -= 1
                    }
                    let free = (oldest + held) % ahead
                    waiting[free] = slot
                    homes[free] = home
                    held += 1
                }
            }
            while held > 0 {
                probe(waiting[oldest], home: homes[oldest])
                oldest = (oldest + 1) % ahead
                held -= 1
            }
            tallies[worker].missing = missing
        }
        return tallies.reduce(0) { $0 + $1.missing }
    }

    /// Calls `body` with each word whose count is not zero, in no particular order.
    /// The buffer is valid only during the call.
    package func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int64) throws -> Void) rethrows {
        flush()
        for slot in slots where slot.length > 0 && slot.count != 0 {
            if slot.length <= Self.inlineCapacity {
                var key = (slot.first.littleEndian, slot.second.littleEndian)
                try withUnsafeBytes(of: &key) { raw in
                    try body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<slot.length]), slot.count)
                }
            } else {
                try body(UnsafeBufferPointer(start: arena + Int(slot.second), count: slot.length), slot.count)
            }
        }
    }

    /// The number of slots, for `forEach(inSlots:)`.
    package var slotCapacity: Int { slots.count }

    /// `forEach` over the slots in `range` only: ranges that tile `0 ..< slotCapacity` visit
    /// every word once, in the order `forEach` does. Several threads may call it at once on
    /// disjoint ranges (it only reads) after one call of `flush()`.
    /// - Complexity: O(range.count).
    package func forEach(inSlots range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) {
        precondition(pendingCount == 0, "flush() before reading slot ranges")
        for index in range {
            let slot = slots[index]
            guard slot.length > 0 && slot.count != 0 else { continue }
            if slot.length <= Self.inlineCapacity {
                var key = (slot.first.littleEndian, slot.second.littleEndian)
                withUnsafeBytes(of: &key) { raw in
                    body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<slot.length]), slot.count)
                }
            } else {
                body(UnsafeBufferPointer(start: arena + Int(slot.second), count: slot.length), slot.count)
            }
        }
    }

    /// The count of `word` (0 if absent). For tests and reports.
    /// - Complexity: O(capacity): it scans the table.
    package func count(of word: [UInt8]) -> Int64 {
        var found: Int64 = 0
        forEach { bytes, count in if bytes.elementsEqual(word) { found = count } }
        return found
    }

    private func storeKey(_ bytes: UnsafePointer<UInt8>, length: Int) -> Int {
        if arenaUsed + length > arenaBuffer.count {
            var newCapacity = arenaBuffer.count * 2
            while arenaUsed + length > newCapacity { newCapacity *= 2 }
            arenaBuffer = LargeAllocation.reallocateZeroed(arenaBuffer, count: newCapacity)
        }
        let offset = arenaUsed
        (arena + offset).update(from: bytes, count: length)
        arenaUsed += length
        return offset
    }

    /// Doubles the slots in place (`LargeAllocation.reallocateZeroed`: a mapped table's old
    /// pages are kept, only the new half is faulted in, and the old and new arrays are never
    /// held together) and moves each word to where the doubled table probes for it.
    ///
    /// The old slots are taken a cluster (a run of occupied slots) at a time, starting after
    /// an empty one, and each cluster's words are placed again at once. A word whose home was
    /// `h` now has home `h` or `h + old capacity`. One that stays in the lower half lands
    /// inside its own cluster's slots (words homed in a cluster's last `k` slots were in
    /// them) or past the old capacity, never in a cluster not yet taken; one that moves up
    /// probes the upper half, which only holds words already placed. A probe that would wrap
    /// from the last slot to the first is deferred until every cluster is placed. No word
    /// already placed probes through a cluster taken later, so every word stays reachable.
    /// - Complexity: O(capacity) expected, sequential in both halves.
    private func grow() {
        let oldCapacity = slots.count
        slots = LargeAllocation.reallocateZeroed(slots, count: oldCapacity * 2)
        mask = oldCapacity * 2 - 1
        let oldMask = oldCapacity - 1
        var start = 0
        while slots[start].length > 0 { start += 1 }  // exists: at most 7/8 are occupied
        var cluster: [Slot] = []
        var deferred: [Slot] = []
        var position = (start + 1) & oldMask
        var seen = 1
        while seen < oldCapacity {
            guard slots[position].length > 0 else {
                position = (position + 1) & oldMask
                seen += 1
                continue
            }
            cluster.removeAll(keepingCapacity: true)
            // Ends at an empty slot: `start` at the latest, which nothing fills before the end.
            while slots[position].length > 0 {
                cluster.append(slots[position])
                slots[position] = Slot(first: 0, second: 0, count: 0, length: 0)
                position = (position + 1) & oldMask
                seen += 1
            }
            for slot in cluster {
                var index = Int(truncatingIfNeeded: Self.home(of: slot)) & mask
                while slots[index].length > 0 {
                    index += 1
                    if index > mask { break }
                }
                if index > mask { deferred.append(slot) } else { slots[index] = slot }
            }
        }
        deferredByGrowth += deferred.count
        for slot in deferred { placeAbsent(slot) }
    }

    /// Puts `slot`, whose word the table does not hold, in the first free slot of its probe
    /// (`occupied` is the caller's to count).
    @inline(__always)
    private func placeAbsent(_ slot: Slot) {
        var index = Int(truncatingIfNeeded: Self.home(of: slot)) & mask
        while slots[index].length > 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    /// The hash a slot's word is probed by.
    @inline(__always)
    private static func home(of slot: Slot) -> UInt64 {
        slot.length <= inlineCapacity ? shortHash(slot.first, slot.second, length: slot.length) : slot.first
    }

    /// Checks the table's invariant: the capacity is a power of two, at most 7/8 of the slots
    /// are occupied and `occupied` counts them, every word is found by probing from its home
    /// slot, a short word's bytes past its length are zero, and a long word lies inside the
    /// arena. Traps on the first violation.
    /// - Complexity: O(capacity · probe length).
    package func _checkInvariants() {
        flush()
        precondition(slots.count.nonzeroBitCount == 1 && mask == slots.count - 1, "capacity is not a power of two")
        precondition(occupied * 8 <= slots.count * 7, "\(occupied) words in \(slots.count) slots")
        var full = 0
        for (index, slot) in slots.enumerated() where slot.length > 0 {
            full += 1
            let hash: UInt64
            if slot.length <= Self.inlineCapacity {
                hash = Self.shortHash(slot.first, slot.second, length: slot.length)
                var padded = (slot.first, slot.second)
                withUnsafeMutableBytes(of: &padded) { raw in
                    for byte in raw[slot.length...] { precondition(byte == 0, "short word at slot \(index) is not zero-padded") }
                }
            } else {
                hash = slot.first
                precondition(Int(slot.second) + slot.length <= arenaUsed, "long word at slot \(index) lies outside the arena")
                precondition(ByteHash.hash(arena + Int(slot.second), count: slot.length) == hash,
                             "long word at slot \(index) has a stale hash")
            }
            var probe = Int(truncatingIfNeeded: hash) & mask
            while probe != index {
                precondition(slots[probe].length > 0, "word at slot \(index) is unreachable from its home slot")
                probe = (probe + 1) & mask
            }
        }
        precondition(full == occupied, "\(full) occupied slots, occupied = \(occupied)")
    }
}
