import Datalog
import Testing

@testable import DataSources

@Suite struct AddressTableTests {
    @Test func growsAndFindsEveryKey() {
        var table = AddressTable()
        for value in 0..<10_000 {
            let address = IPAddress(ipv4: 0x1400_0000 + UInt32(value) * 7)
            #expect(table.insertIfAbsent(address, value: Int32(value)) == nil)
        }
        #expect(table.count == 10_000)
        for value in [0, 1, 4_999, 9_999] {
            let address = IPAddress(ipv4: 0x1400_0000 + UInt32(value) * 7)
            #expect(table.value(high: address.high, low: address.low) == Int32(value))
        }
        let absent = IPAddress(ipv4: 0x1400_0000 + 3)
        #expect(table.value(high: absent.high, low: absent.low) == nil)
    }

    @Test func keepsFirstValue() {
        var table = AddressTable()
        let address = IPAddress("2001:db8::1")!
        #expect(table.insertIfAbsent(address, value: 1) == nil)
        #expect(table.insertIfAbsent(address, value: 2) == 1)
        #expect(table.value(high: address.high, low: address.low) == 1)
        #expect(table.count == 1)
        let zero = IPAddress(high: 0, low: 0)
        #expect(table.value(high: zero.high, low: zero.low) == nil)
        #expect(table.insertIfAbsent(zero, value: 3) == nil)
        #expect(table.value(high: 0, low: 0) == 3)
    }
}
