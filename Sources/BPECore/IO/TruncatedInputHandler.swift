import Glibc

/// An input file that another program truncates while it is mapped makes the next read of a
/// vanished page raise SIGBUS, which by default kills the process with a backtrace and leaves
/// the temporaries behind. This handler turns it into what any bad input gets: one line
/// naming the file, the temporaries removed, exit status 1.
///
/// The handler runs inside the signal, so it only calls `write`, `unlink` and `_exit`
/// (async-signal-safe) and reads the two `SignalSafeRegistry` tables: the mapped inputs and
/// the temporaries being written.
package enum TruncatedInputHandler {
    /// The mapped inputs and their address ranges (`FileMapping` registers itself).
    package static let mappedFiles = SignalSafeRegistry(capacity: 4096)
    /// The temporaries being written (`PendingTemporaries` registers them).
    package static let temporaries = SignalSafeRegistry(capacity: 1024)

    /// Installs the SIGBUS handler (the command line does, once, at start).
    package static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { _, info, _ in
            TruncatedInputHandler.handle(address: UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr))
        }
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }

    private static func handle(address: UInt) -> Never {
        put("error: ")
        if let path = mappedFiles.path(containing: address) {
            put("'")
            _ = write(STDERR_FILENO, path, strlen(path))
            put("' ")
        } else {
            put("an input file ")
        }
        put("shrank while it was being read (another program truncated or rewrote it); run again when it no longer changes\n")
        temporaries.forEachPath { _ = unlink($0) }
        _exit(1)
    }

    /// Writes a literal to standard error without allocating.
    private static func put(_ text: StaticString) {
        _ = write(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
    }
}
