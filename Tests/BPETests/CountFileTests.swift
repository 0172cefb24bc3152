import Foundation
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEFormats
@testable import BPETraining

/// Word-count files (issue 12): counting shards at document boundaries, merging their counts
/// and training from them gives the merges of training on the whole text; every damaged file
/// is a one-line error.
@Suite struct CountFileTests {
    static let separator = "<|endoftext|>"

    static func documents(seed: UInt64, count: Int = 48) -> [String] {
        var generator = CorpusGenerator(seed: seed)
        return (0..<count).map {
            generator.text(CorpusGenerator.Kind.allCases[$0 % CorpusGenerator.Kind.allCases.count], size: 180)
        }
    }

    func configuration(_ inputs: [String], pattern: String = "gpt4", threads: Int = 2) -> TrainConfiguration {
        var configuration = TrainConfiguration(inputs: inputs, vocabSize: 256 + 160 + 1)
        configuration.pattern = pattern
        configuration.specialTokens = [Self.separator]
        configuration.threads = threads
        return configuration
    }

    /// The documents of `seed` written to `c.txt` in `directory` and counted into `c.counts`:
    /// the text's path, the count file's path and its header.
    func countedDocuments(
        seed: UInt64, in directory: TemporaryDirectory
    ) throws -> (input: String, path: String, header: CountFileHeader) {
        let input = try directory.write(Array(Self.documents(seed: seed).joined(separator: Self.separator).utf8), to: "c.txt")
        let path = directory.path + "/c.counts"
        let header = try WordCountFiles.count(configuration([input]), to: path)
        return (input, path, header)
    }

    /// `bytes` (a count file without its last 4 bytes) with the CRC-32 of them appended: a
    /// file damaged on purpose that only the damage makes wrong.
    static func withCRC(_ bytes: [UInt8]) -> [UInt8] {
        var fixed = bytes
        CountFileHeader.append(countFileCRC(0, bytes.withUnsafeBytes { $0 }), to: &fixed)
        return fixed
    }

    @Test(arguments: ["gpt4", "o200k"])
    func countsOfShardsTrainToTheMergesOfTheText(pattern: String) throws {
        let documents = Self.documents(seed: pattern == "gpt4" ? 5 : 6)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let whole = try directory.write(Array(documents.joined(separator: Self.separator).utf8), to: "whole.txt")
        let expected = try Training.learn(configuration([whole], pattern: pattern))
        // Every way of cutting the documents into 1, 2, 3 and 5 shards, at threads 1, 2, 4.
        for shards in [1, 2, 3, 5] {
            for threads in [1, 2, 4] {
                var paths: [String] = []
                for shard in 0..<shards {
                    let part = documents[(shard * documents.count / shards)..<((shard + 1) * documents.count / shards)]
                    let input = try directory.write(Array(part.joined(separator: Self.separator).utf8), to: "part\(shard).txt")
                    var counting = configuration([input], pattern: pattern, threads: threads)
                    counting.shardBytes = 97
                    let path = directory.path + "/part\(shard)-\(threads).counts"
                    try WordCountFiles.count(counting, to: path)
                    paths.append(path)
                }
                var training = configuration([], pattern: pattern, threads: threads)
                training.counts = paths
                let fromCounts = try Training.learn(training)
                #expect(fromCounts.vocabulary == expected.vocabulary, "\(shards) shards, \(threads) threads")
                #expect(fromCounts.corpus.words == expected.corpus.words)
                #expect(fromCounts.corpus.uniqueWords == expected.corpus.uniqueWords)
                let merged = directory.path + "/all-\(shards)-\(threads).counts"
                let header = try WordCountFiles.merge(paths, into: merged)
                #expect(header.words == UInt64(expected.corpus.uniqueWords))
                #expect(header.total == UInt64(expected.corpus.words))
                training.counts = [merged]
                #expect(try Training.learn(training).vocabulary == expected.vocabulary)
            }
        }
    }

