import Foundation
import Testing
import BPE

/// The public API without the command line: training from documents in memory, a tokenizer
/// from a trained vocabulary without files, errors in the library's own terms.
@Suite struct LibraryAPITests {
    @Test func trainingOnDocumentsEqualsTrainingOnTheSameFiles() throws {
        var generator = CorpusGenerator(seed: 31)
        let documents = (0..<4).map { _ in generator.text(.specialGlued, size: 700) }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try documents.enumerated().map { try directory.write(Array($0.element.utf8), to: "d\($0.offset).txt") }
        var configuration = TrainConfiguration(inputs: paths, vocabSize: 256 + 150 + CorpusGenerator.specialTokens.count)
        configuration.specialTokens = CorpusGenerator.specialTokens
        configuration.shardBytes = 13
        let fromFiles = try Training.learn(configuration)
        let fromDocuments = try Training.learn(documents: documents, configuration: configuration)
        #expect(fromDocuments.vocabulary == fromFiles.vocabulary)
        #expect(fromDocuments.corpus == fromFiles.corpus)
        #expect(directory.contents().count == paths.count, "learning writes nothing")
    }

    @Test func aTrainedVocabularyEncodesWithoutAFileRoundTrip() throws {
        var generator = CorpusGenerator(seed: 32)
        let text = generator.text(.multilingual, size: 3000)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = TrainConfiguration(inputs: [try directory.write(Array(text.utf8), to: "t.txt")], vocabSize: 400)
        configuration.output = "\(directory.path)/v"
        let outcome = try Training.run(configuration)
        let inMemory = try Tokenizer(vocabulary: outcome.vocabulary, pattern: configuration.pattern)
        let loaded = try Tokenizer.load(path: "\(directory.path)/v.model")
        let sample = generator.text(.multilingual, size: 500)
        #expect(try inMemory.encode(sample) == loaded.encode(sample))
        #expect(try inMemory.decode(inMemory.encode(sample)) == Array(sample.utf8))
    }

    @Test func libraryErrorsSpeakInAPITermsNotFlags() throws {
        var configuration = TrainConfiguration(inputs: ["x"], vocabSize: 300)
        configuration.threads = 0
        #expect(throws: TrainingError.invalidSetting(.threads, value: "0", reason: "must be 1 or more")) {
            try configuration.validate()
        }
        let errors: [any Error & CustomStringConvertible] = [
            TrainingError.vocabularyTooSmall(vocabSize: 10, specialTokens: 1),
            TrainingError.invalidSetting(.minFrequency, value: "-1", reason: "must be 0 or more"),
            InputError.invalidUTF8(path: "a.txt", offset: 3),
            EncodeError.disallowedSpecialToken(token: "<|x|>", path: "a.txt", offset: 0),
            EncodeError.missingPattern(path: "a.tiktoken"),
        ]
        for error in errors { #expect(!error.description.contains("--"), "\(error.description)") }
    }

    /// The bug this guards against: a missing `encoder.json` was reported as "expected a JSON
    /// object", because its read error was swallowed.
    @Test func aMissingGPT2EncoderIsReportedAsMissing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(Array("#version: 0.2\n".utf8), to: "vocab.bpe")
        #expect(throws: EncodeError.vocabulary(.cannotLoad(path: "\(directory.path)/encoder.json", reason: "no such file"))) {
            try Tokenizer.load(path: "\(directory.path)/encoder.json", merges: "\(directory.path)/vocab.bpe")
        }
        try directory.write(Array("{\"a\": ".utf8), to: "broken.json")
        #expect(throws: EncodeError.vocabulary(.cannotLoad(
            path: "\(directory.path)/broken.json", reason: "expected a JSON object of token → integer id"))) {
            try Tokenizer.load(path: "\(directory.path)/broken.json", merges: "\(directory.path)/vocab.bpe")
        }
    }

    @Test func aSpecialTokenIDTooLargeForATokenIDIsAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
        let path = try directory.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "bytes.tiktoken")
        #expect(throws: EncodeError.invalidSpecialToken(
            request: "<x>=4294967296", reason: "the id is out of range (0 to 4294967294)")) {
            try Tokenizer.load(path: path, pattern: "gpt2", specialTokens: ["<x>=4294967296"])
        }
        let tokenizer = try Tokenizer.load(path: path, pattern: "gpt2", specialTokens: ["<x>=300", "a=b"])
        #expect(tokenizer.specialTokenID("<x>") == 300)
        #expect(tokenizer.specialTokenID("a=b") == 301)
    }
}

/// `DocumentCounter`: documents counted in batches of any size give the merges of training
/// on one file holding them (joined by a special token), and `VocabularyExport` writes the
/// files `bpe train` writes.
@Suite struct DocumentCounterTests {
    @Test(arguments: [1, 3, 1000])
    func batchesGiveTheMergesOfTheFile(batchSize: Int) throws {
        var generator = CorpusGenerator(seed: 31)
        let documents = (0..<60).map { generator.text(CorpusGenerator.Kind.allCases[$0 % CorpusGenerator.Kind.allCases.count], size: 150) }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let separator = "<|endoftext|>"
        let path = try directory.write(Array(documents.joined(separator: separator).utf8), to: "joined.txt")
        for tieBreak in TieBreak.allCases {
            var configuration = TrainConfiguration(inputs: [path], vocabSize: 256 + 150 + 1)
            configuration.specialTokens = [separator]
            configuration.tieBreak = tieBreak
            configuration.minFrequency = tieBreak == .smallestIDs ? 1 : 2
            configuration.threads = 2
            let expected = try Training.learn(configuration)

            let counter = try DocumentCounter(configuration: configuration)
            var start = 0
            while start < documents.count {
                let batch = Array(documents[start..<min(documents.count, start + batchSize)])
                var text: [UInt8] = []
                var ends: [Int] = []
                for document in batch {
                    text += Array(document.utf8)
                    ends.append(text.count)
                }
                try text.withUnsafeBufferPointer { try counter.add(text: $0, documentEnds: ends) }
                start += batchSize
            }
            let outcome = try counter.learn()
            #expect(outcome.vocabulary == expected.vocabulary, "\(tieBreak) batch \(batchSize)")
            #expect(outcome.corpus.words == expected.corpus.words)
            #expect(counter.documents == documents.count)

            let written = try VocabularyExport.write(outcome, configuration: configuration,
                                                     prefix: directory.path + "/out-\(tieBreak.rawValue)", formats: [.tiktoken, .hf])
            #expect(written.map { String($0.split(separator: "/").last!) }
                == ["out-\(tieBreak.rawValue).tiktoken", "out-\(tieBreak.rawValue).tokenizer.json", "out-\(tieBreak.rawValue).train.json"])
        }
    }

    @Test func badDocumentEndsAreRefused() throws {
        let counter = try DocumentCounter(configuration: TrainConfiguration(inputs: [], vocabSize: 300))
        let text = Array("abc".utf8)
        #expect(throws: TrainingError.self) { try text.withUnsafeBufferPointer { try counter.add(text: $0, documentEnds: [2]) } }
        #expect(throws: TrainingError.self) { try text.withUnsafeBufferPointer { try counter.add(text: $0, documentEnds: [2, 1, 3]) } }
    }
}
