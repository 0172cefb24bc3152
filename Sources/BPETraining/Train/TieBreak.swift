/// Which pair wins among pairs of equal count.
///
/// - `greatestBytes` (`cs336`, SPEC §4, the default): the pair whose (bytes(left), bytes(right))
///   is lexicographically greatest: `max(counts, key=lambda p: (counts[p], vocab[p[0]], vocab[p[1]]))`,
///   as CS336's reference and minbpe-style trainers choose.
/// - `smallestIDs` (`rustbpe`): the pair whose (left id, right id) is smallest, as rustbpe 0.1.0's
///   heap orders ties. Usually combined with a minimum frequency of 1, rustbpe's other rule.
///
/// Neither ever depends on thread count, shard size or hash order.
public enum TieBreak: String, Sendable, CaseIterable, Codable {
    case greatestBytes = "cs336"
    case smallestIDs = "rustbpe"
}
