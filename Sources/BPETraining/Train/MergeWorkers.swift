@_spi(Plumbing) import BPECore
import CPrefetch
import Glibc
import Synchronization

/// Helper threads that run the merge phase's parallel steps with the calling thread (each
/// shard's part of the initial pair count, and the merge loop itself, where every thread
/// runs the same loop: `MergeTrainer.learn`), started once and kept for the trainer's life,
/// so that a hand-out costs about a microsecond instead of a dispatch
/// (`DispatchQueue.concurrentPerform`, tens of microseconds).
///
/// Protocol: the caller stores the task, then publishes a new `generation`, which packs a
/// counter with the number of shares (so a helper without a share never reads the task,
/// which the caller may already be replacing); a helper that sees a new generation runs its
/// share if it has one and decrements `remaining`; the caller runs share 0 and waits until
/// `remaining` is 0, so every write of the helpers happens before the caller goes on
/// (release/acquire on `generation` and `remaining`; sequentially consistent where a
/// sleeping helper and the caller must not miss each other). Helpers spin between hand-outs (calls
/// often come back to back), then yield, and after `spinLimit` idle rounds sleep on their own
/// condition; the caller wakes only the sleepers that have a share.
///
/// Helpers hold only `Shared`; releasing the pool stops them (they exit on their own).
final class MergeWorkers: Sendable {
    /// One helper's sleeping place.
    private final class Bed: @unchecked Sendable {
        let asleep = Atomic<Bool>(false)
        let condition = ConditionLock()
    }

    private final class Shared: @unchecked Sendable {
        /// counter << 16 | shares of the latest task.
        let generation = Atomic<Int>(0)
        let remaining = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        /// Index 0 is unused (the caller's share).
        let beds: [Bed]
        /// The current task: written by the caller before it publishes `generation`, read
        /// only by helpers with a share in that generation, which the caller waits for.
        nonisolated(unsafe) var task: (@Sendable (Int) -> Void)?

        init(threads: Int) { beds = (0..<threads).map { _ in Bed() } }
    }

    /// Idle spins before a helper yields its core at each spin (a few microseconds), and
    /// before it sleeps (a few milliseconds, depending on the CPU and the system).
    private static let pauseLimit = 1_000
    private static let spinLimit = 10_000
    private let shared: Shared
    /// Threads including the caller's.
    let count: Int

    /// Starts `min(threads, cores) - 1` helpers (none for one thread): more threads than
    /// cores would only take turns, and spinning ones would take the caller's core.
    init(threads: Int, cores: Int = Processors.available) {
        count = min(max(1, threads), max(1, cores), 0xFFFF)
        shared = Shared(threads: count)
        for helper in 1..<count {
            let shared = self.shared
            let threads = count
            startThread(stackSize: 1 << 20) { Self.serve(helper, threads: threads, shared) }
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .sequentiallyConsistent)
        for bed in shared.beds.dropFirst() { Self.wake(bed) }
    }

    private static func wake(_ bed: Bed) {
        bed.condition.lock()
        bed.condition.broadcast()
        bed.condition.unlock()
    }

    /// Runs `body(0) ..< body(shares)`, share i on thread i % `count` (the caller is thread 0),
    /// and returns when all are done. Any number of shares: more than threads are taken in
    /// turn, so the result of a share never depends on how many threads there are.
    func run(shares: Int, _ body: @escaping @Sendable (Int) -> Void) {
        precondition(shares >= 1 && shares < 0xFFFF, "\(shares) shares")
        let threads = min(shares, count)
        if threads == 1 {
            for share in 0..<shares { body(share) }
            return
        }
        shared.task = body
        shared.remaining.store(threads - 1, ordering: .relaxed)
        let previous = shared.generation.load(ordering: .relaxed)
        shared.generation.store(((previous >> 16) + 1) << 16 | shares, ordering: .sequentiallyConsistent)
        for helper in 1..<threads where shared.beds[helper].asleep.load(ordering: .sequentiallyConsistent) {
            Self.wake(shared.beds[helper])
        }
        for share in stride(from: 0, to: shares, by: count) { body(share) }
        var spins = 0
        while shared.remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            WorkerBarrier.backOff(after: spins)
        }
        shared.task = nil
    }

    /// A helper's loop: waits for each new generation, runs its share if it has one.
    private static func serve(_ helper: Int, threads: Int, _ shared: Shared) {
        let bed = shared.beds[helper]
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
                // Asleep until a generation gives this helper a share (the caller wakes it)
                // or the pool stops; generations without a share for it pass unseen.
                bed.condition.lock()
                bed.asleep.store(true, ordering: .sequentiallyConsistent)
                while !shared.stopping.load(ordering: .sequentiallyConsistent) {
                    let now = shared.generation.load(ordering: .sequentiallyConsistent)
                    if now != seen && helper < now & 0xFFFF { break }
                    bed.condition.wait()
                }
                bed.asleep.store(false, ordering: .sequentiallyConsistent)
                bed.condition.unlock()
                spins = 0
            }
            seen = shared.generation.load(ordering: .acquiring)
            let shares = seen & 0xFFFF
            if helper < shares, let task = shared.task {
                for share in stride(from: helper, to: shares, by: threads) { task(share) }
                shared.remaining.subtract(1, ordering: .releasing)
            }
        }
    }
}
