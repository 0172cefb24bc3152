import BPE
@_spi(Plumbing) import BPECore
import Dispatch
import Glibc

/// Ctrl-C, `kill` or a closed terminal during a run: remove the temporaries being written
/// (a long encode may have gigabytes in one), then exit with 128 + the signal's number, the
/// status a shell reports for a process the signal killed (130 for Ctrl-C). The handlers run
/// on a Dispatch queue, not inside the signal, so they may take locks.
enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        TruncatedInputHandler.install()
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                PendingTemporaries.removeAll()
                ProgressLine.clear()
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
