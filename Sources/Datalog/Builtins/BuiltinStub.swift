public struct BuiltinContext: Sendable {
    public var now: Int64
    public init(now: Int64) { self.now = now }
}
public struct Builtin: Sendable {
    public let name: String
    public let arity: Int
    public let inputCount: Int
    public func evaluate(_ inputs: [Value], context: BuiltinContext) -> [Value]? { nil }
}
public enum Builtins {
    public static func named(_ name: String, arity: Int) -> Builtin? { nil }
    public static func isBuiltinName(_ name: String) -> Bool { false }
}
