import DataSources

/// Runs `agora-bench openstack`: translation speed and the cost of a no-change poll for
/// 10,000 servers and 20,000 ports, printed one measurement a line. Returns the exit status.
public func runOpenStackBenchmark(servers: Int = 10_000) -> Int32 {
    let report = OpenStackBenchmark.run(servers: servers)
    for line in report.lines { print(line) }
    return 0
}
