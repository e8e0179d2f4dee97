import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `ckptinspect` command: `summary` (the default), `tensors` and `metadata`.
@main
struct CKPTInspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ckptinspect",
    abstract: "Tell the truth about model checkpoints: tensors, parameters, dtypes, components.",
    discussion: """
      Reads .safetensors files, sharded safetensors (a directory or its *.index.json), .gguf
      files and split GGUF, from their headers only: tensor data is never read.

      Exit status: 0 success; 64 bad command-line usage; 65 a checkpoint is malformed;
      66 a path cannot be opened or read. With several inputs, every input is reported and the
      status is that of the worst failure. Warnings (an unknown dtype, bytes after the last
      tensor) go to standard error in text mode and into warnings[] in JSON; they do not fail.
      `validate` has its own statuses: see `ckptinspect validate --help`.
      """,
    version: "0.1.0",
    subcommands: [Summary.self, Tensors.self, Metadata.self, Validate.self, AuditCommand.self, MemoryCommand.self],
    defaultSubcommand: Summary.self
  )

  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    if let fast = FastPath(arguments) {
      Glibc.exit(fast.run())
    }
    if let first = arguments.first, let meant = misspelledCommand(first) {
      printError("error: unknown command '\(first)': did you mean '\(meant)'? (see ckptinspect --help)")
      Glibc.exit(64)
    }
    main(joiningNegativeValues(Array(arguments)))
  }

  /// `--context -5` becomes `--context=-5`: ArgumentParser would take `-5` for an option and
  /// say the value is missing, where the user should hear that it must be positive.
  static func joiningNegativeValues(_ arguments: [String]) -> [String] {
    var out: [String] = []
    var k = 0
    while k < arguments.count {
      let argument = arguments[k]
      if argument.hasPrefix("--"), !argument.contains("="), k + 1 < arguments.count {
        let next = arguments[k + 1]
        if next.count > 1, next.hasPrefix("-"), let second = next.dropFirst().first, second.isNumber || second == "." {
          out.append(argument + "=" + next)
          k += 2
          continue
        }
      }
      out.append(argument)
      k += 1
    }
    return out
  }

  /// The subcommand `word` is a misspelling of, when it is no input: not an existing path, not a
  /// URL, and within two edits of a command's name (`tensor`, `sumary`, `valdate`). The default
  /// command would otherwise read it as a path and report a file that cannot be opened.
  static func misspelledCommand(_ word: String) -> String? {
    guard !word.hasPrefix("-"), !word.contains("/"), !word.contains("."), !FastPath.exists(word) else { return nil }
    let names = configuration.subcommands.map { $0._commandName }
    guard !names.contains(word) else { return nil }
    return names.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
  }

  /// Levenshtein distance over characters.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(x.count, 1) where !x.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: y.count, by: 1) {
        let saved = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return x.isEmpty ? y.count : row[y.count]
  }
}
