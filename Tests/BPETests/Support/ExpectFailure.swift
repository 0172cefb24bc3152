import Foundation
import Testing

/// The one failure check of the command-line tests: runs `bpe ARGUMENTS` in `directory`,
/// expects exit `status`; for status 1, exactly one line on stderr, `error: ...`, containing
/// `message`; and in every case that no file was left besides those present before.
func expectFailure(
    _ arguments: [String], status: Int32 = 1, message: String? = nil, in directory: TemporaryDirectory,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let before = directory.contents()
    let result = try BPECommandRunner.run(arguments, in: directory.path)
    let text = result.standardError.trimmingCharacters(in: .newlines)
    #expect(result.status == status, "\(text)", sourceLocation: sourceLocation)
    if status == 1 {
        #expect(text.hasPrefix("error: ") && !text.contains("\n"), "not one error line: \(text)", sourceLocation: sourceLocation)
        if let message { #expect(text.contains(message), "\(text)", sourceLocation: sourceLocation) }
    }
    #expect(directory.contents() == before, "files left behind", sourceLocation: sourceLocation)
}
