import Foundation
import Testing
import BPE

/// README.md's "From Swift" example (its files made in a temporary directory, its
/// placeholders filled in), so that it compiles and runs against `import BPE` alone.
@Suite struct ReadmeExampleTests {
    @Test func fromSwiftExampleRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = CorpusGenerator(seed: 5)
        let corpus = try directory.write(Array(generator.text(.repeatedWords, size: 20_000).utf8), to: "corpus.txt")
        let heldOut = try directory.write(Array(generator.text(.repeatedWords, size: 2_000).utf8), to: "held-out.txt")
        var written = TrainConfiguration(inputs: [corpus], vocabSize: 300)
        written.specialTokens = ["<|endoftext|>"]
        written.output = "\(directory.path)/gpt"
        _ = try Training.run(written)

        // From here on, README.md's example (paths aside).
        var configuration = TrainConfiguration(inputs: [corpus], vocabSize: 2_000)
        configuration.specialTokens = ["<|endoftext|>"]
        let outcome = try Training.learn(documents: ["first document", "second one"], configuration: configuration)

        let trained = try Tokenizer(vocabulary: outcome.vocabulary, pattern: configuration.pattern)
        let tokenizer = try Tokenizer.load(path: "\(directory.path)/gpt.model")
        let ids = try tokenizer.encode("Hello world<|endoftext|>", allowedSpecial: .allowAll)
        let plain = try tokenizer.encodeOrdinary("<|endoftext|> is text here")
        let text = try tokenizer.decode(ids)

        var settings = EncodeSettings(threads: 8)
        settings.specialTokens = .allow(["<|endoftext|>"])
        var chunks = 0
        try tokenizer.encode(paths: [corpus], settings: settings) { part in
            if case .ids = part { chunks += 1 }
        }
        let report = try tokenizer.evaluate(paths: [heldOut], name: "gpt", settings: settings)

        let counts = WordCounts()
        counts.add(Array("hello".utf8), count: 10)
        let learner = MergeLearner(wordCounts: counts, minFrequency: 1)
        learner.countInitialPairs()
        learner.learn(mergeCount: 3)

        #expect(text == Array("Hello world<|endoftext|>".utf8))
        #expect(ids.last == tokenizer.specialTokenID("<|endoftext|>"))
        #expect(!plain.contains(tokenizer.specialTokenID("<|endoftext|>")!))
        #expect(chunks > 0 && report.bytesPerToken > 1 && trained.mergeableCount > 256)
        // All four pairs of "hello" tie at 10: the greater bytes win (SPEC §4), so "lo", then
        // "llo", then "he".
        #expect(learner.vocabulary().mergedPairs.map { $0.0 + $0.1 } == ["lo", "llo", "he"].map { Array($0.utf8) })
    }
}
