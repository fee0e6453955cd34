/// Hashing of tuples of interned values, shared by a relation's row set and its indexes.
///
/// The mix is a multiply-xorshift over 64 bits: fast, and good enough for the open-addressing
/// tables here because the top bits pick the slot.
@inline(__always)
func mixHash(_ h: UInt64, _ value: UInt32) -> UInt64 {
    var x = (h ^ UInt64(value)) &* 0x9E37_79B9_7F4A_7C15
    x ^= x >> 29
    return x
}

@inline(__always)
func finishHash(_ h: UInt64) -> UInt32 {
    var x = h &* 0xBF58_476D_1CE4_E5B9
    x ^= x >> 31
    // Zero marks an empty slot, so a real hash is never zero.
    return UInt32(truncatingIfNeeded: x >> 32) | 1
}

@inline(__always)
func hashTuple(_ values: UnsafePointer<UInt32>, count: Int) -> UInt32 {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for i in 0..<count { h = mixHash(h, values[i]) }
    return finishHash(h)
}
