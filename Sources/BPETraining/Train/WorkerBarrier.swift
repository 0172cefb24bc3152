import CPrefetch
import Glibc
import Synchronization

/// A reusable barrier for a fixed number of threads that all call `wait` the same number of
/// times (the merge loop's workers, `MergeTrainer.learn`): a thread's k-th `wait` returns once
/// every thread has made its k-th call, and everything a thread wrote before its k-th call
/// happens before anything another thread does after its own (release/acquire on `arrived`).
///
/// `arrived` only grows (one per call), so no reset is needed between rounds and no round
/// can be confused with the next one; each thread keeps its own count of calls (`Pass`).
/// Waiting spins with `pause`, then gives up the core at each spin (a thread may be
/// descheduled by the system), as `MergeWorkers` does.
final class WorkerBarrier: Sendable {
    /// Threads that must arrive.
    let threads: Int
    private let arrived = Atomic<Int>(0)

    /// A thread's count of its calls to `wait`.
    struct Pass {
        fileprivate var calls = 0
        init() {}
    }

    init(threads: Int) {
        precondition(threads >= 1, "a barrier needs a thread")
        self.threads = threads
    }

    /// Returns once every thread has called `wait` (or `arrive`) as often as this one has now.
    /// - Complexity: O(1) for one thread; otherwise until the slowest thread arrives.
    @inline(__always)
    func wait(_ pass: inout Pass) {
        arrive(&pass)
        waitForAll(pass)
    }

    /// Counts this thread's next call without waiting: a thread that only has to let another
    /// know it is past some point (which that one checks with `waitForAll`).
    @inline(__always)
    func arrive(_ pass: inout Pass) {
        pass.calls += 1
        if threads > 1 { arrived.add(1, ordering: .acquiringAndReleasing) }
    }

    /// Returns once every thread has made as many calls as this one has (its own included).
    @inline(__always)
    func waitForAll(_ pass: Pass) {
        if threads == 1 { return }
        let target = pass.calls * threads
        var spins = 0
        while arrived.load(ordering: .acquiring) < target {
            spins += 1
            Self.backOff(after: spins)
        }
    }

    /// Spins before a waiting thread starts giving up its core at each spin.
    private static let pauseLimit = 1_000

    @inline(__always)
    static func backOff(after spins: Int) {
        if spins > pauseLimit { sched_yield() } else { bpe_spin_pause() }
    }
}
