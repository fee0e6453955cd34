import DataSources
import Foundation
import OpenStack

@testable import Agora

/// A service on a store in a fresh temporary directory, driven through its API layer.
final class ServiceHarness {
    let directory: URL
    private(set) var service: AgoraService
    private(set) var api: AgoraAPI
    var configuration: ServiceConfiguration

    init(configure: (inout ServiceConfiguration) throws -> Void = { _ in }) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("agora-service-\(UUID().uuidString)")
        configuration = ServiceConfiguration()
        try configuration.set("DEFAULT", "data_dir", directory.path)
        try configure(&configuration)
        service = try AgoraService.open(configuration: configuration, session: nil, logger: Self.quiet)
        api = AgoraAPI(service: service)
        try await service.start()
    }

    static let quiet = Logger(label: "test", level: .error)

    /// Stops the service and starts a new one on the same store, as after a crash.
    func restart() async throws {
        service.stop()
        service = try AgoraService.open(configuration: configuration, session: nil, logger: Self.quiet)
        api = AgoraAPI(service: service)
        try await service.start()
    }

    /// Sends a request and returns the status and the parsed JSON body.
    @discardableResult
    func call(
        _ method: String, _ path: String, _ body: JSON? = nil, principal: Principal = .anonymousAdmin,
        rawBody: [UInt8]? = nil
    ) throws -> (status: Int, json: JSON) {
        let (pathPart, queryPart) = path.split(separator: "?", maxSplits: 1).map(String.init).splitPair()
        let segments = pathPart.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let query = (queryPart ?? "").split(separator: "&").map { item -> (name: String, value: String) in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : "")
        }
        let bytes = rawBody ?? body.map { Array($0.text.utf8) } ?? []
        let response = api.handle(
            APIRequest(method: method, segments: segments, query: query, body: bytes, principal: principal))
        service.settle()
        let json = response.body.isEmpty ? JSON.null : try JSON.parse(Data(response.body), source: path)
        return (response.status, json)
    }

    deinit {
        service.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension Array where Element == String {
    fileprivate func splitPair() -> (String, String?) { (self[0], count > 1 ? self[1] : nil) }
}
