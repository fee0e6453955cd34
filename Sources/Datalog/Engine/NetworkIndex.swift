/// An index from network prefixes to the rows whose column contains that network.
///
/// It answers `builtin:ip_in_network(address, column)` by probing the index once per prefix
/// length that occurs in the column (at most 129 in the shared 128-bit space, usually a
/// handful), never by scanning the table. Values that do not parse as a network are left out;
/// such rows can never satisfy `ip_in_network`.
final class NetworkIndex {
    /// Slots of an open-addressing table keyed by (masked address, prefix length). Each slot points to
    /// the newest row with that key, and older ones chain through `next`.
    private var slots: RawBuffer<Int32>
    private var slotMask: Int
    private var keys: RawBuffer<UInt64>
    private var next: [Int32: Int32] = [:]
    private var used = 0
    private var lengths: [Int] = []
    private var lengthPresent = [Bool](repeating: false, count: 129)
    let parse: (UInt32) -> (high: UInt64, low: UInt64, length: Int)?

    init(parse: @escaping (UInt32) -> (high: UInt64, low: UInt64, length: Int)?) {
        self.parse = parse
        slots = RawBuffer(repeating: -1, count: 1024)
        keys = RawBuffer(repeating: 0, count: 1024 * 3)
        slotMask = 1023
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
    }

    @inline(__always)
    private static func hash(_ high: UInt64, _ low: UInt64, _ length: Int) -> Int {
        var h = (high ^ 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ low ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        h = (h ^ UInt64(length) ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }

    @inline(__always)
    private func find(_ high: UInt64, _ low: UInt64, _ length: Int) -> Int {
        var slot = NetworkIndex.hash(high, low, length) & slotMask
        while slots[slot] >= 0 {
            if keys[slot * 3] == high && keys[slot * 3 + 1] == low && keys[slot * 3 + 2] == UInt64(length) {
                return slot
            }
            slot = (slot + 1) & slotMask
        }
        return slot
    }

    func add(row r: Int32, value: UInt32) {
        guard let network = parse(value) else { return }
        if !lengthPresent[network.length] {
            lengthPresent[network.length] = true
            lengths = (0...128).filter { lengthPresent[$0] }
        }
        let slot = find(network.high, network.low, network.length)
        if slots[slot] >= 0 {
            next[r] = slots[slot]
        } else {
            keys[slot * 3] = network.high
            keys[slot * 3 + 1] = network.low
            keys[slot * 3 + 2] = UInt64(network.length)
            used += 1
        }
        slots[slot] = r
        if used * 2 > slotMask { grow() }
    }

    private func grow() {
        let oldSlots = slots
        let oldKeys = keys
        let oldCapacity = slotMask + 1
        slots = RawBuffer(repeating: -1, count: oldCapacity * 2)
        keys = RawBuffer(repeating: 0, count: oldCapacity * 6)
        slotMask = oldCapacity * 2 - 1
        for i in 0..<oldCapacity where oldSlots[i] >= 0 {
            let slot = find(oldKeys[i * 3], oldKeys[i * 3 + 1], Int(oldKeys[i * 3 + 2]))
            slots[slot] = oldSlots[i]
            keys[slot * 3] = oldKeys[i * 3]
            keys[slot * 3 + 1] = oldKeys[i * 3 + 1]
            keys[slot * 3 + 2] = oldKeys[i * 3 + 2]
        }
        oldSlots.deallocate()
        oldKeys.deallocate()
    }

    /// Calls `body` with each row whose network contains the 128-bit address.
    @inline(__always)
    func forEachRow(containing high: UInt64, _ low: UInt64, _ body: (Int32) -> Void) {
        for length in lengths {
            let key = NetworkIndex.mask(high: high, low: low, length: length)
            let slot = find(key.high, key.low, length)
            var r = slots[slot]
            while r >= 0 {
                body(r)
                r = next[r] ?? -1
            }
        }
    }

    /// Clears the bits after the first `length` bits of a 128-bit address.
    @inline(__always)
    static func mask(high: UInt64, low: UInt64, length: Int) -> (high: UInt64, low: UInt64) {
        if length <= 0 { return (0, 0) }
        if length >= 128 { return (high, low) }
        if length <= 64 {
            let keep: UInt64 = length == 64 ? ~0 : ~(~UInt64(0) >> UInt64(length))
            return (high & keep, 0)
        }
        let keep: UInt64 = ~(~UInt64(0) >> UInt64(length - 64))
        return (high, low & keep)
    }
}
