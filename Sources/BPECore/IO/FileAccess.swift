import Glibc
import SystemPackage

/// The file system calls swift-bpe makes, each retried on `EINTR` and completed on short
/// writes (by swift-system's `FileDescriptor`), each failing with a `FileError` that names the
/// file. Every open, write, rename and unlink of the library goes through here.
package enum FileAccess {
    /// Opens `path` for reading.
    package static func openForReading(_ path: String) throws(FileError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw FileError(path: path, direction: .reading, errno: error as? Errno ?? .ioError)
        }
    }

    /// Creates (or truncates) `path` for writing, mode 0644. With `exclusive`, an existing file
    /// is an error. `reportedAs` names the file in errors (the final path of a temporary).
    package static func create(
        _ path: String, exclusive: Bool = false, reportedAs name: String? = nil
    ) throws(FileError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .writeOnly,
                options: exclusive ? [.create, .exclusiveCreate, .closeOnExec] : [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw FileError(path: name ?? path, direction: .writing, errno: error as? Errno ?? .ioError)
        }
    }

    /// Opens an existing file that is not a regular file (`/dev/null`, a named pipe) for writing.
    package static func openForWriting(_ path: String) throws(FileError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .writeOnly, options: [.closeOnExec])
        } catch {
            throw FileError(path: path, direction: .writing, errno: error as? Errno ?? .ioError)
        }
    }

    /// The file's type and size, as `fstat` tells.
    package static func status(of fd: FileDescriptor, path: String) throws(FileError) -> (type: FileType, size: Int) {
        do {
            let status = try fd.stat()
            return (status.type, Int(status.size))
        } catch {
            throw FileError(path: path, direction: .reading, errno: error)
        }
    }

    /// The type of whatever is at `path`, or `nil` if nothing is (or it cannot be examined).
    package static func type(at path: String) -> FileType? {
        try? FilePath(path).stat().type
    }

    /// Reads up to `buffer.count` bytes into `buffer`; 0 at the end of the file.
    package static func read(_ fd: FileDescriptor, into buffer: inout [UInt8], path: String) throws(FileError) -> Int {
        do {
            return try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
        } catch {
            throw FileError(path: path, direction: .reading, errno: error as? Errno ?? .ioError)
        }
    }

    /// Reads exactly `buffer.count` bytes at `offset` (`pread`; short reads are continued). A
    /// file that ends first shrank since its size was taken: that is an error naming it.
    package static func read(
        _ fd: FileDescriptor, exactly buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String
    ) throws(FileError) {
        var done = 0
        while done < buffer.count {
            let read: Int
            do {
                read = try fd.read(fromAbsoluteOffset: Int64(offset + done), into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
            } catch {
                throw FileError(path: path, direction: .reading, errno: error as? Errno ?? .ioError)
            }
            if read == 0 {
                throw FileError(
                    path: path, direction: .reading,
                    reason: "it shrank while it was being read (another program truncated or rewrote it); run again when it no longer changes")
            }
            done += read
        }
    }

    /// Writes every byte of `bytes` (short writes are continued, `EINTR` retried).
    package static func writeAll<Bytes: Sequence<UInt8>>(
        _ fd: FileDescriptor, _ bytes: Bytes, path: String
    ) throws(FileError) {
        do {
            _ = try fd.writeAll(bytes)
        } catch {
            throw FileError(path: path, direction: .writing, errno: error as? Errno ?? .ioError)
        }
    }

    /// Flushes the file's data to the device (`fsync`); a device that cannot (`EINVAL`, a pipe)
    /// is not an error.
    package static func synchronize(_ fd: FileDescriptor, path: String) throws(FileError) {
        if fsync(fd.rawValue) != 0 && errno != EINVAL {
            throw FileError(path: path, direction: .writing, errno: Errno(rawValue: errno))
        }
    }

    /// Closes `fd`; for a file being written, a failure means data may be lost.
    package static func close(_ fd: FileDescriptor, path: String, direction: FileError.Direction) throws(FileError) {
        do {
            try fd.close()
        } catch {
            throw FileError(path: path, direction: direction, errno: error as? Errno ?? .ioError)
        }
    }

    /// Renames `source` to `destination` (atomic within one file system).
    package static func rename(_ source: String, to destination: String) throws(FileError) {
        if Glibc.rename(source, destination) != 0 {
            throw FileError(path: destination, direction: .writing, errno: Errno(rawValue: errno))
        }
    }

    /// A new file in `directory` that no name leads to (made by `mkstemp`, then unlinked at
    /// once): its data lives while the descriptor (or a mapping of it) does, and nothing is
    /// left behind whatever happens to the process.
    package static func createUnnamed(in directory: String) throws(Errno) -> FileDescriptor {
        var template = Array("\(directory)/bpe-XXXXXX".utf8CString)
        let raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if raw < 0 { throw Errno(rawValue: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return FileDescriptor(rawValue: raw)
    }

    /// Removes `path`, ignoring failure (it is a temporary of ours, or already gone).
    package static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Writes `text` to standard error, whole, ignoring failure (there is nowhere to report it).
    package static func writeStandardError(_ text: String) {
        _ = try? FileDescriptor.standardError.writeAll(text.utf8)
    }
}
