
/// The temporary files being written right now (`PATH.tmp-PID`), so that an interrupted run
/// (Ctrl-C, `kill`) can remove them instead of leaving gigabytes of half-written output.
/// `AtomicFileSet` and `OutputFile` register a temporary when they create it and forget it
/// once it is renamed or removed; the CLI calls `removeAll()` from its signal handler.
package enum PendingTemporaries {
    /// Each temporary with its slot in `TruncatedInputHandler.temporaries` (the copy a
    /// signal handler can read).
    private static let paths = LockedValue<[String: Int?]>([:])

    package static func add(_ path: String) {
        let slot = TruncatedInputHandler.temporaries.add(path)
        paths.withLock { $0[path] = slot }
    }

    package static func remove(_ path: String) {
        if let slot = paths.withLock({ $0.removeValue(forKey: path) }), let slot {
            TruncatedInputHandler.temporaries.remove(slot)
        }
    }

    /// Unlinks every registered temporary (the final paths are never touched).
    package static func removeAll() {
        paths.withLock { pending in
            for (path, slot) in pending {
                FileAccess.remove(path)
                if let slot { TruncatedInputHandler.temporaries.remove(slot) }
            }
            pending.removeAll()
        }
    }
}
