import ArgumentParser
import Foundation

@main
struct BPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpe",
        abstract: "Train byte-level BPE tokenizers, fast, on all cores, and encode, decode and evaluate with them.",
        subcommands: [
            TrainCommand.self, CountCommand.self, MergeCountsCommand.self, EncodeCommand.self, DecodeCommand.self, EvalCommand.self,
            SplitThroughputCommand.self,
        ]
    )

    static func main() {
        Interruption.install()
        // Swift repairs arguments that are not UTF-8 into U+FFFD, which would silently make
        // a special token (or a path) other than the one typed: refuse them instead.
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            if String(validating: bytes, as: UTF8.self) == nil {
                printError("error: command-line argument \(index) is not valid UTF-8 (bpe takes text arguments in UTF-8)")
                Foundation.exit(1)
            }
        }
        main(nil)
    }
}
