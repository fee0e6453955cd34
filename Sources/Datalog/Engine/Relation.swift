/// The stored rows of one table, with per-row derivation counts and change marks.
///
/// Rows live in one flat buffer of interned ids, `arity` ids a row, and are never moved while an
/// update runs: a row that loses its last derivation stays in place as a dead row, so indexes
/// and the change list keep valid row numbers. `compact()` drops dead rows between updates
/// and rebuilds every index, at a cost linear in the table.
///
/// A row is present when it is a fact or has at least one derivation. During an update each row
/// that changes presence for the first time records its earlier presence, so that joins can read
/// the table as it was before the update (the old view) or as it is now (the new view).
final class Relation {
    let id: Int
    let name: String
    let arity: Int

    private(set) var columns: RawBuffer<UInt32>
    /// Derivation count in the low bits; flags in the top bits.
    private(set) var meta: RawBuffer<UInt64>
    private var slots: RawBuffer<UInt64>
    private var slotMask: Int
    private(set) var rowCount = 0
    private(set) var presentCount = 0
    /// Rows whose presence changed in the current update, in the order of their first change.
    private(set) var changedRows: [Int32] = []
    /// Rows that stopped being facts in this update but still count derivations. In a recursive
    /// stratum those derivations may rest on the row itself, so the row must be re-derived.
    private(set) var retractedFacts: [Int32] = []
    /// The indexes built so far; a table has few, so lookups search this list.
    private var indexList: [RelationIndex] = []
    var networkIndexes: [Int: NetworkIndex] = [:]

    static let factBit: UInt64 = 1 << 63
    static let changedBit: UInt64 = 1 << 62
    static let wasPresentBit: UInt64 = 1 << 61
    static let countMask: UInt64 = (1 << 56) - 1

    init(id: Int, name: String, arity: Int) {
        self.id = id
        self.name = name
        self.arity = arity
        columns = RawBuffer(capacity: 64 * max(arity, 1))
        meta = RawBuffer(capacity: 64)
        slots = RawBuffer(repeating: 0, count: 128)
        slotMask = 127
    }

    deinit {
        columns.deallocate()
        meta.deallocate()
        slots.deallocate()
        for index in indexList { index.deallocate() }
    }

    // MARK: Row access

    @inline(__always)
    func row(_ r: Int32) -> UnsafeMutablePointer<UInt32> { columns.base + Int(r) * arity }

    @inline(__always)
    func count(_ r: Int32) -> UInt64 { meta[Int(r)] & Relation.countMask }

    @inline(__always)
    func isFact(_ r: Int32) -> Bool { meta[Int(r)] & Relation.factBit != 0 }

    @inline(__always)
    func isPresent(_ r: Int32) -> Bool {
        let m = meta[Int(r)]
        return m & (Relation.countMask | Relation.factBit) != 0
    }

    /// Presence before the current update began.
    @inline(__always)
    func wasPresent(_ r: Int32) -> Bool {
        let m = meta[Int(r)]
        if m & Relation.changedBit != 0 { return m & Relation.wasPresentBit != 0 }
        return m & (Relation.countMask | Relation.factBit) != 0
    }

    @inline(__always)
    func isPresent(_ r: Int32, old: Bool) -> Bool { old ? wasPresent(r) : isPresent(r) }

    func values(of r: Int32) -> [UInt32] { Array(UnsafeBufferPointer(start: row(r), count: arity)) }

    // MARK: Lookup and insertion

