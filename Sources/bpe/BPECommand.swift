import ArgumentParser

@main
struct BPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bpe",
        abstract: "Train byte-level BPE tokenizers, fast, on all cores, and encode, decode and evaluate with them.",
        subcommands: [TrainCommand.self, EncodeCommand.self, DecodeCommand.self, EvalCommand.self, SplitThroughputCommand.self]
    )

    static func main() {
        Interruption.install()
        main(nil)
    }
}
