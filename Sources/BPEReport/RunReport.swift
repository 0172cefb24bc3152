@_spi(Plumbing) import BPECore
import BPEEncoding
import BPEFormats
import BPETraining

/// A failure while making the report: evaluating a vocabulary, or writing the file.
public enum ReportError: Error, CustomStringConvertible {
    case evaluation(EncodeError)
    case output(FileError)

    public var description: String {
        switch self {
        case let .evaluation(error): return "cannot evaluate for the report: \(error.description)"
        case let .output(error): return error.description
        }
    }
}

/// `PREFIX.report.html`: one self-contained page (inline CSS and SVG, no script, nothing
/// fetched) to choose a vocabulary size by looking: bytes per token on held-out text against
/// the size, the token-length histogram, the share of each writing system among tokens, the
/// 50 longest tokens, and the run's profile (the phases and each split worker's work units on
/// one timeline, merges per second along the merge loop).
public enum RunReport {
    /// One vocabulary size measured on the held-out text.
    public struct SizeResult: Sendable {
        public var size: Int
        public var evaluation: Evaluation
    }

    /// Encodes `evalPaths` with the vocabulary of each size (`outcome` truncated to it) on
    /// `threads` threads. Special tokens in the text are allowed (each is one token).
    /// - Complexity: O(sizes × held-out bytes).
    public static func evaluate(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, sizes: [Int], evalPaths: [String]
    ) throws(ReportError) -> [SizeResult] {
        var results: [SizeResult] = []
        for size in sizes.sorted() {
            do throws(EncodeError) {
                let vocabulary = outcome.truncated(toVocabularySize: size).vocabulary
                let tokenizer = try Tokenizer(
                    pattern: configuration.resolvedPattern,
                    tokens: vocabulary.tokens.enumerated().map { ($0.element, TokenID($0.offset)) },
                    specialTokens: vocabulary.specialTokens.enumerated().map { ($0.element, vocabulary.specialTokenID($0.offset)) },
                    splitEngine: configuration.splitEngine)
                var settings = EncodeSettings(threads: configuration.threads)
                settings.specialTokens = .allowAll
                settings.invalidUTF8 = configuration.invalidUTF8
                results.append(SizeResult(size: size, evaluation: try tokenizer.evaluate(
                    paths: evalPaths, name: "\(size)", settings: settings, longest: 0)))
            } catch {
                throw .evaluation(error)
            }
        }
        return results
    }

    /// Evaluates (if `evalPaths` is not empty), renders and writes the report to `path`
    /// (temporary file, then rename). Returns the path.
    @discardableResult
    public static func write(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, evalPaths: [String], to path: String
    ) throws(ReportError) -> String {
        let sizes = configuration.vocabSizes.isEmpty ? [configuration.vocabSize] : configuration.vocabSizes
        let results = evalPaths.isEmpty ? [] : try evaluate(outcome, configuration: configuration, sizes: sizes, evalPaths: evalPaths)
        let html = render(outcome, configuration: configuration, results: results, evalPaths: evalPaths)
        do { _ = try AtomicFileSet.write([(path, Array(html.utf8))]) } catch { throw .output(error) }
        return path
    }

