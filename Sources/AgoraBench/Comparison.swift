import Foundation

/// The comparison tools, run on the same edges as Agora: gringo through clingo's Python module
/// (installed from PyPI when missing) and the sqlite3 shell.
enum Comparison {
    /// Edge generation shared by both tools, in Python and in SQL.
    static func gringo(shape: String, n: Int) -> Double? {
        if !run("python3", ["-c", "import clingo"]).ok {
            progress("installing clingo from PyPI for the comparison")
            _ = run("python3", ["-m", "pip", "install", "--quiet", "clingo"])
        }
        let script = """
            import sys, time, clingo
            shape, n = sys.argv[1], int(sys.argv[2])
            if shape == "chain": edges = [(i, i + 1) for i in range(n - 1)]
            elif shape == "cycle": edges = [(i, (i + 1) % n) for i in range(n)]
            else: edges = [(i, j) for i in range(n) for j in range(i + 1, n)]
            program = "tc(X,Y) :- e(X,Y). tc(X,Z) :- tc(X,Y), e(Y,Z).\\n" + "".join("e(%d,%d)." % e for e in edges)
            control = clingo.Control(["--warn=none"])
            start = time.perf_counter()
            control.add("base", [], program)
            control.ground([("base", [])])
            print(time.perf_counter() - start)
            """
        let result = run("python3", ["-c", script, shape, String(n)])
        return result.ok ? Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }

    static func sqlite(shape: String, n: Int) -> Double? {
        let edges: String
        switch shape {
        case "chain": edges = "INSERT INTO e SELECT i, i + 1 FROM n WHERE i < \(n - 1);"
        case "cycle": edges = "INSERT INTO e SELECT i, (i + 1) % \(n) FROM n;"
        default: edges = "INSERT INTO e SELECT a.i, b.i FROM n a, n b WHERE a.i < b.i;"
        }
        let script = """
            CREATE TABLE e(x INTEGER, y INTEGER);
            CREATE TABLE n(i INTEGER);
            WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < \(n - 1)) INSERT INTO n SELECT i FROM c;
            \(edges)
            CREATE INDEX e_x ON e(x);
            .timer on
            WITH RECURSIVE tc(x, y) AS (SELECT x, y FROM e UNION SELECT tc.x, e.y FROM tc JOIN e ON tc.y = e.x) SELECT count(*) FROM tc;
            """
        let result = run("sqlite3", [":memory:"], input: script)
        guard result.ok, let line = result.output.split(separator: "\n").last(where: { $0.hasPrefix("Run Time:") })
        else {
            return nil
        }
        let fields = line.split(separator: " ")
        guard let index = fields.firstIndex(of: "real"), index + 1 < fields.count else { return nil }
        return Double(fields[index + 1])
    }

    static func progress(_ message: String) { FileHandle.standardError.write(Data("agora-bench: \(message)\n".utf8)) }

    static func run(_ command: String, _ arguments: [String], input: String? = nil) -> (ok: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        do {
            try process.run()
        } catch {
            return (false, "")
        }
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus == 0, String(decoding: data, as: UTF8.self))
    }
}
