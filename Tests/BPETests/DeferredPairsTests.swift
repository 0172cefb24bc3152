import Testing
@testable import BPETraining

/// `DeferredPairs`: the floor starts above every count and halves one bucket at a time; each
/// lowering hands out exactly the pairs whose count (when held) was in the new floor's band.
@Suite struct DeferredPairsTests {
    @Test func loweringTheFloorHandsOutOneBandAtATime() {
        var deferred = DeferredPairs()
        #expect(deferred.floor == 1 << 62 && deferred.count == 0)
        let counts: [Int64] = [1, 2, 3, 4, 7, 8, 1000, 1023, 1024, 1 << 40]
        for (index, count) in counts.enumerated() {
            deferred.hold(DeferredPairs.Pair(left: UInt32(index), right: 0, id: Int32(index)), count: count)
        }
        #expect(deferred.count == counts.count)
        var handedOut: [(floor: Int64, ids: [Int32])] = []
        while deferred.count > 0 {
            let taken = deferred.lowerFloor()
            if !taken.isEmpty { handedOut.append((deferred.floor, taken.map(\.id).sorted())) }
        }
        #expect(handedOut.map(\.floor) == [1 << 40, 1024, 512, 8, 4, 2, 1])
        #expect(handedOut.map(\.ids) == [[9], [8], [6, 7], [5], [3, 4], [1, 2], [0]])
        #expect(deferred.lowerFloor().isEmpty && deferred.floor == 1)
        #expect(deferred.all.isEmpty)
    }

    @Test func aPairHeldAgainBelowTheFloorWaitsForItsOwnBand() {
        var deferred = DeferredPairs()
        deferred.hold(DeferredPairs.Pair(left: 1, right: 2, id: 0), count: 100)
        while deferred.floor > 64 { _ = deferred.lowerFloor() }
        #expect(deferred.count == 0 && deferred.floor == 64)
        // Its count fell to 5 meanwhile: held again, it comes out at floor 4, not before.
        deferred.hold(DeferredPairs.Pair(left: 1, right: 2, id: 0), count: 5)
        for floor: Int64 in [32, 16, 8] {
            #expect(deferred.lowerFloor().isEmpty && deferred.floor == floor)
        }
        #expect(deferred.lowerFloor() == [DeferredPairs.Pair(left: 1, right: 2, id: 0)])
        #expect(deferred.floor == 4 && deferred.count == 0)
    }
}