    /// Returns the row that stores exactly `tuple`, present or dead, or nil.
    @inline(__always)
    func find(_ tuple: UnsafePointer<UInt32>) -> Int32? {
        let hash = hashTuple(tuple, count: arity)
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let r = Int32(truncatingIfNeeded: entry) - 1
                if rowEquals(r, tuple) { return r }
            }
            slot = (slot + 1) & slotMask
        }
    }

    /// Returns the row for `tuple`, appending a dead row when there is none.
    @inline(__always)
    func findOrAdd(_ tuple: UnsafePointer<UInt32>) -> Int32 {
        findOrAdd(tuple, hash: hashTuple(tuple, count: arity))
    }

    /// Loads the row-set slot for `hash`, and the row it points to, into the cache; the result
    /// means nothing and only keeps the loads from being optimized away. Calling this for a
    /// batch of tuples before inserting them lets the memory loads overlap.
    @inline(__always)
    func warm(_ hash: UInt32) -> UInt64 {
        let entry = slots[Int(hash) & slotMask]
        guard entry != 0, UInt32(truncatingIfNeeded: entry >> 32) == hash, arity > 0 else { return entry }
        return entry &+ UInt64(row(Int32(truncatingIfNeeded: entry) - 1)[0])
    }

    /// `findOrAdd(_:)` with the tuple's hash already computed.
    @inline(__always)
    func findOrAdd(_ tuple: UnsafePointer<UInt32>, hash: UInt32) -> Int32 {
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let r = Int32(truncatingIfNeeded: entry) - 1
                if rowEquals(r, tuple) { return r }
            }
            slot = (slot + 1) & slotMask
        }
        let r = Int32(rowCount)
        columns.append(contentsOf: tuple, count: arity)
        meta.append(0)
        rowCount += 1
        slots[slot] = UInt64(hash) << 32 | UInt64(r + 1)
        if rowCount * 2 > slotMask { rehash(capacity: (slotMask + 1) * 2) }
        for index in indexList { index.add(row: r, relation: self) }
        for (column, index) in networkIndexes { index.add(row: r, value: row(r)[column]) }
        return r
    }

    @inline(__always)
    private func rowEquals(_ r: Int32, _ tuple: UnsafePointer<UInt32>) -> Bool {
        let stored = row(r)
        for i in 0..<arity where stored[i] != tuple[i] { return false }
        return true
    }

    private func rehash(capacity: Int) {
        slots.deallocate()
        slots = RawBuffer(repeating: 0, count: capacity)
        slotMask = capacity - 1
        for r in 0..<Int32(rowCount) {
            let hash = hashTuple(row(r), count: arity)
            var slot = Int(hash) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = UInt64(hash) << 32 | UInt64(r + 1)
        }
    }

    // MARK: Changing presence

    /// Records the row's presence before its first change in this update.
    @inline(__always)
    private func noteChange(_ r: Int32) {
        let m = meta[Int(r)]
        if m & Relation.changedBit != 0 { return }
        let present = m & (Relation.countMask | Relation.factBit) != 0
        meta[Int(r)] = m | Relation.changedBit | (present ? Relation.wasPresentBit : 0)
        changedRows.append(r)
    }

    @inline(__always)
    private func setMeta(_ r: Int32, _ value: UInt64) {
        let before = meta[Int(r)] & (Relation.countMask | Relation.factBit) != 0
        let after = value & (Relation.countMask | Relation.factBit) != 0
        if before != after {
            noteChange(r)
            presentCount += after ? 1 : -1
        }
        meta[Int(r)] =
            (meta[Int(r)] & (Relation.changedBit | Relation.wasPresentBit))
            | (value & ~(Relation.changedBit | Relation.wasPresentBit))
    }

    /// Sets or clears the fact flag; returns whether it changed.
    @discardableResult
    func setFact(_ r: Int32, _ fact: Bool) -> Bool {
        let m = meta[Int(r)]
        if (m & Relation.factBit != 0) == fact { return false }
        setMeta(r, fact ? m | Relation.factBit : m & ~Relation.factBit)
        if !fact && m & Relation.countMask != 0 { retractedFacts.append(r) }
        return true
    }

    /// Adds `delta` to the derivation count. The count never goes below zero.
    func addCount(_ r: Int32, _ delta: Int) {
        let m = meta[Int(r)]
        let current = Int(m & Relation.countMask)
        let next = UInt64(max(0, current + delta))
        setMeta(r, (m & ~Relation.countMask) | next)
    }

    /// Sets the derivation count outright (recursive strata keep it at 0 or 1).
    func setCount(_ r: Int32, _ value: UInt64) {
        let m = meta[Int(r)]
        setMeta(r, (m & ~Relation.countMask) | value)
    }

    /// Rows that changed presence during this update, with the direction of the change.
    func forEachNetChange(_ body: (Int32, Bool) -> Void) {
        for r in changedRows {
            let now = isPresent(r)
            if now != wasPresent(r) { body(r, now) }
        }
    }

    var hasNetChanges: Bool {
        for r in changedRows where isPresent(r) != wasPresent(r) { return true }
        return false
    }

    /// Ends the update: the new view becomes the only view.
    func clearChanges() {
        for r in changedRows {
            meta[Int(r)] &= ~(Relation.changedBit | Relation.wasPresentBit)
        }
        changedRows.removeAll(keepingCapacity: true)
        retractedFacts.removeAll(keepingCapacity: true)
    }

    // MARK: Indexes

    /// Returns the hash index on the columns in `mask`, built on first use at a cost linear in the table.
    func index(for mask: UInt64) -> RelationIndex {
        for index in indexList where index.mask == mask { return index }
        let index = RelationIndex(mask: mask, arity: arity)
        for r in 0..<Int32(rowCount) { index.add(row: r, relation: self) }
        indexList.append(index)
        return index
    }

    /// Returns whether a row whose `mask` columns equal `key` (values in column order) is present
    /// in the view: a row-set probe for a full key, a scan for none, an index walk otherwise.
    func containsRow(mask: UInt64, key: UnsafePointer<UInt32>, old: Bool) -> Bool {
        if mask == (arity >= 64 ? ~0 : (1 << UInt64(arity)) - 1) {
            guard let r = find(key) else { return false }
            return isPresent(r, old: old)
        }
        if mask == 0 {
            for r in 0..<Int32(rowCount) where isPresent(r, old: old) { return true }
            return false
        }
        let index = index(for: mask)
        var r = index.first(key, relation: self)
        while r >= 0 {
            if isPresent(r, old: old) { return true }
            r = index.next[Int(r)]
        }
        return false
    }

    // MARK: Maintenance

    var deadCount: Int { rowCount - presentCount }

    /// Drops dead rows and rebuilds the row set and every index. Only between updates.
    func compact() {
        precondition(changedRows.isEmpty, "compact() during an update")
        var keptColumns = RawBuffer<UInt32>(capacity: max(presentCount * arity, 16))
        var keptMeta = RawBuffer<UInt64>(capacity: max(presentCount, 16))
        for r in 0..<Int32(rowCount) where isPresent(r) {
            keptColumns.append(contentsOf: row(r), count: arity)
            keptMeta.append(meta[Int(r)])
        }
        columns.deallocate()
        meta.deallocate()
        columns = keptColumns
        meta = keptMeta
        rowCount = meta.count
        var capacity = 128
        while capacity < rowCount * 2 + 2 { capacity *= 2 }
        rehash(capacity: capacity)
        let masks = indexList.map(\.mask)
        for index in indexList { index.deallocate() }
        indexList = []
        for mask in masks { _ = index(for: mask) }
        for (column, old) in networkIndexes {
            let rebuilt = NetworkIndex(parse: old.parse)
            for r in 0..<Int32(rowCount) { rebuilt.add(row: r, value: row(r)[column]) }
            networkIndexes[column] = rebuilt
        }
    }

    /// Bytes held by rows, row set and indexes.
    var allocatedBytes: Int {
        columns.allocatedBytes + meta.allocatedBytes + slots.allocatedBytes
            + indexList.reduce(0) { $0 + $1.allocatedBytes }
    }
}
