/// The reason a data source could not be configured or started.
public enum SourceError: Error, Equatable, CustomStringConvertible {
    case unknownDriver(String)
    case invalidOption(source: String, option: String, value: String, expected: String)
    case missingOption(source: String, option: String)
    case unknownOptions(source: String, options: [String])
    case secretInConfig(source: String, option: String)

    public var description: String {
        switch self {
        case .unknownDriver(let driver):
            return "Invalid driver: \(driver); `GET /v1/system/drivers` lists the drivers"
        case .invalidOption(let source, let option, let value, let expected):
            return "data source \(source): option \(option) is '\(value)'; expected \(expected)"
        case .missingOption(let source, let option):
            return "Missing required config options: \(option) (data source \(source))"
        case .unknownOptions(let source, let options):
            return "Invalid driver options: \(options.joined(separator: ", ")) (data source \(source))"
        case .secretInConfig(let source, let option):
            return "data source \(source): option \(option) holds a secret; name a cloud from clouds.yaml "
                + "(option `cloud`) or set OS_* variables for the server instead"
        }
    }
}
