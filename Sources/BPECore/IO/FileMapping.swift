import Glibc
import SystemPackage

/// A whole file mapped read-only into memory; unmapped when the value dies. The one place
/// swift-bpe calls `mmap` on a file.
///
/// `@unchecked Sendable` is sound: the mapping is read-only and lives as long as the value.
package final class FileMapping: @unchecked Sendable {
    /// The mapped bytes; valid while the mapping lives.
    package let bytes: UnsafeBufferPointer<UInt8>
    /// The mapping's entry in `TruncatedInputHandler.mappedFiles`, which names the file if
    /// it shrinks under us.
    private let registration: Int?

    /// The mapped file's device and inode, to know it again by its path (`reopen`).
    private let identity: (device: UInt64, inode: UInt64)?

    /// Maps the first `size` bytes of `fd` (`size` > 0), advised for sequential reading.
    /// - Complexity: O(1): pages are read on first touch.
    package init(_ fd: FileDescriptor, size: Int, path: String) throws(FileError) {
        identity = Self.identity(of: fd)
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd.rawValue, 0)
        // MAP_FAILED is not imported into Swift on Linux.
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw FileError(path: path, direction: .reading, errno: Errno(rawValue: errno))
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
        let start = UInt(bitPattern: address)
        registration = TruncatedInputHandler.mappedFiles.add(path, range: start..<(start + UInt(size)))
    }

    deinit {
        if let registration { TruncatedInputHandler.mappedFiles.remove(registration) }
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }

    /// A new descriptor for reading the mapped file, opened by `path`, if `path` still names
    /// this file (the same device and inode): nil if it no longer does (renamed, replaced,
    /// unlinked like a spooled input) or cannot be opened. The caller closes it.
    package func reopen(_ path: String) -> FileDescriptor? {
        guard let identity, let fd = try? FileAccess.openForReading(path) else { return nil }
        if let found = Self.identity(of: fd), found == identity { return fd }
        try? fd.close()
        return nil
    }

    private static func identity(of fd: FileDescriptor) -> (device: UInt64, inode: UInt64)? {
        guard let status = try? fd.stat() else { return nil }
        return (UInt64(status.deviceID.rawValue), UInt64(status.inode.rawValue))
    }

    /// Drops the resident pages inside `range` (whole pages only). A later read faults them
    /// back in from the page cache, so this never changes what is read; memory then stays
    /// bounded by the work in flight, not by the file's size.
    package func releasePages(_ range: Range<Int>) {
        guard let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound == bytes.count ? range.upperBound : range.upperBound / page * page
        guard start < end else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }
}
