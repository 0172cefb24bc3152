import Glibc

/// A fixed table of paths (as C strings, each with an optional address range) that a signal
/// handler may read: no lock, no allocation, no Swift runtime call on the reading side.
///
/// Writers (`add`, `remove`) serialize on a lock and publish a slot by storing its path last;
/// the handler reads racily, which is sound enough for its one job: naming files and
/// removing temporaries while the process dies. A full table drops new entries (the handler
/// then knows less; nothing breaks).
///
/// `@unchecked Sendable`: the table is written only under `lock`.
package final class SignalSafeRegistry: @unchecked Sendable {
    struct Entry {
        var start: UInt
        var end: UInt
        var path: UnsafeMutablePointer<CChar>?
    }

    let entries: UnsafeMutablePointer<Entry>
    let capacity: Int
    private let lock = LockedValue(0)

    package init(capacity: Int) {
        self.capacity = capacity
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Entry(start: 0, end: 0, path: nil), count: capacity)
    }

    /// Registers `path` (and the addresses `range` covers); returns its slot, or `nil` if full.
    package func add(_ path: String, range: Range<UInt> = 0..<0) -> Int? {
        lock.withLock { _ in
            for slot in 0..<capacity where entries[slot].path == nil {
                entries[slot].start = range.lowerBound
                entries[slot].end = range.upperBound
                entries[slot].path = strdup(path)
                return slot
            }
            return nil
        }
    }

    /// Forgets the entry in `slot`.
    package func remove(_ slot: Int) {
        lock.withLock { _ in
            let path = entries[slot].path
            entries[slot].path = nil
            free(path)
        }
    }

    /// The path whose range holds `address`, for a signal handler.
    func path(containing address: UInt) -> UnsafeMutablePointer<CChar>? {
        for slot in 0..<capacity {
            let entry = entries[slot]
            if let path = entry.path, address >= entry.start, address < entry.end { return path }
        }
        return nil
    }

    /// Calls `body` with every registered path, for a signal handler.
    func forEachPath(_ body: (UnsafeMutablePointer<CChar>) -> Void) {
        for slot in 0..<capacity { if let path = entries[slot].path { body(path) } }
    }
}
