import Foundation
import Testing
@testable import BPE
@testable import BPEReport

/// The report (issue 12): one self-contained page with every section, its numbers those of
/// the library, and every text escaped.
@Suite struct RunReportTests {
    @Test func reportIsSelfContainedAndHoldsEverySection() throws {
        var generator = CorpusGenerator(seed: 81)
        let text = (0..<40).map { generator.text(CorpusGenerator.Kind.allCases[$0 % CorpusGenerator.Kind.allCases.count], size: 200) }
            .joined(separator: "<script>")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write(Array(text.utf8), to: "c.txt")
        let heldOut = try directory.write(Array(generator.text(.multilingual, size: 3000).utf8), to: "held.txt")
        var configuration = TrainConfiguration(inputs: [input], vocabSize: 700)
        configuration.vocabSizes = [400, 700]
        configuration.specialTokens = ["<script>"]
        configuration.output = directory.path + "/r"
        configuration.threads = 2
        configuration.shardBytes = 1000
        let outcome = try Training.run(configuration)
        let path = try RunReport.write(outcome, configuration: configuration, evalPaths: [heldOut], to: directory.path + "/r.report.html")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        for section in ["Bytes per token on held-out text", "Token lengths", "Writing systems among tokens", "The 50 longest tokens", "Profile"] {
            #expect(html.contains(section), "\(section)")
        }
        // Self-contained: no script, nothing fetched; the special token is escaped.
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("url("))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
        // The numbers are the library's: bytes per token of each size.
        let results = try RunReport.evaluate(outcome, configuration: configuration, sizes: [400, 700], evalPaths: [heldOut])
        #expect(results[1].evaluation.bytesPerToken > results[0].evaluation.bytesPerToken)
        for result in results {
            #expect(html.contains("<td class=\"num\">\(result.size)</td><td class=\"num\">\(SVGChart.number(result.evaluation.bytesPerToken, digits: 3))</td>"))
        }
        // The 50 longest tokens: 50 rows, longest first; one timeline track per split worker.
        let longest = html.components(separatedBy: "The 50 longest tokens")[1].components(separatedBy: "</table>")[0]
        #expect(longest.components(separatedBy: "<tr>").count - 2 == 50)
        #expect(html.contains("split worker 0"))
        #expect(html.components(separatedBy: "work unit, ").count - 1 == outcome.timeline.units.count)
        #expect(outcome.timeline.units.reduce(0) { $0 + $1.bytes } == text.utf8.count)
    }

    @Test func commandLineWritesTheReportAndTheTrace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var generator = CorpusGenerator(seed: 82)
        _ = try directory.write(Array(generator.text(.code, size: 6000).utf8), to: "c.txt")
        _ = try directory.write(Array(generator.text(.code, size: 2000).utf8), to: "h.txt")
        let result = try BPECommandRunner.run(
            ["train", "--input", "c.txt", "--vocab-sizes", "300,350", "--eval", "h.txt", "--trace", "t.json", "--output", "o"],
            in: directory.path)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("wrote o.report.html"))
        let trace = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path + "/t.json"))) as! [String: Any]
        let events = trace["traceEvents"] as! [[String: Any]]
        #expect(events.contains { $0["name"] as? String == "merge loop" && $0["ph"] as? String == "X" })
        #expect(events.contains { $0["name"] as? String == "unit" && ($0["args"] as? [String: Any])?["bytes"] != nil })
        #expect(FileManager.default.fileExists(atPath: directory.path + "/o-300.tiktoken"))
        let bad = try BPECommandRunner.run(
            ["train", "--input", "c.txt", "--vocab-size", "300", "--eval", "missing.txt", "--output", "p"], in: directory.path)
        #expect(bad.status == 1 && bad.standardError.contains("missing.txt"))
    }
}
