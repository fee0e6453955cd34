import Datalog

/// A hash table from IP addresses to small integers, with open addressing and linear probing.
///
/// It replaces `Dictionary<IPAddress, Int>` in the packet path because Swift's SipHash cost more than
/// the rest of a lookup. The hash is a multiply-xorshift mix with a random seed per table, so a
/// feed cannot be built to collide on every machine. Capacity doubles at half full.
struct AddressTable: Sendable {
    private struct Slot: Sendable {
        var high: UInt64
        var low: UInt64
        /// The stored value, or -1 for an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private var mask: Int
    private let seed: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = [Slot](repeating: Slot(high: 0, low: 0, value: -1), count: capacity)
        mask = capacity - 1
        seed = UInt64.random(in: 0...UInt64.max)
    }

    @inline(__always)
    private func slotIndex(high: UInt64, low: UInt64) -> Int {
        var hash = (high ^ seed) &* 0x9E37_79B9_7F4A_7C15
        hash ^= low
        hash = (hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 32
        return Int(truncatingIfNeeded: hash) & mask
    }

    /// Returns the value stored for the address `high`, `low`, or nil.
    @inline(__always)
    func value(high: UInt64, low: UInt64) -> Int32? {
        var index = slotIndex(high: high, low: low)
        while true {
            let slot = slots[index]
            if slot.value < 0 { return nil }
            if slot.high == high && slot.low == low { return slot.value }
            index = (index + 1) & mask
        }
    }

    /// Stores `value` for `address` unless it has a value already; returns the earlier value then.
    mutating func insertIfAbsent(_ address: IPAddress, value: Int32) -> Int32? {
        if (count + 1) * 2 > slots.count { grow() }
        var index = slotIndex(high: address.high, low: address.low)
        while true {
            let slot = slots[index]
            if slot.value < 0 {
                slots[index] = Slot(high: address.high, low: address.low, value: value)
                count += 1
                return nil
            }
            if slot.high == address.high && slot.low == address.low { return slot.value }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(high: 0, low: 0, value: -1), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for slot in old where slot.value >= 0 {
            _ = insertIfAbsent(IPAddress(high: slot.high, low: slot.low), value: slot.value)
        }
    }
}
