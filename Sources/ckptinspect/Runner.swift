import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit statuses beyond ArgumentParser's (0 success, 64 usage), from BSD sysexits.
enum Status {
  /// A checkpoint is malformed (EX_DATAERR).
  static let malformed: Int32 = 65
  /// A path cannot be opened or read (EX_NOINPUT).
  static let unreadable: Int32 = 66
  /// The input is another format (a Git LFS pointer, a PyTorch pickle, an HTML page): not a
  /// checkpoint this tool reads, and not a malformed one either.
  static let foreign: Int32 = 67

  static func of(_ error: CheckpointError) -> Int32 {
    error.isUnreadable ? unreadable : error.isForeign ? foreign : malformed
  }
}

/// Runs one report over every input: text reports separated by blank lines, or JSON. A failed
/// input prints a one-line error and the others still run.
struct Runner {
  /// The inputs and output form, as plain values (the fast path has no InputOptions).
  struct Options {
    var paths: [String]
    var json = false
    var ndjson = false
    var full = false
    /// Endpoint, token, cache and timeout for URLs and hf:// repos.
    var remote = RemoteOptions()
  }

  let options: Options
  /// What to read for each input.
  var load: LoadOptions
  /// The status when an input was read but `failed` says its report found a problem (audit: 3).
  var findingsStatus: Int32 = 0

  init(options: Options, load: LoadOptions = LoadOptions(), findingsStatus: Int32 = 0) {
    self.options = options
    self.load = load
    self.load.full = options.full
    self.load.remote = options.remote
    self.findingsStatus = findingsStatus
  }

  init(options: InputOptions, load: LoadOptions = LoadOptions(), findingsStatus: Int32 = 0) {
    self.init(options: options.values, load: load, findingsStatus: findingsStatus)
  }

  /// Ends the process with the status of the worst input. It exits here rather than returning:
  /// the catalogs are kept, not freed tensor by tensor on the way out (for a 20,000-tensor header
  /// that freeing was a fifth of the run); the process's end returns their memory at once.
  func run(
    text: (Catalog) throws -> String, json: (Catalog) throws -> JSONValue, failed: (Catalog) -> Bool = { _ in false }
  ) throws -> Never {
    var status: Int32 = 0
    var documents: [JSONValue] = []
    var first = true
    var kept: [Catalog] = []
    for path in options.paths {
      do {
        let catalog = try CheckpointLoader.load(path, options: load)
        kept.append(catalog)
        if findingsStatus != 0 && failed(catalog) { status = max(status, findingsStatus) }
        if options.ndjson {
          print(try json(catalog).serialized(pretty: false))
        } else if options.json {
          documents.append(try json(catalog))
        } else {
          if !first { print("") }
          print(try text(catalog))
          first = false
          for warning in catalog.warnings { printError("warning: \(warning)") }
        }
      } catch let failure as ReportFailure {
        // The input was read; what was asked of it is not there (exit 1, one line).
        printError("error: \(failure.message)")
        status = max(status, 1)
        if options.json || options.ndjson {
          let document = JSONValue.object([
            ("schema", .string(JSONReport.schema)), ("path", .string(path)),
            ("error", .object([("kind", .string(failure.kind)), ("message", .string(failure.message))])),
          ])
          if options.ndjson { print(document.serialized(pretty: false)) } else { documents.append(document) }
        }
      } catch let error as CheckpointError {
        printError("error: \(error)")
        status = max(status, Status.of(error))
        if options.json || options.ndjson {
          let document = JSONReport.error(path, error)
          if options.ndjson { print(document.serialized(pretty: false)) } else { documents.append(document) }
        }
      }
    }
    if options.json {
      print(documents.count == 1 && options.paths.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
    }
    withExtendedLifetime(kept) { exit(status) }
  }
}

/// A report that cannot be made from an input that was read fine (a metadata key it lacks):
/// one line and exit status 1, not a usage error.
struct ReportFailure: Error {
  var kind: String
  var message: String
}

/// Writes a line to standard error with write(2): `stderr` the C global is not concurrency-safe.
func printError(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
