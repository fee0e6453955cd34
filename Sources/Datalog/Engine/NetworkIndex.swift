/// An index from network prefixes to the rows whose column holds that network.
///
/// It answers `builtin:ip_in_network(address, column)` by probing one hash table per prefix
/// length that occurs in the column (at most 129 in the shared 128-bit space, usually a handful),
/// never by scanning the table. Values that do not parse as a network are left out; such rows
/// can never satisfy `ip_in_network`.
final class NetworkIndex {
    private struct Prefix: Hashable {
        var high: UInt64
        var low: UInt64
    }

    private var tables: [Int: [Prefix: [Int32]]] = [:]
    private var lengths: [Int] = []
    let parse: (UInt32) -> (high: UInt64, low: UInt64, length: Int)?

    init(parse: @escaping (UInt32) -> (high: UInt64, low: UInt64, length: Int)?) {
        self.parse = parse
    }

    func add(row r: Int32, value: UInt32) {
        guard let network = parse(value) else { return }
        let key = Prefix(high: network.high, low: network.low)
        if tables[network.length] == nil {
            tables[network.length] = [:]
            lengths = tables.keys.sorted()
        }
        tables[network.length]![key, default: []].append(r)
    }

    /// Calls `body` with each row whose network contains the 128-bit address.
    @inline(__always)
    func forEachRow(containing high: UInt64, _ low: UInt64, _ body: (Int32) -> Void) {
        for length in lengths {
            let key = NetworkIndex.mask(high: high, low: low, length: length)
            guard let rows = tables[length]?[Prefix(high: key.high, low: key.low)] else { continue }
            for r in rows { body(r) }
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
