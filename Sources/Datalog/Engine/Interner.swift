/// The table of constants: each distinct `Value` gets a dense 32-bit id, and rows store ids.
///
/// Interning costs one hash of the value and one probe of an open-addressing table; after that,
/// joins compare and hash integers only. Strings hash their UTF-8 bytes with a multiply-xorshift
/// mix, which is several times cheaper than the standard library's seeded hashing. Ids are
/// never reused, so the table grows with the number of distinct values ever seen.
///
/// `1` and `1.0` are different constants, because built-ins such as `div` treat them
/// differently (`builtin:equal(1, 1.0)` still holds). Every NaN is one constant, so that a NaN
/// row can be deleted again.
public final class Interner {
    private(set) var values: [Value] = []
    private var slots: RawBuffer<UInt64>
    private var slotMask: Int

    public init() {
        slots = RawBuffer(repeating: 0, count: 1024)
        slotMask = 1023
    }

    deinit { slots.deallocate() }

    /// Returns the id of `value`, assigning a new one on first sight.
    @inline(__always)
    public func intern(_ value: Value) -> UInt32 {
        let hash = Interner.hash(value)
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let id = UInt32(truncatingIfNeeded: entry) - 1
                if Interner.same(values[Int(id)], value) { return id }
            }
            slot = (slot + 1) & slotMask
        }
        let id = UInt32(values.count)
        values.append(value)
        slots[slot] = UInt64(hash) << 32 | UInt64(id + 1)
        if values.count * 2 > slotMask { grow() }
        return id
    }

    /// Returns the id of `value` if it was ever interned.
    public func existingID(_ value: Value) -> UInt32? {
        let hash = Interner.hash(value)
        var slot = Int(hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if UInt32(truncatingIfNeeded: entry >> 32) == hash {
                let id = UInt32(truncatingIfNeeded: entry) - 1
                if Interner.same(values[Int(id)], value) { return id }
            }
            slot = (slot + 1) & slotMask
        }
    }

    @inline(__always)
    public func value(_ id: UInt32) -> Value { values[Int(id)] }

    public var count: Int { values.count }

    private func grow() {
        let capacity = (slotMask + 1) * 2
        slots.deallocate()
        slots = RawBuffer(repeating: 0, count: capacity)
        slotMask = capacity - 1
        for (id, value) in values.enumerated() {
            let hash = Interner.hash(value)
            var slot = Int(hash) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = UInt64(hash) << 32 | UInt64(id + 1)
        }
    }

    /// Returns whether two constants are one constant: equal values of one kind, or two NaNs.
    @inline(__always)
    static func same(_ a: Value, _ b: Value) -> Bool {
        if case .float(let x) = a, case .float(let y) = b, x.isNaN && y.isNaN { return true }
        return a == b
    }

    @inline(__always)
    static func hash(_ value: Value) -> UInt32 {
        switch value {
        case .int(let n):
            return finishHash(mixHash(1, UInt32(truncatingIfNeeded: n)) ^ UInt64(UInt32(truncatingIfNeeded: n >> 32)))
        case .float(let f):
            // 0.0 and -0.0 are equal values, so they must hash alike.
            let bits = f.isNaN ? Double.nan.bitPattern : (f == 0 ? 0 : f.bitPattern)
            return finishHash(mixHash(2, UInt32(truncatingIfNeeded: bits)) ^ (bits >> 32))
        case .string(var text):
            return text.withUTF8 { bytes in
                var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
                var i = 0
                while i + 8 <= bytes.count {
                    let word = UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
                    h ^= h >> 29
                    i += 8
                }
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while i < bytes.count {
                    tail |= UInt64(bytes[i]) << shift
                    shift += 8
                    i += 1
                }
                h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
                return finishHash(h ^ 3)
            }
        }
    }
}
