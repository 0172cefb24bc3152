import Synchronization

/// The temporary files being written right now (`PATH.tmp-PID`), so that an interrupted run
/// (Ctrl-C, `kill`) can remove them instead of leaving gigabytes of half-written output.
/// `AtomicFileSet` and `OutputFile` register a temporary when they create it and forget it
/// once it is renamed or removed; the CLI calls `removeAll()` from its signal handler.
package enum PendingTemporaries {
    private static let paths = Mutex<Set<String>>([])

    package static func add(_ path: String) { _ = paths.withLock { $0.insert(path) } }

    package static func remove(_ path: String) { _ = paths.withLock { $0.remove(path) } }

    /// Unlinks every registered temporary (the final paths are never touched).
    package static func removeAll() {
        paths.withLock { pending in
            for path in pending { FileAccess.remove(path) }
            pending.removeAll()
        }
    }
}
