/// The table of constants: each distinct `Value` gets a dense 32-bit id, and rows store ids.
///
/// Interning costs one hash lookup per value on the way in; after that, joins compare and hash
/// integers only. Ids are never reused, so the table grows with the number of distinct values
/// ever seen.
public final class Interner {
    private var ids: [Value: UInt32] = [:]
    private(set) var values: [Value] = []

    public init() {}

    /// The id of `value`, assigning a new one on first sight.
    @inline(__always)
    public func intern(_ value: Value) -> UInt32 {
        if let id = ids[value] { return id }
        let id = UInt32(values.count)
        values.append(value)
        ids[value] = id
        return id
    }

    /// The id of `value` if it was ever interned.
    public func existingID(_ value: Value) -> UInt32? { ids[value] }

    @inline(__always)
    public func value(_ id: UInt32) -> Value { values[Int(id)] }

    public var count: Int { values.count }
}
