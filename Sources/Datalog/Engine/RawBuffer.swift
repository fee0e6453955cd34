/// A growable buffer of plain values without copy-on-write or bounds checks.
///
/// The engine's hot loops read rows, hash slots and chains through these buffers millions of
/// times per second; `Array` would add a uniqueness check and a bounds check to each access.
/// The owner frees the storage with `deallocate()`, exactly once, in its `deinit`.
struct RawBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 1)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    /// A buffer of `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        self.init(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
    }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    mutating func append(_ element: Element) {
        if count == capacity { grow(to: capacity * 2) }
        base[count] = element
        count += 1
    }

    /// Appends `n` elements copied from `source`.
    mutating func append(contentsOf source: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(to: Swift.max(capacity * 2, count + n)) }
        (base + count).update(from: source, count: n)
        count += n
    }

    mutating func removeAll() { count = 0 }

    /// Sets the count to `n` without initialising, for scratch space; `n` must fit the capacity.
    mutating func advance(by n: Int) {
        precondition(count + n <= capacity, "scratch space exceeds the buffer")
        count += n
    }

    /// Sets the count to `n`, which must not exceed the current count.
    mutating func truncate(to n: Int) { count = n }

    mutating func reserve(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { grow(to: minimumCapacity) }
    }

    private mutating func grow(to newCapacity: Int) {
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    func deallocate() { base.deallocate() }

    /// Bytes of storage held, for memory statistics.
    var allocatedBytes: Int { capacity * MemoryLayout<Element>.stride }
}
