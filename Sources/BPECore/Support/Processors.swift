import FoundationEssentials

/// The machine's cores, for default thread counts.
package enum Processors {
    /// All cores the process may run on (at least 1).
    package static var available: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
