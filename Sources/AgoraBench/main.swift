import Foundation

let usage = """
    usage: agora-bench SUITE [--quick] [--no-write]

    suites:
      datalog    the engine: transitive closures, incremental updates, the compromised-VM join,
                 beside gringo (clingo from PyPI) and SQLite's recursive CTE on the same inputs
      openstack  translating and polling 10,000 servers and 20,000 ports (run with -c release)
      ingest     EVE lines into rows beside orjson, a 1M-entry blocklist, and the packet sensor
      response   from an EVE alert line to the backend's apply, under a background feed of EVE lines
      nft        10,000 blocks through the nftables backend in one batch, beside a bare `nft -f`
      api        the REST API under wrk, beside nginx serving files of the same sizes

    Results print as a table and go into BENCHMARKS.md unless --no-write is given.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let suite = arguments.first else {
    FileHandle.standardError.write(Data("\(usage)\n".utf8))
    exit(2)
}
switch suite {
case "datalog":
    exit(DatalogBenchmark.run(Array(arguments.dropFirst())))
case "openstack":
    exit(runOpenStackBenchmark())
case "ingest":
    exit(runIngestBenchmark(arguments: Array(arguments.dropFirst())))
case "response":
    exit(await runResponseBenchmark(arguments: Array(arguments.dropFirst())))
case "nft":
    exit(await runNftBenchmark(arguments: Array(arguments.dropFirst())))
case "api":
    exit(await runAPIBenchmark(arguments: Array(arguments.dropFirst())))
case "workload":
    // Internal: one workload in a process of its own, so that its peak memory is its own.
    exit(DatalogBenchmark.runWorkload(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("agora-bench: unknown suite '\(suite)'\n\(usage)\n".utf8))
    exit(2)
}
