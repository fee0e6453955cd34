/// A hash index from the values of some columns to the rows that hold them.
///
/// Each distinct key has one slot pointing at the newest row with that key; rows with the same
/// key form a chain through `next`. Dead rows stay in their chains until the relation compacts,
/// so readers skip rows that are not present in the view they read.
final class RelationIndex {
    let mask: UInt64
    let keyColumns: [Int]
    private var slots: RawBuffer<UInt64>
    private var slotMask: Int
    private var keyCount = 0
    private(set) var next: RawBuffer<Int32>

    init(mask: UInt64, arity: Int) {
        self.mask = mask
        keyColumns = (0..<arity).filter { mask & (1 << UInt64($0)) != 0 }
        slots = RawBuffer(repeating: 0, count: 64)
        slotMask = 63
        next = RawBuffer(capacity: 64)
    }

    func deallocate() {
        slots.deallocate()
        next.deallocate()
    }

    var allocatedBytes: Int { slots.allocatedBytes + next.allocatedBytes }

    @inline(__always)
    private func hashKey(of row: UnsafePointer<UInt32>) -> UInt32 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for c in keyColumns { h = mixHash(h, row[c]) }
        return finishHash(h)
    }

    /// Hash of a key given as the values of the key columns, in column order.
    @inline(__always)
    func hashKey(_ key: UnsafePointer<UInt32>) -> UInt32 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for i in 0..<keyColumns.count { h = mixHash(h, key[i]) }
        return finishHash(h)
    }

    /// Adds row `r` (its number must be the next one this index has not seen).
    func add(row r: Int32, relation: Relation) {
        let values = relation.row(r)
        let hash = hashKey(of: values)
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 {
                next.append(-1)
                slots[slot] = UInt64(hash) << 32 | UInt64(r + 1)
                keyCount += 1
                if keyCount * 2 > slotMask { rehash(relation: relation) }
                return
            }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let head = Int32(truncatingIfNeeded: entry) - 1
                if sameKey(relation.row(head), values) {
                    next.append(head)
                    slots[slot] = UInt64(hash) << 32 | UInt64(r + 1)
                    return
                }
            }
            slot = (slot + 1) & slotMask
        }
    }

    @inline(__always)
    private func sameKey(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>) -> Bool {
        for c in keyColumns where a[c] != b[c] { return false }
        return true
    }

    /// The newest row whose key columns equal `key` (values in key-column order), or -1.
    @inline(__always)
    func first(_ key: UnsafePointer<UInt32>, relation: Relation) -> Int32 {
        let hash = hashKey(key)
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return -1 }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let head = Int32(truncatingIfNeeded: entry) - 1
                let row = relation.row(head)
                var equal = true
                for (i, c) in keyColumns.enumerated() where row[c] != key[i] {
                    equal = false
                    break
                }
                if equal { return head }
            }
            slot = (slot + 1) & slotMask
        }
    }

    private func rehash(relation: Relation) {
        let capacity = (slotMask + 1) * 2
        let old = slots
        let oldCapacity = slotMask + 1
        slots = RawBuffer(repeating: 0, count: capacity)
        slotMask = capacity - 1
        for i in 0..<oldCapacity {
            let entry = old[i]
            if entry == 0 { continue }
            var slot = Int(UInt32(truncatingIfNeeded: entry >> 32)) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = entry
        }
        old.deallocate()
    }
}
