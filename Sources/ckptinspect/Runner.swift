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
    /// Nothing on standard output, no warnings: only the exit status (and errors).
    var quiet = false
    /// Markdown instead of text (summary, audit, memory, tensors).
    var markdown = false
    var color = Terminal.ColorMode.auto
    /// Endpoint, token, cache and timeout for URLs and hf:// repos.
    var remote = RemoteOptions()

    /// Width and colour of standard output.
    var style: TextStyle { Terminal.style(color) }
  }

  let options: Options
  /// What to read for each input.
  var load: LoadOptions
  /// The status when an input was read but `failed` says its report found a problem (audit: 3).
  var findingsStatus: Int32 = 0
  /// Text is fitted to the terminal's width (what the report did not lay out itself, such as
  /// a long path, wraps at spaces); off for `metadata --all`, whose lines stay whole.
  var fitsWidth = true

  init(options: Options, load: LoadOptions = LoadOptions(), findingsStatus: Int32 = 0) {
    self.options = options
    self.load = load
    self.load.full = options.full
    self.load.remote = options.remote
    self.findingsStatus = findingsStatus
  }

  init(options: InputOptions, markdown: MarkdownOption? = nil, load: LoadOptions = LoadOptions(), findingsStatus: Int32 = 0) {
    var values = options.values
    values.markdown = markdown?.markdown ?? false
    self.init(options: values, load: load, findingsStatus: findingsStatus)
  }

  /// Ends the process with the status of the worst input. It exits here rather than returning:
  /// the catalogs are kept, not freed tensor by tensor on the way out (for a 20,000-tensor header
  /// that freeing was a fifth of the run); the process's end returns their memory at once.
  func run(
    text: (Catalog) throws -> String, json: (Catalog) throws -> JSONValue,
    markdown: ((Catalog) throws -> String)? = nil, failed: (Catalog) -> Bool = { _ in false }
  ) throws -> Never {
    if options.markdown && (options.json || options.ndjson) {
      throw ValidationError("Choose one of --markdown and --\(options.json ? "json" : "ndjson").")
    }
    let width = options.style.width
    // Markdown is pasted elsewhere: it is neither fitted to this terminal nor coloured.
    func render(_ catalog: Catalog) throws -> String {
      if options.markdown, let markdown { return try markdown(catalog) }
      let report = try text(catalog)
      return fitsWidth ? TextLayout.fit(report, width: width) : report
    }
    let quiet = options.quiet
    func output(_ line: String) { if !quiet { print(line) } }
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
          output(try json(catalog).serialized(pretty: false))
        } else if options.json {
          documents.append(try json(catalog))
        } else {
          if !first { output("") }
          output(try render(catalog))
          first = false
          if !quiet { for warning in catalog.warnings { printError("warning: \(warning)") } }
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
          if options.ndjson { output(document.serialized(pretty: false)) } else { documents.append(document) }
        }
      } catch let error as CheckpointError {
        printError("error: \(error)")
        status = max(status, Status.of(error))
        if options.json || options.ndjson {
          let document = JSONReport.error(path, error)
          if options.ndjson { output(document.serialized(pretty: false)) } else { documents.append(document) }
        }
      }
    }
    if options.json {
      output(documents.count == 1 && options.paths.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
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
/// A leading `error:` or `warning:` is coloured when standard error takes colour.
func printError(_ line: String) {
  StandardError.write(Diagnostics.painted(line) + "\n")
}

/// Standard error's colour, decided once: from `--color` as written on the command line (a
/// usage error is reported before any option is parsed), `NO_COLOR`, and whether standard
/// error is a terminal.
enum Diagnostics {
  static let style = TextStyle(color: Terminal.usesColor(requestedColor(CommandLine.arguments), fd: 2))

  /// The last `--color WHEN` or `--color=WHEN` before `--`; `auto` without one.
  static func requestedColor(_ arguments: [String]) -> Terminal.ColorMode {
    var mode = Terminal.ColorMode.auto
    var k = 0
    while k < arguments.count, arguments[k] != "--" {
      if arguments[k].hasPrefix("--color=") {
        mode = Terminal.ColorMode(rawValue: String(arguments[k].dropFirst("--color=".count))) ?? mode
      } else if arguments[k] == "--color", k + 1 < arguments.count {
        mode = Terminal.ColorMode(rawValue: arguments[k + 1]) ?? mode
        k += 1
      }
      k += 1
    }
    return mode
  }

  /// `line` with its `error:` or `warning:` prefix coloured.
  static func painted(_ line: String) -> String {
    guard style.color else { return line }
    for (prefix, paint) in [("error:", Paint.error), ("warning:", Paint.warning)] where line.hasPrefix(prefix) {
      return style.paint(prefix, paint) + line.dropFirst(prefix.count)
    }
    return line
  }
}
