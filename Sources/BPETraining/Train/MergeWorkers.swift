@_spi(Plumbing) import BPECore
import CPrefetch
import Glibc
import Synchronization

/// Helper threads that share one merge's rewrite with the calling thread, started once and
/// kept for the whole merge loop, so that handing out a merge costs well under a microsecond
/// instead of a dispatch (`DispatchQueue.concurrentPerform`, tens of microseconds): with it,
/// merges of a few hundred words, most of the 50,000, are worth sharing.
///
/// Protocol: the caller stores the task, then publishes a new `generation`, which packs a
/// counter with the number of shares (so a helper without a share never reads the task,
/// which the caller may already be replacing); a helper that sees a new generation runs its
/// share if it has one and decrements `remaining`; the caller runs share 0 and waits until
/// `remaining` is 0, so every write of the helpers happens before the caller goes on
/// (release/acquire on `generation` and `remaining`; sequentially consistent where a
/// sleeping helper and the caller must not miss each other). Helpers spin between merges (the merge loop's
/// serial part is short) and sleep on a condition after `spinLimit` idle rounds.
///
/// Helpers hold only `Shared`; releasing the pool stops them (they exit on their own).
final class MergeWorkers: Sendable {
    private final class Shared: @unchecked Sendable {
        /// counter << 16 | shares of the latest task.
        let generation = Atomic<Int>(0)
        let remaining = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        /// Helpers asleep on `sleep` (changed under its lock).
        let sleepers = Atomic<Int>(0)
        let sleep = ConditionLock()
        /// The current task: written by the caller before it publishes `generation`, read
        /// only by helpers with a share in that generation, which the caller waits for.
        nonisolated(unsafe) var task: (@Sendable (Int) -> Void)?
    }

    /// Idle spins before a helper yields its core at each spin (a few microseconds), and
    /// before it sleeps (a few milliseconds, depending on the CPU and the system).
    private static let pauseLimit = 1_000
    private static let spinLimit = 10_000
    private let shared = Shared()
    /// Threads including the caller's.
    let count: Int

    /// Starts `threads - 1` helpers (none for one thread).
    init(threads: Int) {
        count = min(max(1, threads), 0xFFFF)
        for helper in 1..<count {
            let shared = self.shared
            startThread(stackSize: 1 << 20) { Self.serve(helper, shared) }
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.sleep.lock()
        shared.sleep.broadcast()
        shared.sleep.unlock()
    }

    /// Runs `body(0)` here and `body(1) ... body(shares - 1)` on helpers (`shares` ≤ `count`),
    /// and returns when all are done.
    func run(shares: Int, _ body: @escaping @Sendable (Int) -> Void) {
        precondition(shares >= 1 && shares <= count, "\(shares) shares for \(count) threads")
        if shares == 1 {
            body(0)
            return
        }
        shared.task = body
        shared.remaining.store(shares - 1, ordering: .relaxed)
        let previous = shared.generation.load(ordering: .relaxed)
        shared.generation.store(((previous >> 16) + 1) << 16 | shares, ordering: .sequentiallyConsistent)
        if shared.sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            shared.sleep.lock()
            shared.sleep.broadcast()
            shared.sleep.unlock()
        }
        body(0)
        var spins = 0
        while shared.remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            // A helper descheduled by the system: give up the CPU rather than spin through
            // its time slice.
            if spins > Self.pauseLimit { sched_yield() } else { bpe_spin_pause() }
        }
        shared.task = nil
    }

    /// A helper's loop: waits for each new generation, runs its share if it has one.
    private static func serve(_ helper: Int, _ shared: Shared) {
        var seen = 0
        while true {
            var spins = 0
            while shared.generation.load(ordering: .acquiring) == seen {
                if shared.stopping.load(ordering: .acquiring) { return }
                spins += 1
                if spins < pauseLimit {
                    bpe_spin_pause()
                    continue
                }
                if spins < spinLimit {
                    // More threads than free cores: let the caller's thread run.
                    sched_yield()
                    continue
                }
                shared.sleep.lock()
                shared.sleepers.add(1, ordering: .sequentiallyConsistent)
                while shared.generation.load(ordering: .sequentiallyConsistent) == seen
                    && !shared.stopping.load(ordering: .acquiring) {
                    shared.sleep.wait()
                }
                shared.sleepers.subtract(1, ordering: .sequentiallyConsistent)
                shared.sleep.unlock()
                spins = 0
            }
            seen = shared.generation.load(ordering: .acquiring)
            if helper < seen & 0xFFFF, let task = shared.task {
                task(helper)
                shared.remaining.subtract(1, ordering: .releasing)
            }
        }
    }
}
