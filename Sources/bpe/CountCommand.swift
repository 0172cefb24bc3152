import ArgumentParser
import BPE

/// `bpe count`: read → split → count only, into a word-count file.
struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count the words of text files into a word-count file (for merge-counts and train --counts).",
        discussion: """
            Every input option of bpe train applies. The file holds the distinct words sorted by \
            their bytes with 64-bit counts, the pattern, the special tokens and the split engine; \
            counts of several shards merge exactly (bpe merge-counts, or bpe train --counts A B ...).
            """
    )

    @Option(name: .long, help: ArgumentHelp("An input file (repeatable); '-' reads standard input.", valueName: "file"))
    var input: [String] = []

    @OptionGroup var split: SplitOptions

    @OptionGroup var work: WorkOptions

    @Option(name: .long, help: ArgumentHelp("The count file to write (PART.counts).", valueName: "file"))
    var output: String

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if input.isEmpty { throw ValidationError("Missing expected argument '--input <file>'") }
    }

    func run() throws {
        try reportingErrors {
            var configuration = TrainConfiguration(inputs: input, vocabSize: 256)
            try configuration.apply(split, work)
            let header = try WordCountFiles.count(configuration, to: output)
            if !quiet {
                printError("counted \(input.count) input(s): \(header.total) words, \(header.words) distinct; wrote \(output)")
            }
        }
    }
}

/// `bpe merge-counts`: many count files into one, by a streaming k-way merge.
struct MergeCountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-counts",
        abstract: "Merge word-count files into one (memory: the output's words, never all inputs').",
        discussion: """
            The files must have been counted alike (pattern, special tokens, split engine). \
            --min-count N drops the words counted fewer than N times in all: that changes what \
            training learns from the result (the merges are no longer those of the full text).
            """
    )

    @Argument(help: ArgumentHelp("The count files to merge.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The merged count file to write.", valueName: "file"))
    var output: String

    @Option(name: .long, help: "Drop the words counted fewer times than this in all (changes the result).")
    var minCount: Int = 1

    @Flag(name: .long, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Missing expected argument '<file> ...'") }
    }

    func run() throws {
        try reportingErrors {
            if minCount < 1 { throw InvalidValue(option: "--min-count", value: String(minCount), reason: "must be 1 or more") }
            let header = try WordCountFiles.merge(files, into: output, minimumCount: UInt64(minCount))
            if !quiet {
                printError("merged \(files.count) count file(s): \(header.total) words, \(header.words) distinct; wrote \(output)")
            }
        }
    }
}
