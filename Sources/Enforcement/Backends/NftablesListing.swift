import Foundation

/// Reads the elements of sets from `nft -j list set` or `nft -j list table` output (nftables
/// JSON schema version 1).
enum NftablesListing {
    /// Returns the canonical addresses of every set in the listing. An element is either a bare
    /// value or an object `{"elem": {"val": ..., "timeout": ..., "expires": ...}}` when it has a timeout.
    static func elements(_ data: Data, command: String) throws -> Set<String> {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let objects = root["nftables"] as? [[String: Any]]
        else {
            throw BackendError.unexpectedOutput(command: command, reason: "no \"nftables\" array")
        }
        var result = Set<String>()
        for object in objects {
            guard let set = object["set"] as? [String: Any] else { continue }
            for element in set["elem"] as? [Any] ?? [] {
                let value: String?
                if let text = element as? String {
                    value = text
                } else if let wrapper = (element as? [String: Any])?["elem"] as? [String: Any] {
                    value = wrapper["val"] as? String
                } else {
                    value = nil
                }
                guard let value, let canonical = IPAddressText.canonical(value) else {
                    throw BackendError.unexpectedOutput(command: command, reason: "an element that is not an address")
                }
                result.insert(canonical.address)
            }
        }
        return result
    }
}
