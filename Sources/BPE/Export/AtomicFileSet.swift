import Glibc

/// Writes a set of files so that none is ever seen half-written: each is written in full to
/// a temporary name next to it, and only when all are complete are they renamed into place.
/// On any failure the temporaries are removed and no final path is touched.
enum AtomicFileSet {
    /// Writes `files` (path → contents) and returns the paths in the order given.
    static func write(_ files: [(path: String, contents: [UInt8])]) throws(TrainError) -> [String] {
        var temporaries: [String] = []
        do throws(TrainError) {
            for file in files {
                let temporary = temporaryName(for: file.path)
                temporaries.append(temporary)
                PendingTemporaries.add(temporary)
                try writeWhole(file.contents, to: temporary, reportedAs: file.path)
            }
            for (file, temporary) in zip(files, temporaries) {
                if rename(temporary, file.path) != 0 {
                    throw TrainError.unwritableOutput(path: file.path, reason: String(cString: strerror(errno)))
                }
                PendingTemporaries.remove(temporary)
            }
        } catch {
            for temporary in temporaries {
                unlink(temporary)
                PendingTemporaries.remove(temporary)
            }
            throw error
        }
        return files.map(\.path)
    }

    static func temporaryName(for path: String) -> String { "\(path).tmp-\(getpid())" }

    private static func writeWhole(_ contents: [UInt8], to path: String, reportedAs name: String) throws(TrainError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw .unwritableOutput(path: name, reason: String(cString: strerror(errno))) }
        var failure: Int32 = 0
        contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 && errno != EINVAL { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw .unwritableOutput(path: name, reason: String(cString: strerror(failure))) }
    }
}
