import DataSources
import Foundation

/// Runs `agora translate --driver nova|neutron FILE`: prints the facts that the driver makes
/// of a recorded API response, one a line, and notes about skipped parts on stderr.
/// Returns 0 when the file was read, 1 when it could not be read or parsed, 2 for an unknown driver.
public func runOpenStackTranslate(driver: String, path: String) -> Int32 {
    let result: ResponseTranslation.Result
    do {
        result = try ResponseTranslation.translateFile(driver: driver, path: path)
    } catch ResponseTranslation.Failure.unknownDriver(let name) {
        FileHandle.standardError.write(Data("agora translate: unknown driver \(name); use nova or neutron\n".utf8))
        return 2
    } catch {
        FileHandle.standardError.write(Data("agora translate: \(error)\n".utf8))
        return 1
    }

    var output = ""
    for fact in result.facts {
        output += fact
        output += "\n"
    }
    FileHandle.standardOutput.write(Data(output.utf8))
    for note in result.notes {
        FileHandle.standardError.write(Data("agora translate: \(note)\n".utf8))
    }
    return 0
}
