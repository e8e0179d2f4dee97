import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--list`: the checkpoints of each repo, as a table or JSON, so a user can pick one.
enum RepoList {
  static func run(_ options: Runner.Options) -> Never {
    var load = LoadOptions()
    load.remote = options.remote
    var status: Int32 = 0
    var documents: [JSONValue] = []
    for (n, path) in options.paths.enumerated() {
      let result = Result { () throws(CheckpointError) -> [RepoCheckpoint] in try RemoteLoader.list(path, options: load) }
      let document: JSONValue
      switch result {
      case .success(let found):
        document = RepoListReport.json(path, found)
        if !options.json && !options.ndjson && !options.quiet {
          if n > 0 { print("") }
          // Not fitted to the width: each row ends in an address to copy whole.
          print(RepoListReport.text(path, found))
        }
      case .failure(let error):
        printError("error: \(error)")
        status = max(status, Status.of(error))
        document = JSONReport.error(path, error)
      }
      if options.quiet { continue }
      if options.ndjson { print(document.serialized(pretty: false)) } else if options.json { documents.append(document) }
    }
    if options.json && !options.quiet {
      print(documents.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
    }
    exit(status)
  }
}
