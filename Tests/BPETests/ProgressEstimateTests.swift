import Testing
@testable import bpe

/// The ETA `bpe train` shows beside its progress on a terminal.
@Suite struct ProgressEstimateTests {
    @Test func etaAssumesTheRateSoFar() {
        #expect(ProgressLine.eta(done: 0, total: 100, elapsed: 5) == "ETA --")
        #expect(ProgressLine.eta(done: 50, total: 100, elapsed: 30) == "ETA 0:30")
        #expect(ProgressLine.eta(done: 25, total: 100, elapsed: 40) == "ETA 2:00")
        #expect(ProgressLine.eta(done: 1, total: 100, elapsed: 60) == "ETA 1:39:00")
        #expect(ProgressLine.eta(done: 100, total: 100, elapsed: 60) == "ETA 0:00")
    }
}
