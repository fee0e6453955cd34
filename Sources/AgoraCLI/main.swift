import Agora
import Foundation

let usage = """
    usage: agora COMMAND [OPTIONS]

    commands:
      serve      run the service (REST API, dashboard, data sources, enforcement)
      demo       catch and isolate a compromised VM in a simulated cloud
      openapi    print the API's OpenAPI 3 document
      eval       evaluate a query against a policy file and facts
      test       run policy test files
      translate  print the rows a data-source driver makes of a file
      schema     list the tables and columns of Agora's data sources
      sensor     read packets from a pcap file or an interface and report blocklisted destinations
      version    print the version
      help       print this text; `agora help COMMAND` or `agora COMMAND --help` for one command

    \(ClientHelp.commandList)

    \(ClientConnection.optionsHelp)

    \(ClientHelp.exitStatuses)
    """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    FileHandle.standardError.write(Data("\(usage)\n".utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst())
switch command {
case "openapi":
    print(OpenAPIDocument.text, terminator: "")
case "demo":
    exit(await DemoCommand.run(rest))
case "serve":
    exit(await ServeCommand.run(rest))
case "eval":
    exit(EvalCommand.run(rest))
case "test":
    exit(TestCommand.run(rest))
case "schema":
    exit(SchemaCommand.run(rest))
case "sensor":
    exit(runSensor(arguments: rest))
case "translate":
    // The OpenStack drivers translate API responses; the others read IDS logs and feeds.
    if let index = rest.firstIndex(of: "--driver"), index + 2 < rest.count + 1, index + 1 < rest.count,
        ["nova", "neutron", "neutronv2"].contains(rest[index + 1])
    {
        let files = rest.enumerated().filter { $0.offset != index && $0.offset != index + 1 }.map(\.element)
        guard files.count == 1 else {
            FileHandle.standardError.write(Data("usage: agora translate --driver nova|neutron FILE.json\n".utf8))
            exit(2)
        }
        exit(runOpenStackTranslate(driver: rest[index + 1], path: files[0]))
    }
    exit(runTranslate(arguments: rest))
case "version", "--version":
    print("agora \(AgoraVersion.current)")
case "help", "--help", "-h":
    if let topic = rest.first, ClientCommands.groups.contains(topic) {
        exit(await ClientCommands.run(topic, Array(rest.dropFirst()) + ["--help"]))
    }
    print(usage)
case _ where ClientCommands.groups.contains(command):
    exit(await ClientCommands.run(command, rest))
default:
    FileHandle.standardError.write(Data("agora: unknown command '\(command)'\n\(usage)\n".utf8))
    exit(2)
}
