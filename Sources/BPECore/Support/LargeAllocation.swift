import CMemoryRemap
import Glibc

/// Memory for big hash tables, mapped directly and marked for transparent huge pages, so a
/// random probe into hundreds of megabytes does not also miss the TLB on every access
/// (the kernel here runs THP in `madvise` mode). Small requests use the ordinary allocator.
package enum LargeAllocation {
    private static let threshold = 1 << 21

    /// Memory for `count` values of `T` with every byte zero, for types whose all-zero bit
    /// pattern is the empty value; release it with `deallocate`. A fresh mapping is zero
    /// already, so a big table is not written twice (by `memset`, then by use), and its pages
    /// are touched only as they are used.
    ///
    /// Invariant: a buffer of at least `threshold` bytes is always a mapping of its own
    /// (`deallocate` unmaps it and `reallocateZeroed` remaps it), never the ordinary
    /// allocator's memory; a mapping that fails stops the process with a message, as an
    /// allocation that fails does.
    package static func allocateZeroed<T>(_ type: T.Type, count: Int) -> UnsafeMutableBufferPointer<T> {
        let bytes = count * MemoryLayout<T>.stride
        if bytes >= threshold {
            let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
                fatalError("out of memory: could not map \(bytes) bytes")
            }
            _ = madvise(address, bytes, MADV_HUGEPAGE)
            return UnsafeMutableBufferPointer(start: address.bindMemory(to: T.self, capacity: count), count: count)
        }
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        UnsafeMutableRawPointer(buffer.baseAddress!).initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return buffer
    }

    /// `buffer` (from `allocateZeroed`, which it replaces) made `count` values long: its
    /// values are kept and the new ones have every byte zero. A mapped buffer grows with
    /// `mremap`: its pages are neither copied nor written again, and the old and new memory
    /// are never both held (growing a table this way peaks at its new size, not at one and a
    /// half times it, and faults in only the new half).
    /// - Complexity: O(new pages) for a mapped buffer; O(count) otherwise.
    package static func reallocateZeroed<T>(
        _ buffer: UnsafeMutableBufferPointer<T>, count: Int
    ) -> UnsafeMutableBufferPointer<T> {
        precondition(count >= buffer.count)
        let oldBytes = buffer.count * MemoryLayout<T>.stride
        let bytes = count * MemoryLayout<T>.stride
        if oldBytes >= threshold, let base = buffer.baseAddress,
            let moved = bpe_remap_grow(UnsafeMutableRawPointer(base), oldBytes, bytes)
        {
            adviseHugePages(moved, bytes: bytes)
            return UnsafeMutableBufferPointer(start: moved.bindMemory(to: T.self, capacity: count), count: count)
        }
        let grown = allocateZeroed(T.self, count: count)
        if let base = buffer.baseAddress {
            UnsafeMutableRawPointer(grown.baseAddress!).copyMemory(from: UnsafeRawPointer(base), byteCount: oldBytes)
        }
        deallocate(buffer)
        return grown
    }

    /// Marks the whole 2 MiB pages inside `bytes` bytes at `start` for transparent huge pages.
    /// For memory the allocator gave (a Swift array's storage) that is not yet written: pages
    /// touched afterwards come in as huge pages, so random reads across it miss the TLB far
    /// less. Memory already written is left as it is; smaller ranges are ignored.
    package static func adviseHugePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= threshold else { return }
        let address = Int(bitPattern: start)
        let first = (address + threshold - 1) & ~(threshold - 1)
        let end = (address + bytes) & ~(threshold - 1)
        if end > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_HUGEPAGE) }
    }

    /// Gives the whole pages inside `bytes` bytes at `start` back to the system, for memory
    /// that is owned (by an array, say) but will never be read or written again before it is
    /// freed: if it is, it reads as zeros. Ranges under 64 KiB are ignored.
    package static func releasePages(_ start: UnsafeMutableRawPointer, bytes: Int) {
        let page = 4096
        guard bytes >= 1 << 16 else { return }
        let address = Int(bitPattern: start)
        let first = (address + page - 1) & ~(page - 1)
        let end = (address + bytes) & ~(page - 1)
        if end > first { _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, MADV_DONTNEED) }
    }

    /// Releases memory from `allocateZeroed`.
    package static func deallocate<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        let bytes = buffer.count * MemoryLayout<T>.stride
        if bytes >= threshold, let base = buffer.baseAddress {
            munmap(UnsafeMutableRawPointer(base), bytes)
        } else {
            buffer.deallocate()
        }
    }
}