    /// The page.
    public static func render(
        _ outcome: TrainingOutcome, configuration: TrainConfiguration, results: [SizeResult], evalPaths: [String]
    ) -> String {
        let e = SVGChart.escape
        let vocabulary = outcome.vocabulary
        let sizes = configuration.vocabSizes.isEmpty ? [configuration.vocabSize] : configuration.vocabSizes.sorted()
        let patternName = SplitPattern(regex: configuration.resolvedPattern)?.name ?? "custom regex"
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>bpe train report: \(e(configuration.output))</title>
            <style>
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 780px; color: #222; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            table { border-collapse: collapse; font-size: 13px; } td, th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            code, .token { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; white-space: pre; }
            .note { color: #666; font-size: 13px; }
            .legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
            .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
            </style></head><body>
            <h1>bpe train: <code>\(e(configuration.output))</code></h1>
            <table>
            <tr><th>corpus</th><td>\(e(configuration.inputs.isEmpty ? configuration.counts.joined(separator: ", ") : configuration.inputs.joined(separator: ", ")))</td></tr>
            <tr><th>text</th><td>\(grouped(outcome.corpus.bytes)) bytes, \(grouped(Int(outcome.corpus.words))) words, \(grouped(outcome.corpus.uniqueWords)) distinct</td></tr>
            <tr><th>pattern</th><td>\(e(patternName))</td></tr>
            <tr><th>special tokens</th><td>\(configuration.specialTokens.isEmpty ? "none" : configuration.specialTokens.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td></tr>
            <tr><th>vocabulary sizes</th><td>\(sizes.map(String.init).joined(separator: ", ")) (\(vocabulary.merges.count) merges learned)</td></tr>
            <tr><th>wall time</th><td>\(SVGChart.number(outcome.wallSeconds, digits: 2)) s on \(configuration.threads) thread(s), peak RSS \(SVGChart.number(Double(outcome.peakRSSBytes) / 1_048_576, digits: 0)) MiB</td></tr>
            </table>

            """
        html += "<h2>Bytes per token on held-out text</h2>\n"
        if results.isEmpty {
            html += "<p class=\"note\">No held-out text was given (<code>--eval FILE</code>).</p>\n"
        } else {
            html += "<p class=\"note\">\(e(evalPaths.joined(separator: ", "))): \(grouped(results[0].evaluation.bytes)) bytes. Higher is better: fewer tokens for the same text.</p>\n"
            html += SVGChart.line(
                results.map { (Double($0.size), $0.evaluation.bytesPerToken) }, title: "bytes per token against vocabulary size",
                xLabel: "vocabulary size", yLabel: "bytes per token", logX: results.count > 1, labels: true)
            html += "\n<table><tr><th class=\"num\">size</th><th class=\"num\">bytes/token</th><th class=\"num\">tokens</th><th class=\"num\">tokens/word</th><th class=\"num\">distinct tokens used</th></tr>\n"
            for result in results {
                let evaluation = result.evaluation
                html += "<tr><td class=\"num\">\(result.size)</td><td class=\"num\">\(SVGChart.number(evaluation.bytesPerToken, digits: 3))</td>"
                    + "<td class=\"num\">\(grouped(evaluation.tokens))</td><td class=\"num\">\(SVGChart.number(evaluation.tokensPerWord, digits: 3))</td>"
                    + "<td class=\"num\">\(grouped(evaluation.distinctTokens))</td></tr>\n"
            }
            html += "</table>\n"
        }

        let merged = vocabulary.tokens.dropFirst(256)
        html += "<h2>Token lengths (vocabulary \(vocabulary.size))</h2>\n"
        var lengths: [Int: Int] = [:]
        for token in merged { lengths[min(token.count, 24), default: 0] += 1 }
        let maxLength = lengths.keys.max() ?? 2
        html += SVGChart.bars(
            (2...max(2, maxLength)).map { (length: Int) in (length == 24 ? "24+" : String(length), Double(lengths[length] ?? 0)) },
            title: "token lengths", xLabel: "bytes per token (merged tokens)", yLabel: "tokens")

        html += "\n<h2>Writing systems among tokens (vocabulary \(vocabulary.size))</h2>\n"
        var scripts: [TokenScript: Int] = [:]
        for token in merged { scripts[TokenScript.of(token), default: 0] += 1 }
        let shares = TokenScript.allCases.compactMap { script -> (label: String, value: Double)? in
            guard let count = scripts[script], count > 0 else { return nil }
            return (script.rawValue, 100 * Double(count) / Double(max(1, merged.count)))
        }
        html += "<p class=\"note\">By the first letter's Unicode block (an approximation of the script), else digits, white space or symbols; a partial UTF-8 token cuts a character.</p>\n"
        html += "<table><tr><th>class</th><th class=\"num\">tokens</th><th class=\"num\">share</th><th></th></tr>\n"
        let largest = shares.map(\.value).max() ?? 1
        for share in shares.sorted(by: { $0.value > $1.value }) {
            let count = scripts[TokenScript(rawValue: share.label)!] ?? 0
            let barWidth = SVGChart.number(max(1, 300 * share.value / largest), digits: 1)
            html += "<tr><td>\(e(share.label))</td><td class=\"num\">\(grouped(count))</td><td class=\"num\">\(SVGChart.number(share.value, digits: 1)) %</td>"
                + "<td><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"12\"><rect width=\"\(barWidth)\" height=\"12\" fill=\"\(SVGChart.accent)\"/></svg></td></tr>\n"
        }
        html += "</table>\n"

        html += "<h2>The 50 longest tokens</h2>\n<p class=\"note\">White space made visible: <code>·</code> a space, <code>↵</code> a line feed, <code>→</code> a tab, <code>←</code> a carriage return.</p>\n<table><tr><th class=\"num\">id</th><th class=\"num\">bytes</th><th>token</th></tr>\n"
        let longest = merged.enumerated().sorted { a, b in
            a.element.count != b.element.count ? a.element.count > b.element.count : a.offset < b.offset
        }.prefix(50)
        for (offset, token) in longest {
            html += "<tr><td class=\"num\">\(256 + offset)</td><td class=\"num\">\(token.count)</td><td><span class=\"token\">\(e(visible(token)))</span></td></tr>\n"
        }
        html += "</table>\n"

        html += profile(outcome, configuration: configuration)
        html += "<p class=\"note\">Written by bpe train. The same timeline, for Perfetto or chrome://tracing: <code>--trace FILE.json</code>.</p>\n</body></html>\n"
        return html
    }

    /// A token as text with white space made visible: `·` for a space, `↵` for a line feed,
    /// `→` for a tab, `←` for a carriage return, and minbpe's `\\uXXXX` for other control
    /// characters and U+FFFD for bytes that are not UTF-8 (`TokenRendering`); long tokens are
    /// cut at 80 characters.
    static func visible(_ token: [UInt8]) -> String {
        var text = ""
        for scalar in String(decoding: token, as: UTF8.self).unicodeScalars {
            switch scalar {
            case " ": text += "·"
            case "\n": text += "↵"
            case "\t": text += "→"
            case "\r": text += "←"
            default: text += TokenRendering.render(Array(String(scalar).utf8))
            }
        }
        return text.count > 80 ? String(text.prefix(79)) + "…" : text
    }

    static let phaseColors: [Phase: String] = [
        .read: "#8da0cb", .splitCount: "#66c2a5", .mergeTables: "#fc8d62", .initPairs: "#e78ac3", .mergeLoop: "#3366cc",
        .write: "#a6d854",
    ]

    /// The timeline and the merge rate.
    static func profile(_ outcome: TrainingOutcome, configuration: TrainConfiguration) -> String {
        let phases = outcome.phases
        guard let start = phases.spans.map(\.start).min(), let end = phases.spans.map(\.end).max() else { return "" }
        var html = "<h2>Profile</h2>\n"
        html += "<table><tr><th>phase</th><th class=\"num\">seconds</th><th class=\"num\">peak RSS after (MiB)</th></tr>\n"
        for phase in Phase.allCases where phases[phase] > 0 {
            let rss = phases.peakRSSAfter[phase].map { SVGChart.number(Double($0) / 1_048_576, digits: 0) } ?? ""
            html += "<tr><td>\(phase.label)</td><td class=\"num\">\(SVGChart.number(phases[phase], digits: 3))</td><td class=\"num\">\(rss)</td></tr>\n"
        }
        html += "</table>\n<p class=\"legend\">"
        for phase in Phase.allCases where phases[phase] > 0 {
            html += "<span><i style=\"background:\(phaseColors[phase]!)\"></i>\(phase.label)</span>"
        }
        html += "</p>\n"
        var tracks: [(name: String, spans: [(start: Double, end: Double, label: String, color: String)])] = [
            ("phases", phases.spans.map { ($0.start - start, $0.end - start, $0.phase.label, phaseColors[$0.phase]!) })
        ]
        let workers = Set(outcome.timeline.units.map(\.worker)).sorted()
        for worker in workers {
            let spans = outcome.timeline.units.filter { $0.worker == worker }.map {
                ($0.start - start, $0.end - start, "work unit, \($0.bytes) bytes", "#66c2a5")
            }
            tracks.append(("split worker \(worker)", spans))
        }
        html += SVGChart.timeline(tracks: tracks, total: end - start, title: "timeline")
        let samples = outcome.timeline.mergeSamples
        if samples.count > 2 {
            var points: [(x: Double, y: Double)] = []
            for (previous, sample) in zip(samples, samples.dropFirst()) where sample.seconds > previous.seconds && sample.merges > previous.merges {
                points.append((Double(sample.merges), Double(sample.merges - previous.merges) / (sample.seconds - previous.seconds)))
            }
            html += "\n<p class=\"note\">Merges per second along the merge loop (each point: the last few hundred merges). Early merges rewrite many words; late ones few.</p>\n"
            html += SVGChart.line(points, title: "merges per second", xLabel: "merges learned", yLabel: "merges per second", yFromZero: true)
        }
        return html + "\n"
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
