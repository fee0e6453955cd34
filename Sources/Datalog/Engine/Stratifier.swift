/// A set of relations evaluated together: one relation without recursion, or the members of a
/// recursive component of the dependency graph.
struct Stratum: Equatable {
    var relations: [Int]
    var rules: [Int]
    var recursive: Bool
}

/// A cycle the program may not contain, as relation ids in dependency order.
struct CycleError: Error, Equatable {
    /// The relations along the cycle; the last one depends on the first.
    var cycle: [Int]
    /// Index into `cycle` of the relation reached through negation or an aggregate, if any.
    var negatedIndex: Int?
    /// Whether that edge is an aggregate over the relation rather than its negation.
    var throughAggregate = false
}

/// Orders the derived relations into strata by the dependency graph (head depends on body).
///
/// Strata come out dependencies first. A component with a cycle is allowed only when every
/// relation in it permits recursion and no edge inside it goes through negation or an
/// aggregate; otherwise the error names one such cycle. The result does not depend on the order
/// rules were added in: components and cycle paths are found with sorted adjacency.
enum Stratifier {
    static func strata(rules: [CompiledRule], recursionAllowed: (Int) -> Bool) throws(CycleError) -> [Stratum] {
        var rulesByHead: [Int: [Int]] = [:]
        for rule in rules { rulesByHead[rule.head, default: []].append(rule.id) }
        let nodes = rulesByHead.keys.sorted()
        var edges: [Int: [(to: Int, negative: Bool)]] = [:]
        for rule in rules {
            for dependency in rule.dependencies where rulesByHead[dependency.relation] != nil {
                edges[rule.head, default: []].append((dependency.relation, dependency.negative))
            }
        }
        for node in nodes { edges[node]?.sort { ($0.to, $0.negative ? 1 : 0) < ($1.to, $1.negative ? 1 : 0) } }
        // Edges that come from an aggregate alone, not from a negated literal.
        var negatedEdges = Set<[Int]>()
        var aggregateEdges = Set<[Int]>()
        for rule in rules {
            for literal in rule.body {
                if case .negative(let r) = literal.kind { negatedEdges.insert([rule.head, r]) }
                if case .positive(let r) = literal.kind, rule.aggregate != nil {
                    aggregateEdges.insert([rule.head, r])
                }
            }
        }

        var result: [Stratum] = []
        for component in components(nodes: nodes, edges: edges) {
            let members = Set(component)
            let selfLoop = component.count == 1 && (edges[component[0]] ?? []).contains { $0.to == component[0] }
            let recursive = component.count > 1 || selfLoop
            if recursive {
                if var error = negativeCycle(members: members, edges: edges) {
                    let edge = [error.cycle.last!, error.cycle[0]]
                    error.throughAggregate = aggregateEdges.contains(edge) && !negatedEdges.contains(edge)
                    throw error
                }
                if let blocked = component.sorted().first(where: { !recursionAllowed($0) }) {
                    throw CycleError(
                        cycle: path(from: blocked, to: blocked, members: members, edges: edges), negatedIndex: nil)
                }
            }
            let ruleIDs = component.flatMap { rulesByHead[$0] ?? [] }.sorted()
            result.append(Stratum(relations: component.sorted(), rules: ruleIDs, recursive: recursive))
        }
        return result
    }

    /// Strongly connected components (Tarjan, iterative), dependencies first.
    private static func components(nodes: [Int], edges: [Int: [(to: Int, negative: Bool)]]) -> [[Int]] {
        var index: [Int: Int] = [:]
        var low: [Int: Int] = [:]
        var onStack: Set<Int> = []
        var stack: [Int] = []
        var result: [[Int]] = []
        var counter = 0

        for root in nodes where index[root] == nil {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack.insert(root)
            while let (node, edge) = work.last {
                let out = edges[node] ?? []
                if edge < out.count {
                    work[work.count - 1].edge += 1
                    let next = out[edge].to
                    if index[next] == nil {
                        index[next] = counter
                        low[next] = counter
                        counter += 1
                        stack.append(next)
                        onStack.insert(next)
                        work.append((next, 0))
                    } else if onStack.contains(next) {
                        low[node] = min(low[node]!, index[next]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { low[parent] = min(low[parent]!, low[node]!) }
                if low[node] == index[node] {
                    var component: [Int] = []
                    while true {
                        let member = stack.removeLast()
                        onStack.remove(member)
                        component.append(member)
                        if member == node { break }
                    }
                    result.append(component)
                }
            }
        }
        return result
    }

    /// Returns a cycle through a negative edge inside the component, if there is one.
    private static func negativeCycle(members: Set<Int>, edges: [Int: [(to: Int, negative: Bool)]]) -> CycleError? {
        for from in members.sorted() {
            for edge in edges[from] ?? [] where edge.negative && members.contains(edge.to) {
                // The cycle starts at the negated relation and comes back to it through `from`.
                let cycle = path(from: edge.to, to: from, members: members, edges: edges)
                return CycleError(cycle: cycle, negatedIndex: 0)
            }
        }
        return nil
    }

    /// Returns the shortest dependency path from `start` to `end` inside the component (breadth first,
    /// neighbours in sorted order), without repeating `end` when the path is a cycle.
    private static func path(from start: Int, to end: Int, members: Set<Int>, edges: [Int: [(to: Int, negative: Bool)]])
        -> [Int]
    {
        var parent: [Int: Int] = [:]
        var visited: Set<Int> = [start]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for edge in edges[node] ?? [] where members.contains(edge.to) {
                if edge.to == end {
                    var result = [node]
                    var current = node
                    while current != start, let before = parent[current] {
                        result.append(before)
                        current = before
                    }
                    result.reverse()
                    if start != end { result.append(end) }
                    return result
                }
                if visited.insert(edge.to).inserted {
                    parent[edge.to] = node
                    queue.append(edge.to)
                }
            }
        }
        return [start]
    }
}
