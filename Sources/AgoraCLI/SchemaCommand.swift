import Agora
import Foundation

/// `agora schema [SERVICE]`: the tables Agora's data sources publish, with their columns.
enum SchemaCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let services = SchemaCatalog.services
        let wanted = arguments.first
        if let wanted, services[wanted] == nil {
            let known = services.keys.sorted().joined(separator: ", ")
            FileHandle.standardError.write(Data("agora schema: unknown service \(wanted); known: \(known)\n".utf8))
            return 2
        }
        for service in services.keys.sorted() where wanted == nil || wanted == service {
            for table in services[service]!.sorted(by: { $0.name < $1.name }) {
                print("\(service):\(table.name)(\(table.columns.joined(separator: ", ")))")
                if !table.description.isEmpty { print("    \(table.description)") }
            }
        }
        return 0
    }
}
