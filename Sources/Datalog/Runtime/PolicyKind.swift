/// The kinds of policy, as Congress named them.
public enum PolicyKind: String, Sendable, CaseIterable {
    /// Rules and facts without recursion; the default.
    case nonrecursive
    /// Rules and facts; Agora also allows stratified recursion here.
    case materialized
    /// Action descriptions for `simulate`: update heads (`p+`, `p-`) that may name other policies.
    case action
    /// Ground facts only.
    case database
    /// The tables of a data source, with a declared schema; filled by its driver.
    case datasource
    /// Congress's Z3 kind; Agora evaluates it like `materialized`.
    case z3

    /// Whether rules may be recursive among tables of this kind.
    var allowsRecursion: Bool { self == .materialized || self == .z3 }
}
