import Glibc

/// Memory for big hash tables, mapped directly and marked for transparent huge pages, so a
/// random probe into hundreds of megabytes does not also miss the TLB on every access
/// (the kernel here runs THP in `madvise` mode). Small requests use the ordinary allocator.
enum LargeAllocation {
    private static let threshold = 1 << 21

    /// Uninitialized memory for `count` values of `T`; release it with `deallocate`.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutableBufferPointer<T> {
        let bytes = count * MemoryLayout<T>.stride
        guard bytes >= threshold else { return .allocate(capacity: count) }
        let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            // Out of address space: let the ordinary allocator report it its own way.
            return .allocate(capacity: count)
        }
        _ = madvise(address, bytes, MADV_HUGEPAGE)
        return UnsafeMutableBufferPointer(start: address.bindMemory(to: T.self, capacity: count), count: count)
    }

    /// Releases memory from `allocate`.
    static func deallocate<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        let bytes = buffer.count * MemoryLayout<T>.stride
        if bytes >= threshold, let base = buffer.baseAddress {
            munmap(UnsafeMutableRawPointer(base), bytes)
        } else {
            buffer.deallocate()
        }
    }
}