    @Test func mergingOneFileGivesThatFileAndMinimumCountsDropWords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, path, header) = try countedDocuments(seed: 7, in: directory)
        _ = try WordCountFiles.merge([path], into: directory.path + "/same.counts")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: directory.path + "/same.counts")))
        let pruned = try WordCountFiles.merge([path, path], into: directory.path + "/pruned.counts", minimumCount: 4)
        // Each word twice: those counted once or twice before now have 2 or 4; below 4 they go.
        let reader = try CountFileReader(path: directory.path + "/pruned.counts")
        var kept: UInt64 = 0
        while let record = try reader.next() {
            #expect(record.count >= 4 && record.count % 2 == 0)
            kept += 1
        }
        #expect(kept == pruned.words && kept < header.words)
        #expect(pruned.pattern == SplitPattern.gpt4.regex && pruned.specialTokens == [Self.separator])
        #expect(pruned.split == "scanner, Unicode 16.0.0")
    }

    @Test func damagedFilesAreOneLineErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (input, path, _) = try countedDocuments(seed: 8, in: directory)
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var flipped = good
        flipped[good.count / 2] ^= 0x01
        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        var newer = good
        newer[8] = 2
        let cases: [(String, [UInt8], String)] = [
            ("cut.counts", Array(good[..<(good.count - 20)]), "it is truncated (no ENDCOUNT marker"),
            ("empty.counts", [], "it is not a word-count file"),
            ("magic.counts", badMagic, "it is not a word-count file (it does not start with BPECOUNT)"),
            ("flip.counts", flipped, "it is corrupt (its CRC-32 is"),
            ("text.counts", Array("just some text, not counts at all ".utf8), "it is not a word-count file"),
        ]
        for (name, bytes, message) in cases {
            let damaged = try directory.write(bytes, to: name)
            do {
                _ = try CountFileReader(path: damaged)
                Issue.record("no error for \(name)")
            } catch {
                #expect(error.description.hasPrefix("cannot read the word counts '\(damaged)': "), "\(error)")
                #expect(error.description.contains(message), "\(name): \(error)")
                #expect(!error.description.contains("\n"))
            }
        }
        // A version this reader does not know (CRC fixed up so only the version is wrong).
        let versioned = try directory.write(Self.withCRC(Array(newer[..<(newer.count - 4)])), to: "v2.counts")
        #expect { try CountFileReader(path: versioned) } throws: { ($0 as? CountFileError)?.reason.contains("format version 2") == true }
        // Counted with another pattern, or other special tokens: refused by training and merging.
        var other = configuration([input], pattern: "gpt2")
        other.specialTokens = []
        let otherPath = directory.path + "/other.counts"
        try WordCountFiles.count(other, to: otherPath)
        var training = configuration([])
        training.counts = [otherPath]
        #expect { try Training.learn(training) } throws: { "\($0)".contains("counted with the pattern gpt2, not gpt4 of this run") }
        #expect { try WordCountFiles.merge([path, otherPath], into: directory.path + "/x.counts") } throws: {
            "\($0)".contains("counted with the pattern gpt2, not gpt4")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/x.counts"))
    }

    /// One count file is copied into the learner in place, in parts (`CountFileWords`): every
    /// record once and in order for any number of parts (more parts than records included),
    /// and the learner trains from it to the merges of the same words in a table, at 1 to 3
    /// threads.
    @Test func oneFileReadInPlaceInPartsGivesItsRecordsAndTheTablesMerges() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, path, _) = try countedDocuments(seed: 10, in: directory)
        var expected: [([UInt8], UInt64)] = []
        let reader = try CountFileReader(path: path)
        while let (word, count) = try reader.next() { expected.append((Array(word), count)) }
        #expect(expected.count > 100)
        for parts in [1, 2, 3, 7, expected.count + 5] {
            let file = try CountFileWords(path: path, parts: parts, recordsToCut: 1)
            #expect(file.partCount == min(parts, expected.count))
            var seen: [([UInt8], UInt64)] = []
            for part in 0..<file.partCount {
                file.forEach(inPart: part) { word, count in seen.append((Array(word), UInt64(count))) }
            }
            #expect(seen.map(\.0) == expected.map(\.0), "\(parts) parts")
            #expect(seen.map(\.1) == expected.map(\.1), "\(parts) parts")
        }
        #expect(try CountFileWords(path: path, parts: 4).partCount == 1)  // under 2^15 records: one part
        let (table, _) = try WordCountFiles.table(of: [path])
        for threads in [1, 2, 3] {
            let fromTable = MergeLearner(
                wordCounts: table, minFrequency: 2, maxTokenLength: nil, threads: threads, blockWords: 4)
            fromTable.countInitialPairs()
            fromTable.learn(mergeCount: 300)
            let fromFile = MergeLearner(
                words: .countFile(try CountFileWords(path: path, parts: threads + 1, recordsToCut: 1)),
                minFrequency: 2, maxTokenLength: nil, threads: threads, blockWords: 4)
            fromFile.countInitialPairs()
            fromFile.learn(mergeCount: 300)
            #expect(fromFile.wordCount == fromTable.wordCount)
            #expect(fromFile.vocabulary() == fromTable.vocabulary(), "\(threads) threads")
            fromFile._checkInvariants()
        }
    }

    /// A header claiming more words than its file can hold (CRC fixed up, so only the count is
    /// wrong): training makes room for no more than the file's size allows (a table sized from
    /// the header would ask for 2^60 slots here) and stops at the check of the totals, with a
    /// one-line error, whether it reads the file alone in place or merges it with another.
    @Test func aHeaderClaimingTooManyWordsIsCappedAndRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, path, header) = try countedDocuments(seed: 9, in: directory)
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var claimed = Array(good[..<(good.count - 4)])
        withUnsafeBytes(of: (UInt64(1) << 60).littleEndian) { claimed.replaceSubrange(12..<20, with: $0) }
        let patched = try directory.write(Self.withCRC(claimed), to: "claims.counts")
        let reader = try CountFileReader(path: patched)
        #expect(reader.header.words == 1 << 60)
        #expect(reader.plausibleRecords >= Int(header.words) && reader.plausibleRecords <= good.count / 13)
        #expect(try CountFileReader(path: path).plausibleRecords == Int(header.words))
        // A record whose length runs past the end (CRC fixed up too): refused before any copy.
        let fieldsLength = Int(good[28]) | Int(good[29]) << 8 | Int(good[30]) << 16 | Int(good[31]) << 24
        let firstRecord = CountFileHeader.fixedSize + fieldsLength
        var long = Array(good[..<(good.count - 4)])
        long.replaceSubrange(firstRecord..<(firstRecord + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let overlong = try directory.write(Self.withCRC(long), to: "overlong.counts")
        var training = configuration([])
        for counts in [[overlong], [overlong, path]] {
            training.counts = counts
            #expect { try Training.learn(training) } throws: {
                "\($0)".contains("record 1 at byte offset \(firstRecord): a word of 2147483647 bytes does not fit")
            }
        }
        for counts in [[patched], [patched, path]] {
            training.counts = counts
            #expect { try Training.learn(training) } throws: {
                "\($0)".contains("it holds \(header.words) words") && "\($0)".contains("its header says 1152921504606846976")
                    && !"\($0)".contains("\n")
            }
        }
    }

    /// The command line: count shards, merge, train from the merged file with the pattern and
    /// special tokens it records: the same `.tiktoken` as training on the text.
    @Test func commandLineCountMergeTrain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let documents = Self.documents(seed: 9)
        _ = try directory.write(Array(documents.joined(separator: Self.separator).utf8), to: "all.txt")
        _ = try directory.write(Array(documents[..<20].joined(separator: Self.separator).utf8), to: "a.txt")
        _ = try directory.write(Array(documents[20...].joined(separator: Self.separator).utf8), to: "b.txt")
        let common = ["--pattern", "o200k", "--special-token", Self.separator, "--quiet"]
        for (input, output) in [("a.txt", "a.counts"), ("b.txt", "b.counts")] {
            let result = try BPECommandRunner.run(["count", "--input", input, "--output", output] + common, in: directory.path)
            #expect(result.status == 0, "\(result.standardError)")
        }
        let merged = try BPECommandRunner.run(["merge-counts", "a.counts", "b.counts", "--output", "ab.counts", "--quiet"], in: directory.path)
        #expect(merged.status == 0, "\(merged.standardError)")
        let plain = try BPECommandRunner.run(
            ["train", "--input", "all.txt", "--vocab-size", "500", "--output", "plain"] + common, in: directory.path)
        #expect(plain.status == 0, "\(plain.standardError)")
        // No --pattern, no --special-token: the count file's.
        let counted = try BPECommandRunner.run(
            ["train", "--counts", "ab.counts", "--vocab-size", "500", "--output", "counted", "--quiet"], in: directory.path)
        #expect(counted.status == 0, "\(counted.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/plain.tiktoken"))
            == Data(contentsOf: URL(fileURLWithPath: directory.path + "/counted.tiktoken")))
        let two = try BPECommandRunner.run(
            ["train", "--counts", "a.counts", "b.counts", "--vocab-size", "500", "--output", "two", "--quiet"], in: directory.path)
        #expect(two.status == 0, "\(two.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/plain.model"))
            == Data(contentsOf: URL(fileURLWithPath: directory.path + "/two.model")))
        let both = try BPECommandRunner.run(
            ["train", "--counts", "a.counts", "--input", "all.txt", "--vocab-size", "500"], in: directory.path)
        #expect(both.status == 1 && both.standardError.contains("not both"))
        let badMin = try BPECommandRunner.run(["merge-counts", "a.counts", "--output", "m.counts", "--min-count", "0"], in: directory.path)
        #expect(badMin.status == 1 && badMin.standardError.contains("--min-count"))
    }
}
