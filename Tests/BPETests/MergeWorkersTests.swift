import Glibc
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// `MergeWorkers`, the merge loop's helper threads: every share runs exactly once per call, on
/// thread `share % count`, whatever the number of shares, cores or idle time between calls.
@Suite struct MergeWorkersTests {
    /// Runs `shares` shares and returns how many times each ran.
    static func runCounts(_ workers: MergeWorkers, shares: Int) -> [Int] {
        let counts = LockedValue([Int](repeating: 0, count: shares))
        workers.run(shares: shares) { share in counts.withLock { $0[share] += 1 } }
        return counts.withLock { $0 }
    }

    @Test func theThreadsAreCappedAtTheCores() {
        #expect(MergeWorkers(threads: 8, cores: 3).count == 3)
        #expect(MergeWorkers(threads: 2, cores: 64).count == 2)
        #expect(MergeWorkers(threads: 0, cores: 4).count == 1)
    }

    /// More shares than threads are taken in turn; 2,000 calls back to back (helpers spinning).
    @Test(arguments: [1, 2, 3] as [Int])
    func everyShareRunsOnceAtAnyNumberOfShares(threads: Int) {
        let workers = MergeWorkers(threads: threads, cores: threads)
        for call in 0..<2_000 {
            let shares = 1 + call % 7
            #expect(Self.runCounts(workers, shares: shares) == [Int](repeating: 1, count: shares))
        }
    }

    /// Helpers fall asleep after a few milliseconds idle; a later call wakes those it needs.
    @Test func sleepingHelpersAreWokenForTheirShares() {
        let workers = MergeWorkers(threads: 3, cores: 3)
        for pause in [0, 30, 0, 60, 5] {
            usleep(UInt32(pause * 1_000))
            #expect(Self.runCounts(workers, shares: 3) == [1, 1, 1])
            #expect(Self.runCounts(workers, shares: 2) == [1, 1])
        }
    }

    /// Each share's writes are visible to the caller when `run` returns.
    @Test func writesOfTheHelpersAreSeenAfterRun() {
        let workers = MergeWorkers(threads: 2, cores: 2)
        nonisolated(unsafe) let cells = UnsafeMutablePointer<Int>.allocate(capacity: 4)
        defer { cells.deallocate() }
        cells.initialize(repeating: 0, count: 4)
        for round in 1...500 {
            workers.run(shares: 4) { share in cells[share] = round * 10 + share }
            #expect((0..<4).allSatisfy { cells[$0] == round * 10 + $0 })
        }
    }

    /// Two-step runs: every share's first step is done (and its writes seen) before any


    /// `WorkerBarrier`: a thread's k-th `wait` returns only once every thread has made its
    /// k-th call, with their writes before it seen, and no thread writes the next round's
    /// value before every thread has checked this one (uneven steps, 500 rounds); `arrive`
    /// counts without waiting, and `waitForAll` waits for the others' `arrive`.
    @Test(arguments: [1, 2, 3] as [Int])
    func theBarrierSeparatesRounds(threads: Int) {
        let workers = MergeWorkers(threads: threads, cores: threads)
        let barrier = WorkerBarrier(threads: threads)
        let arrivals = WorkerBarrier(threads: threads)
        let rounds = 500
        nonisolated(unsafe) let cells = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        nonisolated(unsafe) let afterBarrier = UnsafeMutablePointer<Bool>.allocate(capacity: threads * rounds)
        nonisolated(unsafe) let afterArrivals = UnsafeMutablePointer<Bool>.allocate(capacity: rounds)
        defer {
            cells.deallocate()
            afterBarrier.deallocate()
            afterArrivals.deallocate()
        }
        cells.initialize(repeating: 0, count: threads)
        afterBarrier.initialize(repeating: false, count: threads * rounds)
        afterArrivals.initialize(repeating: false, count: rounds)
        workers.run(shares: threads) { share in
            var pass = WorkerBarrier.Pass()
            var arrivalPass = WorkerBarrier.Pass()
            for round in 1...rounds {
                // Uneven steps: the barrier has to wait for the slowest.
                if (share + round) % 3 == 0 { usleep(20) }
                cells[share] = round
                arrivals.arrive(&arrivalPass)
                if share == 0 {
                    arrivals.waitForAll(arrivalPass)
                    afterArrivals[round - 1] = (0..<threads).allSatisfy { cells[$0] == round }
                }
                barrier.wait(&pass)
                afterBarrier[(round - 1) * threads + share] = (0..<threads).allSatisfy { cells[$0] == round }
                barrier.wait(&pass)
            }
        }
        for round in 0..<rounds {
            #expect(afterArrivals[round], "round \(round + 1): thread 0 went on before every thread arrived")
            for share in 0..<threads {
                #expect(afterBarrier[round * threads + share], "round \(round + 1), thread \(share)")
            }
        }
    }
}
