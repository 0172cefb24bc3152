import Glibc
import SystemPackage

/// Writes a set of files so that none is ever seen half-written: each is written in full to
/// a temporary name next to it, and only when all are complete are they renamed into place.
/// On any failure the temporaries are removed and no final path is touched.
package enum AtomicFileSet {
    /// Writes `files` (path → contents) and returns the paths in the order given.
    package static func write(_ files: [(path: String, contents: [UInt8])]) throws(FileError) -> [String] {
        var temporaries: [String] = []
        do throws(FileError) {
            for file in files {
                let temporary = temporaryName(for: file.path)
                temporaries.append(temporary)
                PendingTemporaries.add(temporary)
                try writeWhole(file.contents, to: temporary, reportedAs: file.path)
            }
            // A rename onto a directory fails: find it before the first rename, not after.
            for file in files where FileAccess.type(at: file.path) == .directory {
                throw FileError(path: file.path, direction: .writing, reason: "it is a directory")
            }
            for (file, temporary) in zip(files, temporaries) {
                try FileAccess.rename(temporary, to: file.path)
                PendingTemporaries.remove(temporary)
            }
        } catch {
            for temporary in temporaries {
                FileAccess.remove(temporary)
                PendingTemporaries.remove(temporary)
            }
            throw error
        }
        return files.map(\.path)
    }

    /// Where `path` is written before it is renamed into place: `PATH.tmp-PID`.
    package static func temporaryName(for path: String) -> String { "\(path).tmp-\(getpid())" }

    /// Fails early, before any work, if files cannot be created next to `prefix`
    /// (`reportedAs` names them in the error).
    package static func checkCreatable(prefix: String, reportedAs name: String) throws(FileError) {
        let probe = temporaryName(for: "\(prefix).probe")
        let fd = try FileAccess.create(probe, exclusive: true, reportedAs: name)
        try? fd.close()
        FileAccess.remove(probe)
    }

    private static func writeWhole(_ contents: [UInt8], to path: String, reportedAs name: String) throws(FileError) {
        let fd = try FileAccess.create(path, reportedAs: name)
        do throws(FileError) {
            try FileAccess.writeAll(fd, contents, path: name)
            try FileAccess.synchronize(fd, path: name)
        } catch {
            try? fd.close()
            throw error
        }
        try FileAccess.close(fd, path: name, direction: .writing)
    }
}
