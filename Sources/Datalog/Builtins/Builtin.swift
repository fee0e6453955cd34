/// The state a built-in may read besides its arguments.
public struct BuiltinContext: Sendable {
    /// The current time in UTC seconds since 1970-01-01, from the service's injectable clock.
    public var now: Int64

    public init(now: Int64) {
        self.now = now
    }
}

/// A built-in table such as `builtin:plus(x, y, z)`: a function from its first `inputCount`
/// arguments to the rest.
///
/// A built-in without outputs is a test. Evaluation never traps: a false test, inputs of the
/// wrong type, overflow or an invalid string all make the literal false, as an exception inside
/// a Congress built-in did.
public struct Builtin: Sendable {
    /// The name without the `builtin:` prefix.
    public let name: String
    public let arity: Int
    /// The count of leading arguments that are inputs. The remaining arguments are outputs.
    public let inputCount: Int
    private let implementation: @Sendable ([Value], BuiltinContext) -> [Value]?

    init(
        _ name: String, arity: Int, inputs: Int,
        _ implementation: @escaping @Sendable ([Value], BuiltinContext) -> [Value]?
    ) {
        self.name = name
        self.arity = arity
        self.inputCount = inputs
        self.implementation = implementation
    }

    /// Computes the outputs (`arity - inputCount` values, none for a test) from the inputs, or
    /// returns nil when the literal is false: a failed test, or inputs it cannot use.
    public func evaluate(_ inputs: [Value], context: BuiltinContext) -> [Value]? {
        guard inputs.count == inputCount else { return nil }
        guard let outputs = implementation(inputs, context), outputs.count == arity - inputCount else { return nil }
        return outputs
    }
}

extension Builtin {
    /// Creates a test of two inputs and no outputs.
    static func test(_ name: String, _ predicate: @escaping @Sendable (Value, Value) -> Bool) -> Builtin {
        Builtin(name, arity: 2, inputs: 2) { inputs, _ in predicate(inputs[0], inputs[1]) ? [] : nil }
    }

    /// Creates a function of one input and one output.
    static func unary(_ name: String, _ function: @escaping @Sendable (Value) -> Value?) -> Builtin {
        Builtin(name, arity: 2, inputs: 1) { inputs, _ in function(inputs[0]).map { [$0] } }
    }

    /// Creates a function of two inputs and one output.
    static func binary(_ name: String, _ function: @escaping @Sendable (Value, Value) -> Value?) -> Builtin {
        Builtin(name, arity: 3, inputs: 2) { inputs, _ in function(inputs[0], inputs[1]).map { [$0] } }
    }
}

/// The registry of built-ins, looked up by name and arity.
public enum Builtins {
    /// Every built-in, in the order of its family: arithmetic and strings, date-time, network,
    /// validation.
    public static var all: [Builtin] { registry.all }

    /// Returns the built-in with this name (without `builtin:`) and arity, or nil.
    public static func named(_ name: String, arity: Int) -> Builtin? {
        registry.byName[name]?.first { $0.arity == arity }
    }

    /// True when some built-in has this name (without `builtin:`), whatever its arity.
    public static func isBuiltinName(_ name: String) -> Bool {
        registry.byName[name] != nil
    }

    private static let registry = Registry(
        all: arithmeticBuiltins + dateTimeBuiltins + networkBuiltins + validationBuiltins)
}

private struct Registry: Sendable {
    let all: [Builtin]
    let byName: [String: [Builtin]]

    init(all: [Builtin]) {
        self.all = all
        self.byName = Dictionary(grouping: all, by: \.name)
    }
}
