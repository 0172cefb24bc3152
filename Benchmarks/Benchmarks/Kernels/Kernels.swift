// The hot kernels of `bpe train`, each timed alone on a fixed input: split throughput,
// split + count, merging two word tables, initial pair counting, and the merge loop; and
// `bpe encode`'s: encoding the corpus at 1 and 2 threads.
//
// Input: $BPE_BENCH_CORPUS if set (e.g. the shared corpus's mixed-100m.txt), else the
// bundled Samples/licenses.txt repeated to about 8 MB. Throughput metrics count bytes for the
// split kernels, words for the table and pair kernels, and merges for the merge loop.
import BPE
import Benchmark
import Foundation

/// The corpus file the kernels read, made once per process.
let corpusPath: String = {
    if let path = ProcessInfo.processInfo.environment["BPE_BENCH_CORPUS"] { return path }
    let sample = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/licenses.txt")
    let text = (try? Data(contentsOf: sample)) ?? Data("no sample corpus found ".utf8)
    var corpus = Data()
    while corpus.count < 8 << 20 { corpus.append(text) }
    let path = NSTemporaryDirectory() + "swift-bpe-bench-\(getpid()).txt"
    _ = FileManager.default.createFile(atPath: path, contents: corpus)
    return path
}()

func configuration(threads: Int) -> TrainConfiguration {
    var configuration = TrainConfiguration(inputs: [corpusPath], vocabSize: 257)
    configuration.specialTokens = ["<|endoftext|>"]
    configuration.threads = threads
    return configuration
}

/// Word counts of the corpus, split once, one table per worker, for the table and merge kernels.
func wordCounts(threads: Int = 2) -> [WordCounts] {
    try! Training.countWords(configuration(threads: threads))
}

/// The vocabulary the encode kernels use: $BPE_BENCH_VOCAB if set (any `--vocab` file; a bare
/// `.tiktoken` takes its pattern from $BPE_BENCH_PATTERN), else 5,000 merges learned from the
/// corpus itself.
let encodeTokenizer: Tokenizer = {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["BPE_BENCH_VOCAB"] {
        return try! Tokenizer.load(path: path, pattern: environment["BPE_BENCH_PATTERN"])
    }
    let tables = wordCounts()
    for table in tables.dropFirst() { tables[0].add(contentsOf: table) }
    let learner = MergeLearner(wordCounts: tables[0], threads: 2)
    learner.countInitialPairs()
    learner.learn(mergeCount: 5000)
    return try! Tokenizer(vocabulary: learner.vocabulary(), pattern: SplitPattern.gpt4.name)
}()

let benchmarks: @Sendable () -> Void = {
    let corpusBytes = (try? FileManager.default.attributesOfItem(atPath: corpusPath)[.size] as? Int) ?? 0
    let bytesConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResident], scalingFactor: .one,
        maxDuration: .seconds(5), maxIterations: 20)

    for threads in [1, 2] {
        Benchmark("split \(threads) thread(s), \(corpusBytes / 1_000_000) MB", configuration: bytesConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try SplitThroughput.measure(configuration(threads: threads), counting: false))
            }
        }
        Benchmark("split+count \(threads) thread(s), \(corpusBytes / 1_000_000) MB", configuration: bytesConfiguration) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try SplitThroughput.measure(configuration(threads: threads), counting: true))
            }
        }
    }

    Benchmark("merge two word tables", configuration: bytesConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            let tables = wordCounts()
            benchmark.startMeasurement()
            for table in tables.dropFirst() { tables[0].add(contentsOf: table) }
            benchmark.stopMeasurement()
            blackHole(tables)
        }
    }

    Benchmark("initial pair counting", configuration: bytesConfiguration) { benchmark in
        let tables = wordCounts()
        for table in tables.dropFirst() { tables[0].add(contentsOf: table) }
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            let learner = MergeLearner(wordCounts: tables[0])
            learner.countInitialPairs()
            benchmark.stopMeasurement()
            blackHole(learner)
        }
    }

    for threads in [1, 2] {
        Benchmark("merge loop, 5000 merges, \(threads) thread(s)", configuration: bytesConfiguration) { benchmark in
            let tables = wordCounts()
            for table in tables.dropFirst() { tables[0].add(contentsOf: table) }
            for _ in benchmark.scaledIterations {
                let learner = MergeLearner(wordCounts: tables[0], threads: threads)
                learner.countInitialPairs()
                benchmark.startMeasurement()
                learner.learn(mergeCount: 5000)
                benchmark.stopMeasurement()
                blackHole(learner.vocabulary())
            }
        }
    }

    for threads in [1, 2] {
        Benchmark("encode \(threads) thread(s), \(corpusBytes / 1_000_000) MB", configuration: bytesConfiguration) { benchmark in
            let tokenizer = encodeTokenizer
            var settings = EncodeSettings(threads: threads)
            settings.specialTokens = .ordinary
            for _ in benchmark.scaledIterations {
                var ids = 0
                try tokenizer.encode(paths: [corpusPath], settings: settings) { (part: EncodedPart) throws(EncodeError) in
                    if case let .ids(chunk, _, _) = part { ids += chunk.count }
                }
                blackHole(ids)
            }
        }
    }
}
