import Foundation

/// A `bpe encode` that runs long enough to be interrupted: 60 MB of text written to
/// `big.txt` in a directory holding `v.model`, encoded to `big.u32`.
enum LongEncode {
    static func start(in directory: TemporaryDirectory, arguments extra: [String] = [], standardError: Any) throws -> Process {
        var big = [UInt8]()
        let line = Array("The quick brown fox jumps over the lazy dog 12345; naïve café 猫 🙂\n".utf8)
        while big.count < 60 << 20 { big += line }
        try directory.write(big, to: "big.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BPECommandRunner.executable)
        process.arguments = ["encode", "--vocab", "v.model", "--input", "big.txt", "--output", "big.u32", "--format", "u32"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.standardError = standardError
        try process.run()
        return process
    }
}
