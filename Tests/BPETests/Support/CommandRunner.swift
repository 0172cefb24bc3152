import Foundation

/// Runs the built `bpe` executable (next to the test bundle) and captures what it says.
struct CommandResult {
    var status: Int32
    var standardError: String
    var standardOutput: String
}

enum BPECommandRunner {
    static var executable: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: me).deletingLastPathComponent()
        // swift-testing may run from inside the .xctest bundle on some layouts.
        while directory.path != "/" && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("bpe").path) {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("bpe").path
    }

    static func run(_ arguments: [String], standardInput: [UInt8]? = nil, in directory: String) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errorPipe = Pipe()
        let outputPipe = Pipe()
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        let inputPipe = Pipe()
        process.standardInput = standardInput == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let standardInput {
            inputPipe.fileHandleForWriting.write(Data(standardInput))
            try inputPipe.fileHandleForWriting.close()
        }
        let errorData = errorPipe.fileHandleForReading.readDataToEndOfFile()
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            standardError: String(decoding: errorData, as: UTF8.self),
            standardOutput: String(decoding: outputData, as: UTF8.self))
    }
}

extension BPECommandRunner {
    /// Runs `bpe` in `directory` (standard output and error to files there) and returns what
    /// it said with its own peak resident set size, from `wait4` (so tests running other
    /// commands at the same time do not blur it).
    static func runMeasuringMemory(_ arguments: [String], in directory: String) throws -> (result: CommandResult, peakBytes: Int) {
        let outputPath = "\(directory)/.stdout-\(UUID().uuidString)"
        let errorPath = "\(directory)/.stderr-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The shell changes directory and replaces itself with bpe (same process, so `wait4`
        // reports bpe's own usage); glibc's addchdir_np is not visible from Swift.
        let command = ["/bin/sh", "-c", #"cd "$0" && exec "$@""#, directory, executable] + arguments
        var argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, and 128 + the signal for a killed child.
        let exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let result = CommandResult(
            status: exitStatus,
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "",
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
        return (result, Int(usage.ru_maxrss) * 1024)
    }
}
