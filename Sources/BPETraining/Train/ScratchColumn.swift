/// A column of plain values in manually managed memory, for the merge loop's per-worker
/// scratch tables (`MergeScratch`). Reading and writing an element is one pointer access:
/// no uniqueness check, no exclusivity check and no bounds check in release builds, which
/// a Swift array pays on every write (a runtime call each, about seven per word rewritten).
///
/// Why this is safe: a column is a view, not an owner. Exactly one holder (the scratch's
/// state, kept by one `MergeScratch`) owns the memory and calls `deallocate` once, in
/// `MergeScratch.deinit`; copies made while a worker runs are written back before anyone
/// else reads the scratch. Indices are checked against `capacity` in debug builds.
struct ScratchColumn<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>?
    /// Elements the memory holds; every one of them is initialized.
    private(set) var capacity = 0
    /// Elements in use, for columns used as a list (`append`); others leave it at 0.
    var count = 0

    /// The element at `index` (< `capacity`).
    @inline(__always)
    subscript(index: Int) -> Element {
        get {
            assert(index >= 0 && index < capacity, "scratch index \(index) out of \(capacity)")
            return base.unsafelyUnwrapped[index]
        }
        nonmutating set {
            assert(index >= 0 && index < capacity, "scratch index \(index) out of \(capacity)")
            base.unsafelyUnwrapped[index] = newValue
        }
    }

    /// Puts `element` at `count`, growing the memory (doubling) when it is full.
    /// - Complexity: amortized O(1).
    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: Swift.max(16, capacity * 2), filling: element) }
        base.unsafelyUnwrapped[count] = element
        count += 1
    }

    /// Makes room for at least `minimum` elements, keeping the first `capacity` and setting
    /// the new ones to `value`.
    /// - Complexity: O(new capacity).
    mutating func grow(to minimum: Int, filling value: Element) {
        guard minimum > capacity else { return }
        let memory = UnsafeMutablePointer<Element>.allocate(capacity: minimum)
        if let base {
            memory.initialize(from: base, count: capacity)
            base.deallocate()
        }
        (memory + capacity).initialize(repeating: value, count: minimum - capacity)
        base = memory
        capacity = minimum
    }

    /// The elements `start ..< start + length` (within `capacity`), for reading in bulk.
    @inline(__always)
    func elements(from start: Int, count length: Int) -> UnsafeBufferPointer<Element> {
        assert(start >= 0 && length >= 0 && start + length <= capacity, "scratch range \(start), \(length) out of \(capacity)")
        return UnsafeBufferPointer(start: length == 0 ? nil : base.unsafelyUnwrapped + start, count: length)
    }

    /// The elements `0 ..< count`, for reading in bulk.
    var usedElements: UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base, count: count)
    }

    /// Frees the memory; only the column's one owner calls this, once.
    func deallocate() {
        base?.deallocate()
    }
}
