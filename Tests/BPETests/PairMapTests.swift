import Testing
@testable import BPETraining

/// `PairMap`, the trainer's pair → id table: ids are kept through growth, absent keys answer
/// -1, and the invariant (power-of-two capacity, at most 3/4 full, every key reachable) holds.
@Suite struct PairMapTests {
    @Test func idsSurviveGrowthAndAbsentKeysAreMinusOne() {
        var map = PairMap(minimumCapacity: 4)
        var state: UInt64 = 12345
        var keys: [UInt64] = []
        for id in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // Keys that share low or high halves, as token pairs do.
            let key = (state >> 40) << 32 | UInt64(id % 97)
            if map.liveID(for: key) >= 0 { continue }
            let assigned = map.id(for: key) { Int32(keys.count) }
            #expect(assigned == Int32(keys.count))
            keys.append(key)
        }
        map._checkInvariants()
        #expect(map.count == keys.count)
        for (id, key) in keys.enumerated() {
            #expect(map.liveID(for: key) == Int32(id))
            #expect(map.id(for: key) { -7 } == Int32(id), "an existing key keeps its id")
        }
        #expect(map.liveID(for: UInt64(1) << 63) == -1)
        var seen = 0
        map.forEach { key, id in
            #expect(keys[Int(id)] == key)
            seen += 1
        }
        #expect(seen == keys.count)
    }

    /// `reserve` keeps every id and makes room at once: the lookup view taken after it stays
    /// the map's through that many insertions (no growth moves the slots).
    @Test func aReservedMapTakesThatManyKeysWithoutGrowing() {
        var map = PairMap(minimumCapacity: 4)
        for key in UInt64(0)..<10 { _ = map.id(for: key << 32 | 3) { Int32(key) } }
        map.reserve(3000)
        let slots = map.slots.baseAddress
        for key in UInt64(10)..<3000 { _ = map.id(for: key << 32 | 3) { Int32(key) } }
        #expect(map.slots.baseAddress == slots, "the map grew although room was reserved")
        map._checkInvariants()
        for key in UInt64(0)..<3000 { #expect(map.liveID(for: key << 32 | 3) == Int32(key)) }
        map.reserve(10)  // never shrinks
        #expect(map.slots.baseAddress == slots)
    }
}

/// `PairMap`'s own storage is copied on write, and its lookup view reads the map it came from.
@Suite struct PairMapStorageTests {
    @Test func aCopyKeepsItsKeysWhenTheOriginalTakesMore() {
        var original = PairMap(minimumCapacity: 4)
        for key in UInt64(0)..<10 { _ = original.id(for: key << 32 | 7) { Int32(key) } }
        let copy = original
        let view = copy.lookup
        // Enough insertions to grow the original several times.
        for key in UInt64(10)..<1000 { _ = original.id(for: key << 32 | 7) { Int32(key) } }
        #expect(copy.count == 10)
        #expect(original.count == 1000)
        for key in UInt64(0)..<1000 {
            let expected: Int32 = key < 10 ? Int32(key) : -1
            #expect(copy.liveID(for: key << 32 | 7) == expected)
            #expect(view.liveID(for: key << 32 | 7) == expected, "the view still reads the copy's storage")
            #expect(original.liveID(for: key << 32 | 7) == Int32(key))
        }
        copy._checkInvariants()
        original._checkInvariants()
    }

    @Test func aSharedMapIsCopiedBeforeItsFirstInsertion() {
        var original = PairMap(minimumCapacity: 1024)
        _ = original.id(for: 1) { 0 }
        let copy = original
        _ = original.id(for: 2) { 1 }  // no growth: only the sharing forces the copy
        #expect(copy.liveID(for: 2) == -1)
        #expect(original.liveID(for: 2) == 1)
        #expect(copy.liveID(for: 1) == 0 && original.liveID(for: 1) == 0)
    }
}

/// `PairShards`: every key falls to one shard in range, and keys spread over the shards.
@Suite struct PairShardsTests {
    @Test(arguments: [1, 2, 3, 16])
    func keysSpreadOverTheShards(shards: Int) {
        var perShard = [Int](repeating: 0, count: shards)
        // Pairs of small token ids, as merges make them: (left, right) for left, right < 200.
        for left in UInt64(0)..<200 {
            for right in UInt64(0)..<200 {
                let shard = PairShards.shard(of: left << 32 | right, among: shards)
                #expect(shard >= 0 && shard < shards)
                perShard[shard] += 1
            }
        }
        let even = 40_000 / shards
        for count in perShard { #expect(abs(count - even) < even / 10, "\(perShard)") }
    }
}
