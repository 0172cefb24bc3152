import Dispatch

/// Runs `work(i)` for i in 0..<count on `threads` worker threads and hands each result to
/// `deliver` on the calling thread, in index order. Workers stay at most `window` items ahead
/// of delivery, so memory is bounded by the window, not by `count`.
///
/// The first error (a worker's, or `deliver`'s) stops everyone and is rethrown.
/// - Complexity: O(count) work items; one lock round-trip per item, none per token.
package enum OrderedParallelMap {
    package static func run<Result, Failure: Error>(
        count: Int, threads: Int, window: Int,
        makeWorker: @escaping @Sendable () -> (Int) throws(Failure) -> Result,
        deliver: (Int, Result) throws(Failure) -> Void
    ) throws(Failure) {
        if count == 0 { return }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            // One worker: no thread to start and nothing to hand over.
            let work = makeWorker()
            for index in 0..<count { try deliver(index, try work(index)) }
            return
        }
        let state = SharedState<Result, Failure>(count: count, window: max(1, window))
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            // PCRE2's JIT has its own stack; the rest needs little, but be generous for deep patterns.
            startThread(stackSize: 16 << 20) {
                defer { finished.leave() }
                let work = makeWorker()
                while let index = state.claim() {
                    do throws(Failure) {
                        state.finish(index, with: try work(index))
                    } catch {
                        state.fail(error)
                        return
                    }
                }
            }
        }
        defer {
            state.stop()
            finished.wait()
        }
        for index in 0..<count {
            let result = try state.take(index)
            try deliver(index, result)
        }
    }

    /// The slots between workers and the delivering thread, under one condition lock.
    private final class SharedState<Result, Failure: Error>: @unchecked Sendable {
        private let condition = ConditionLock()
        private var slots: [Result?]
        private var nextToClaim = 0
        private var nextToDeliver = 0
        private let window: Int
        private var error: Failure?
        private var stopped = false

        init(count: Int, window: Int) {
            slots = Array(repeating: nil, count: count)
            self.window = window
        }

        /// The next index to work on, or `nil` when all are claimed or the run stopped.
        func claim() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while !stopped && nextToClaim < slots.count && nextToClaim >= nextToDeliver + window {
                condition.wait()
            }
            if stopped || nextToClaim >= slots.count { return nil }
            nextToClaim += 1
            return nextToClaim - 1
        }

        func finish(_ index: Int, with result: Result) {
            condition.lock()
            slots[index] = result
            condition.broadcast()
            condition.unlock()
        }

        func fail(_ failure: Failure) {
            condition.lock()
            if error == nil { error = failure }
            stopped = true
            condition.broadcast()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }

        /// Waits for result `index` (the next in order), removes it from its slot and moves the window.
        func take(_ index: Int) throws(Failure) -> Result {
            condition.lock()
            defer { condition.unlock() }
            while slots[index] == nil && error == nil { condition.wait() }
            if let error { throw error }
            let result = slots[index]!
            slots[index] = nil
            nextToDeliver = index + 1
            condition.broadcast()
            return result
        }
    }
}
