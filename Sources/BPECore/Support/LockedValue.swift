import Glibc

/// A value behind a `pthread_mutex_t`: the lock of swift-bpe's few shared values (the first
/// error of a parallel phase, special-token candidates, the registries of temporaries).
///
/// Not `Synchronization.Mutex`: on Linux that one locks with raw futex calls, which
/// ThreadSanitizer cannot see, so every value it guards shows up as a data race under
/// `Scripts/sanitize thread`. A pthread mutex is what the sanitizer understands.
///
/// `@unchecked Sendable`: `value` is only touched inside `withLock`.
package final class LockedValue<Value>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
