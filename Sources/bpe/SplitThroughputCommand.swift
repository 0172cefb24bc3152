import ArgumentParser
import BPE

/// `bpe split-throughput`: how fast the split pattern runs on a corpus, alone or with
/// counting, at a given thread count. For profiling patterns and for the benchmarks.
struct SplitThroughputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split-throughput",
        abstract: "Measure pre-tokenization speed (split, optionally count); writes nothing."
    )

    @Option(name: .long, help: ArgumentHelp("An input file (repeatable).", valueName: "file"))
    var input: [String] = []

    @OptionGroup var split: SplitOptions

    @OptionGroup var work: WorkOptions

    @Flag(name: .long, help: "Also count the words into the word tables (as bpe train does).")
    var count = false

    @Option(name: .long, help: "Repeat the measurement this many times (each line printed).")
    var repeats: Int = 1

    func validate() throws {
        if input.isEmpty { throw ValidationError("Missing expected argument '--input <file>'") }
    }

    func run() throws {
        try reportingErrors {
            var configuration = TrainConfiguration(inputs: input, vocabSize: 256)
            try configuration.apply(split, work)
            for _ in 0..<max(1, repeats) {
                let result = try SplitThroughput.measure(configuration, counting: count)
                var line = "\(count ? "split+count" : "split") threads=\(configuration.threads) "
                line += "bytes=\(result.bytes) words=\(result.words) "
                if let unique = result.uniqueWords { line += "unique=\(unique) " }
                line += "seconds=\(ProfileTable.fixed(result.seconds, 3)) "
                line += "MB/s=\(ProfileTable.fixed(result.megabytesPerSecond, 1))"
                print(line)
            }
        }
    }
}
