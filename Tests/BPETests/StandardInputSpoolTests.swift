import Foundation
import SystemPackage
import Testing
@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// Standard input past `CorpusFile.spoolThreshold` is spooled to an unlinked temporary file
/// and mapped, with the same bytes.
@Suite struct StandardInputSpoolTests {
    @Test(arguments: [1 << 30, 1000, 1])
    func bytesReadThroughAPipeAreKeptWhole(threshold: Int) throws {
        var generator = CorpusGenerator(seed: 7)
        let text = Array(generator.text(.multilingual, size: 3 << 20).utf8)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writer = Thread {
            text.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        let file = try CorpusFile.readAll(FileDescriptor(rawValue: fds[0]), path: "-", spoolThreshold: threshold)
        close(fds[0])
        #expect(file.isMapped == (threshold < text.count))
        #expect(Array(file.bytes) == text)
    }
}
