/// The state of one request between libmicrohttpd's callbacks.
///
/// libmicrohttpd calls back for a connection on one thread at a time, so the fields need no lock. The URI log
/// callback creates the state with a retained reference, and the completion callback releases it.
final class RequestState: @unchecked Sendable {
    let rawTarget: String
    let start = ContinuousClock.now
    var clientAddress: String?
    var method = ""
    var headersSeen = false
    var body: [UInt8] = []
    var receivedBodyBytes = 0
    var status: Int?
    var route: String?
    var isEventStream = false

    init(rawTarget: String) {
        self.rawTarget = rawTarget
    }
}
