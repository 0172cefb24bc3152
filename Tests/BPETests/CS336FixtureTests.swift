import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// The CS336 assignment 1 reference: 243 merges on `corpus.en` with the GPT-2 pattern,
/// vocabulary 500 and `<|endoftext|>`. A missing fixture is a failure, never a skip.
@Suite struct CS336FixtureTests {
    static var fixtureDirectory: String { Fixtures.directory("cs336") }

    @Test func reproducesTheReferenceMergesExactly() throws {
        let directory = Self.fixtureDirectory
        let mergesPath = "\(directory)/train-bpe-reference-merges.txt"
        guard let reference = try? String(contentsOfFile: mergesPath, encoding: .utf8) else {
            Issue.record("CS336 fixture missing at \(mergesPath); set BPE_FIXTURES to the fixtures folder")
            return
        }
        for threads in [1, 2] {
            for shardBytes in [1 << 20, 997] {
                var configuration = TrainConfiguration(inputs: ["\(directory)/corpus.en"], vocabSize: 500)
                configuration.pattern = "gpt2"
                configuration.specialTokens = ["<|endoftext|>"]
                configuration.threads = threads
                configuration.shardBytes = shardBytes
                configuration.mergeBlockWords = shardBytes == 997 ? 1 : 4096
                let vocabulary = try Training.learn(configuration).vocabulary
                let ours = vocabulary.mergedPairs.map { "\(GPT2ByteAlphabet.encode($0.0)) \(GPT2ByteAlphabet.encode($0.1))" }
                let expected = reference.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
                #expect(expected.count == 243)
                #expect(ours == expected, "threads \(threads), shard \(shardBytes)")
            }
        }
    }

    @Test func vocabularyHoldsTheReferenceTokens() throws {
        let directory = Self.fixtureDirectory
        guard let data = FileManager.default.contents(atPath: "\(directory)/train-bpe-reference-vocab.json"),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            Issue.record("CS336 vocabulary fixture missing in \(directory)")
            return
        }
        var configuration = TrainConfiguration(inputs: ["\(directory)/corpus.en"], vocabSize: 500)
        configuration.pattern = "gpt2"
        configuration.specialTokens = ["<|endoftext|>"]
        let vocabulary = try Training.learn(configuration).vocabulary
        var ours = Set(vocabulary.tokens.map { GPT2ByteAlphabet.encode($0) })
        ours.insert("<|endoftext|>")
        let expected = Set(json.keys)
        #expect(ours.subtracting(expected).sorted() == [], "tokens we made that CS336 did not")
        #expect(expected.subtracting(ours).sorted() == [], "tokens CS336 made that we did not")
    }
}
