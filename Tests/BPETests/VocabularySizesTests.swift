import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPETraining

/// `--vocab-sizes` (issue 12): one run writes a vocabulary per size, and each equals a
/// separate training to that size, file for file.
@Suite struct VocabularySizesTests {
    @Test func eachSizeEqualsASeparateRun() throws {
        var generator = CorpusGenerator(seed: 41)
        let text = (0..<30).map { generator.text(CorpusGenerator.Kind.allCases[$0 % CorpusGenerator.Kind.allCases.count], size: 200) }
            .joined(separator: "<|endoftext|>")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(Array(text.utf8), to: "c.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 600)
        configuration.vocabSizes = [300, 600, 258, 450]
        configuration.specialTokens = ["<|endoftext|>", "<|pad|>"]
        configuration.formats = [.tiktoken, .minbpe, .hf]
        configuration.output = directory.path + "/many"
        configuration.threads = 2
        let outcome = try Training.run(configuration)
        #expect(outcome.writtenFiles.count == 4 * 5)
        for size in [258, 300, 450, 600] {
            var single = configuration
            single.vocabSizes = []
            single.vocabSize = size
            single.output = directory.path + "/one-\(size)"
            _ = try Training.run(single)
            for suffix in ["tiktoken", "model", "vocab", "tokenizer.json"] {
                let many = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/many-\(size).\(suffix)"))
                let one = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/one-\(size).\(suffix)"))
                #expect(many == one, "size \(size), .\(suffix)")
            }
            let report = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/many-\(size).train.json"))) as! [String: Any]
            #expect(report["vocab_size"] as? Int == size)
            #expect(report["merges"] as? Int == size - 258)
            #expect((report["special_tokens"] as? [String: Int])?["<|pad|>"] == size - 1)
        }
    }

    @Test func badSizeListsAreRefused() throws {
        var configuration = TrainConfiguration(inputs: ["x"], vocabSize: 500)
        configuration.vocabSizes = [300, 400]
        #expect(throws: TrainingError.self) { try configuration.validate() }  // the largest is not vocabSize
        configuration.vocabSizes = [200, 500]
        #expect { try configuration.validate() } throws: { "\($0)".contains("too small") }
        configuration.vocabSizes = [300, 300, 500]
        #expect { try configuration.validate() } throws: { "\($0)".contains("given twice") }
    }
}
