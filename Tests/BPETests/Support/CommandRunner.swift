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
