import Foundation

/// Where the shared fixtures (`../shared/fixtures/NAME`) are. A missing fixture is a test
/// failure, never a skip.
enum Fixtures {
    /// `$BPE_FIXTURES/NAME`, else the first `shared/fixtures/NAME` found beside the
    /// repository or beside one of its ancestors (the layout CI and sessions use), else
    /// beside the local checkout this one was cloned from.
    static func directory(_ name: String) -> String {
        if let override = ProcessInfo.processInfo.environment["BPE_FIXTURES"] { return "\(override)/\(name)" }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var directory = repository
        while directory.path != "/" {
            let candidate = directory.deletingLastPathComponent().appendingPathComponent("shared/fixtures/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory.deleteLastPathComponent()
        }
        // A local clone (`git clone . /tmp/x`): look beside the checkout it was cloned from.
        let config = repository.appendingPathComponent(".git/config")
        if let text = try? String(contentsOf: config, encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.contains("url = /") }),
           let origin = line.split(separator: "=", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        {
            let candidate = URL(fileURLWithPath: origin).standardized.deletingLastPathComponent()
                .appendingPathComponent("shared/fixtures/\(name)")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        }
        return "../shared/fixtures/\(name)"
    }
}
