import ArgumentParser
import BPE
import Dispatch
import Glibc

/// `bpe encode`: text in, token ids out, on all cores, in input order.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Turn text into token ids (identical to tiktoken's).",
        discussion: """
            --format ids prints one line of space-separated ids per input, json one array per \
            input; u16 and u32 write all ids as one flat little-endian array (for training \
            pipelines). Large inputs are cut into shards and encoded in parallel; the ids are \
            the same as encoding each input whole.
            """
    )

    @Option(name: .long, help: ArgumentHelp("PREFIX.model, PREFIX.tiktoken, or GPT-2's encoder.json.", valueName: "file"))
    var vocab: String

    @OptionGroup var vocabulary: VocabularyOptions

    @Option(name: .long, help: ArgumentHelp("An input file (repeatable; default: standard input).", valueName: "file"))
    var input: [String] = []

    @Option(name: .long, help: ArgumentHelp("Where to write the ids (default: standard output).", valueName: "file"))
    var output: String?

    @Option(name: .long, help: "How to write the ids.")
    var format: IDFormat = .ids

    @OptionGroup var encoding: EncodingOptions

    @Flag(name: .long, help: "No progress display and no summary.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let settings = try encoding.settings()
            let tokenizer = try vocabulary.load(vocab, splitEngine: encoding.work.checkedSplitEngine())
            try format.check(tokenizer)
            let stream = try OutputFile(path: output)
            var writer = IDWriter(format: format, output: stream)
            let started = DispatchTime.now().uptimeNanoseconds
            let summary: EncodeSummary
            do {
                summary = try tokenizer.encode(paths: input.isEmpty ? ["-"] : input, settings: settings, progress: progressReporter()) {
                    (part: EncodedPart) throws(EncodeError) in
                    switch part {
                    case let .ids(ids, _, _): try writer.write(ids)
                    case .endOfFile: try writer.endInput()
                    }
                }
                try stream.commit()
            } catch {
                stream.abort()
                throw error
            }
            ProgressLine.clear()
            if !quiet {
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                printError("""
                    encoded \(summary.inputs) input(s): \(grouped(summary.bytes)) bytes → \(grouped(summary.tokens)) tokens \
                    (\(ProfileTable.fixed(Double(summary.bytes) / Double(max(1, summary.tokens)), 3)) bytes/token) in \
                    \(ProfileTable.fixed(seconds, 2)) s, \(ProfileTable.fixed(Double(summary.bytes) / max(1e-9, seconds) / 1e6, 1)) MB/s
                    """)
            }
        }
    }

    private func progressReporter() -> EncodeProgress? {
        guard !quiet, isatty(STDERR_FILENO) != 0 else { return nil }
        return ProgressLine.bytes("encode")
    }
}
