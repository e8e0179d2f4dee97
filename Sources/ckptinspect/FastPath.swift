import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The common case, `ckptinspect [--json|--ndjson|--markdown|--exact|--layers|--tensors|--full|
/// --quiet|--color WHEN] PATH...`,
/// run without building ArgumentParser's command tree. That tree is built by reflection and costs
/// about 2 ms at every start, more than reading a 9 MB GGUF header. Anything else (a subcommand,
/// help, an unknown or misspelled option, no path) returns nil and goes through ArgumentParser,
/// which stays the one authority on usage and errors.
struct FastPath {
  var options = Runner.Options(paths: [])
  var exact = false
  var layers = false
  var tensors = false

  static let subcommands: Set<String> = ["summary", "tensors", "metadata", "validate", "audit", "memory", "diff", "help"]

  init?(_ arguments: ArraySlice<String>) {
    guard let first = arguments.first, !FastPath.subcommands.contains(first) else { return nil }
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      switch argument {
      case "--json": options.json = true
      case "--ndjson": options.ndjson = true
      case "--markdown": options.markdown = true
      case "--exact": exact = true
      case "--layers": layers = true
      case "--tensors": tensors = true
      case "--full": options.full = true
      case "--quiet", "-q": options.quiet = true
      case "--color":
        guard let value = rest.popFirst(), let mode = Terminal.ColorMode(rawValue: value) else { return nil }
        options.color = mode
      case _ where argument.hasPrefix("--color="):
        guard let mode = Terminal.ColorMode(rawValue: String(argument.dropFirst("--color=".count))) else { return nil }
        options.color = mode
      default:
        // Only what names an input: an existing path or a URL. Anything else (a misspelled
        // subcommand such as `tensor`, a missing file) goes to ArgumentParser, which suggests
        // the command meant or reports the path the way every command does.
        guard argument == "-" || (!argument.hasPrefix("-") && (RemoteAddress.isRemote(argument) || FastPath.exists(argument))) else {
          return nil
        }
        options.paths.append(argument)
      }
    }
    // Combinations ArgumentParser rejects are left for it to reject.
    guard !options.paths.isEmpty, !(options.json && options.ndjson), !(options.markdown && (options.json || options.ndjson)),
      !(tensors && !options.json && !options.ndjson)
    else { return nil }
  }

  static func exists(_ path: String) -> Bool {
    FileSystem.exists(path)
  }

  /// Runs the summary; returns the exit status.
  func run() -> Int32 {
    do {
      try Summary.run(options, exact: exact, layers: layers, tensors: tensors)
      return 0
    } catch let code as ExitCode {
      return code.rawValue
    } catch {
      printError("error: \(error)")
      return 1
    }
  }
}
