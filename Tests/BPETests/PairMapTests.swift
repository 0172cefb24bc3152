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
}
