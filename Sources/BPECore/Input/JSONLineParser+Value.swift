/// JSON's `null`, as `JSONLineParser.document()` returns it (the library does not link
/// Foundation's `NSNull`).
package struct JSONNull: Sendable, Equatable {
    package init() {}
}

extension JSONLineParser {
    /// The whole text as one JSON value: `[String: Any]` for an object (the last of duplicate
    /// keys wins), `[Any]`, `String`, `Bool`, `Int` for an integer that fits, `Double` for
    /// another number, `JSONNull`. Strings are checked as in `text(of:)`; nesting is bounded.
    /// - Complexity: O(length).
    package mutating func document() throws(Failure) -> Any {
        let value = try value(depth: 1)
        skipSpaceForValue()
        if position < count { throw Failure(offset: position, reason: "unexpected text after the value") }
        return value
    }
}
