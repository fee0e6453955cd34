// Compilation of a parsed pattern to a Pike VM program, and the search.

enum RegexInstruction: Sendable {
    case scalar(Unicode.Scalar)
    case anyExceptNewline
    case set(ScalarSet)
    case assertion(RegexAssertion)
    /// Continue at both targets, as two threads.
    case split(Int, Int)
    case jump(Int)
    case match
}

struct RegexCompiler {
    var program: [RegexInstruction] = []

    /// Appends the instructions for `node`; false once the program grows past the size limit.
    mutating func emit(_ node: RegexNode) -> Bool {
        guard program.count <= PythonRegex.maximumProgramSize else { return false }
        switch node {
        case .empty:
            return true
        case .scalar(let scalar):
            program.append(.scalar(scalar))
        case .anyExceptNewline:
            program.append(.anyExceptNewline)
        case .set(let set):
            program.append(.set(set))
        case .assertion(let assertion):
            program.append(.assertion(assertion))
        case .sequence(let items):
            for item in items {
                guard emit(item) else { return false }
            }
        case .alternation(let branches):
            return emitAlternation(branches[...])
        case .repetition(let inner, let minimum, let maximum):
            return emitRepetition(inner, minimum: minimum, maximum: maximum)
        }
        return true
    }

    private mutating func emitAlternation(_ branches: ArraySlice<RegexNode>) -> Bool {
        guard branches.count > 1 else { return emit(branches.first!) }
        let split = program.count
        program.append(.split(split + 1, 0))
        guard emit(branches.first!) else { return false }
        let jump = program.count
        program.append(.jump(0))
        program[split] = .split(split + 1, program.count)
        guard emitAlternation(branches.dropFirst()) else { return false }
        program[jump] = .jump(program.count)
        return true
    }

    private mutating func emitRepetition(_ inner: RegexNode, minimum: Int, maximum: Int?) -> Bool {
        for _ in 0..<minimum {
            guard emit(inner) else { return false }
        }
        guard let maximum else {
            let loop = program.count
            program.append(.split(loop + 1, 0))
            guard emit(inner) else { return false }
            program.append(.jump(loop))
            program[loop] = .split(loop + 1, program.count)
            return true
        }

        var exits: [Int] = []
        for _ in minimum..<max(minimum, maximum) {
            exits.append(program.count)
            program.append(.split(program.count + 1, 0))
            guard emit(inner) else { return false }
        }
        for exit in exits { program[exit] = .split(exit + 1, program.count) }
        return true
    }
}

extension PythonRegex {
    /// True when the pattern matches anywhere in `text`, as Python's `re.search`.
    func search(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)

        for position in 0...scalars.count {
            // Starting a thread at every position makes the search unanchored.
            if addThread(0, at: position, in: scalars, to: &current) { return true }
            guard position < scalars.count else { break }

            let scalar = scalars[position]
            next.clear()
            for pc in current.pcs where consumes(program[pc], scalar) {
                if addThread(pc + 1, at: position + 1, in: scalars, to: &next) { return true }
            }
            swap(&current, &next)
        }
        return false
    }

    private func consumes(_ instruction: RegexInstruction, _ scalar: Unicode.Scalar) -> Bool {
        switch instruction {
        case .scalar(let expected):
            if expected == scalar { return true }
            return ignoreCase && caseVariants(of: scalar).contains(expected)
        case .anyExceptNewline:
            return scalar != "\n"
        case .set(let set):
            return set.contains(scalar, ignoreCase: ignoreCase)
        default:
            return false
        }
    }

    /// Adds a thread and follows its jumps, splits and assertions; true when one reaches `match`.
    private func addThread(
        _ start: Int, at position: Int, in scalars: [Unicode.Scalar], to list: inout ThreadList
    ) -> Bool {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match:
                return true
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assertion(let assertion):
                if holds(assertion, at: position, in: scalars) { stack.append(pc + 1) }
            default:
                break
            }
        }
        return false
    }

    private func holds(_ assertion: RegexAssertion, at position: Int, in scalars: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .textStart:
            return position == 0
        case .textEnd:
            return position == scalars.count
        case .endBeforeFinalNewline:
            return position == scalars.count || (position == scalars.count - 1 && scalars[position] == "\n")
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && isWordScalar(scalars[position - 1])
            let after = position < scalars.count && isWordScalar(scalars[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }
}

/// The set of program counters live at one input position, in insertion order.
private struct ThreadList {
    var pcs: [Int] = []
    private var seen: [Bool]

    init(capacity: Int) {
        seen = Array(repeating: false, count: capacity)
        pcs.reserveCapacity(capacity)
    }

    /// Adds `pc`; false when it was already present.
    mutating func insert(_ pc: Int) -> Bool {
        guard !seen[pc] else { return false }
        seen[pc] = true
        pcs.append(pc)
        return true
    }

    mutating func clear() {
        for pc in pcs { seen[pc] = false }
        pcs.removeAll(keepingCapacity: true)
    }
}
