import Testing

@testable import DataSources

@Suite struct TableSchemaTests {
    @Test func schemaKeepsColumnOrder() {
        let schema = TableSchema(name: "ip_packet", columns: ["src_ip", "dst_ip"])
        #expect(schema.columns == ["src_ip", "dst_ip"])
    }
}
