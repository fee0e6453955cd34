import Foundation

extension HTTPResponse {
    /// Reads a whole file into a response whose content type comes from the file's extension.
    /// Returns a 404 error response when the file is missing or is not a regular file.
    ///
    /// NOTE: the file is read into memory, which suits a dashboard's assets but not large downloads.
    public static func file(atPath path: String) -> HTTPResponse {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else {
            return .error(status: 404, message: "file not found: \(URL(fileURLWithPath: path).lastPathComponent)")
        }

        let type = contentType(forExtension: URL(fileURLWithPath: path).pathExtension)
        let headers: HTTPHeaders = ["Content-Type": type, "X-Content-Type-Options": "nosniff"]
        return HTTPResponse(status: 200, headers: headers, body: Array(data))
    }

    /// Serves the file at a relative, decoded path below `root`, such as a `{path...}` route parameter.
    /// Rejects with 404 a path that could leave `root` (an empty, `.` or `..` segment, or a NUL byte),
    /// and serves `index.html` for an empty path.
    public static func staticFile(root: String, relativePath: String) -> HTTPResponse {
        let segments = relativePath.isEmpty ? [] : relativePath.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments where segment.isEmpty || segment == "." || segment == ".." || segment.contains("\0") {
            return .error(status: 404, message: "file not found: invalid path segment '\(segment)'")
        }

        let relative = segments.isEmpty ? ["index.html"] : segments.map(String.init)
        let path = ([root] + relative).joined(separator: "/")
        return file(atPath: path)
    }

    /// Returns the media type for a file extension, or `application/octet-stream` for one not listed.
    public static func contentType(forExtension fileExtension: String) -> String {
        switch fileExtension.lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json", "map": return "application/json"
        case "txt": return "text/plain; charset=utf-8"
        case "csv": return "text/csv; charset=utf-8"
        case "xml": return "application/xml"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "wasm": return "application/wasm"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }
}
