import Foundation
import Testing

/// Runs a suite only while it holds an exclusive `flock` on a file shared by every test target
/// and test process on this host that uses the OpenStack servers. Their SQLite databases return
/// HTTP 500 for concurrent writes, and `.serialized` orders the tests of one suite only.
public struct OpenStackServersLock: SuiteTrait, TestScoping {
    public init() {}

    public static let path = "/tmp/agora-openstack-tests.lock"

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let descriptor = open(Self.path, O_CREAT | O_RDWR, 0o666)
        guard descriptor >= 0 else {
            try await function()
            return
        }
        defer { close(descriptor) }
        // Polling with a non-blocking lock keeps the test's thread free while another suite runs.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        defer { flock(descriptor, LOCK_UN) }
        try await function()
    }
}

extension Trait where Self == OpenStackServersLock {
    /// Holds the host-wide lock of the OpenStack servers while the suite runs.
    public static var openStackServersLock: Self { Self() }
}
