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

/// `bpe train --extend`: the base's ids and lines are kept, its pattern and special tokens
/// are used when none are given, and a base not in swift-bpe's layout is refused.
@Suite struct ExtendCommandLineTests {
    @Test func extendKeepsTheBaseAndItsSettings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = CorpusGenerator(seed: 71)
        _ = try directory.write(Array(generator.text(.multilingual, size: 4000).utf8), to: "base.txt")
        _ = try directory.write(Array(generator.text(.code, size: 4000).utf8), to: "new.txt")
        let base = try BPECommandRunner.run(
            ["train", "--input", "base.txt", "--vocab-size", "400", "--pattern", "o200k", "--special-token", "<s>",
             "--output", "base", "--quiet"], in: directory.path)
        #expect(base.status == 0, "\(base.standardError)")
        let extended = try BPECommandRunner.run(
            ["train", "--input", "new.txt", "--extend", "base.model", "--vocab-size", "600", "--output", "ext", "--quiet"],
            in: directory.path)
        #expect(extended.status == 0, "\(extended.standardError)")
        let baseLines = try String(contentsOfFile: directory.path + "/base.tiktoken", encoding: .utf8).split(separator: "\n")
        let extendedLines = try String(contentsOfFile: directory.path + "/ext.tiktoken", encoding: .utf8).split(separator: "\n")
        #expect(Array(extendedLines.prefix(baseLines.count)) == baseLines)
        #expect(extendedLines.count > baseLines.count)
        let model = try String(contentsOfFile: directory.path + "/ext.model", encoding: .utf8).split(separator: "\n")
        #expect(model[1] == Substring(SplitPattern.o200k.regex))
        #expect(model[2] == "1" && model[3].hasPrefix("<s> "))
        // GPT-2's ids are not swift-bpe's layout: refused with the reason.
        let gpt2 = try BPECommandRunner.run(
            ["train", "--input", "new.txt", "--extend", Fixtures.directory("gpt2") + "/gpt2.tiktoken", "--pattern", "gpt2",
             "--vocab-size", "60000", "--output", "x"], in: directory.path)
        #expect(gpt2.status == 1)
        #expect(gpt2.standardError.contains("not in swift-bpe's layout"), "\(gpt2.standardError)")
    }
}
