import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// `bpe eval`'s figures are counts of the encoding itself, whatever the sharding.
@Suite struct EvaluationTests {
    @Test(arguments: [(1, 1 << 20), (2, 5), (3, 64)])
    func figuresMatchTheEncodingAtEveryShardSize(threads: Int, shardBytes: Int) throws {
        var generator = CorpusGenerator(seed: 42)
        let training = Array(generator.text(.multilingual, size: 3000).utf8)
        let tokenizer = try TrainedTokenizer.make(on: training, pattern: "gpt4")
        var text = ""
        for kind in CorpusGenerator.Kind.allCases { text += generator.text(kind, size: 400) }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array(text.utf8), to: "held-out.txt")

        var settings = EncodeSettings(threads: threads)
        settings.shardBytes = shardBytes
        settings.specialTokens = .allowAll
        let result = try tokenizer.evaluate(paths: [path], name: "v", settings: settings, longest: 5)

        var single = EncodeSettings(threads: 1)
        single.specialTokens = .allowAll
        let ids = try tokenizer.encode(bytes: Array(text.utf8), settings: single)
        #expect(result.tokens == ids.count)
        #expect(result.bytes == text.utf8.count)
        // Words: the split of each piece between special tokens, empty matches not counted.
        var words = 0
        var piece = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if let token = CorpusGenerator.specialTokens.sorted(by: { $0.count > $1.count }).first(where: { rest.hasPrefix($0) }) {
                words += try split(piece, "gpt4").filter { !$0.isEmpty }.count
                piece = ""
                rest = rest.dropFirst(token.count)
            } else {
                piece.append(rest.removeFirst())
            }
        }
        words += try split(piece, "gpt4").filter { !$0.isEmpty }.count
        #expect(result.words == words)
        let multiByte = ids.filter { !tokenizer.isSpecial($0) }.map { tokenizer.bytes(of: $0)!.count }.filter { $0 >= 2 }.reduce(0, +)
        #expect(result.multiByteBytes == multiByte)
        #expect(result.distinctTokens == Set(ids.filter { !tokenizer.isSpecial($0) }).count)
        let longest = result.longestTokens.map(\.bytes.count)
        #expect(longest.count == 5 && longest == longest.sorted(by: >))
        #expect(longest.first == ids.filter { !tokenizer.isSpecial($0) }.map { tokenizer.bytes(of: $0)!.count }.max())
    }
}
