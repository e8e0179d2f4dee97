import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `ckptinspect` command: `summary` (the default), `tensors`, `metadata`, `validate`,
/// `audit`, `memory`, `scan` and `diff`.
@main
struct CKPTInspect: ParsableCommand {
  // Help and discussion paragraphs are written as one line each: ArgumentParser wraps them to
  // the terminal (hand-wrapped lines were wrapped twice at 80 columns).
  static let configuration = CommandConfiguration(
    commandName: "ckptinspect",
    abstract: "Tell the truth about model checkpoints: tensors, parameters, dtypes, components.",
    usage: """
      ckptinspect PATH... [<options>]
      ckptinspect <subcommand> PATH... [<options>]
      """,
    discussion: """
      Reads .safetensors files, sharded safetensors (a directory or its *.index.json), .gguf files and split GGUF, also compressed as .zst, from local paths, http(s) URLs and hf:// repos, from their headers only: tensor data is never read, except by scan, which reads every weight. Without a subcommand, PATH... is summarized. diff compares two checkpoints, across formats too (Hugging Face safetensors against its GGUF conversion), or checks an adapter against its base.

      Output fits the terminal (COLUMNS, else its width, else 80 columns), with colour on a terminal (--color, NO_COLOR). --json and --ndjson write JSON; --markdown writes tables to paste into an issue; --quiet writes nothing, for scripts that want only the exit status.

      Exit status:
        0   success: every input read (validate: all valid; audit: no finding)
        1   validate: an input is invalid; metadata --key: a key is missing
            scan: NaN/Inf, an all-zero weight or a checksum mismatch
            diff --exit-code: the two checkpoints differ structurally
        3   audit: a finding (an unexplained difference, a failed --expect)
        64  bad command-line usage
        65  a checkpoint is malformed
        66  a path cannot be opened or read (a URL or repo: the server failed)
        67  another format: a Git LFS pointer, a pickle, an HTML page, ...

      With several inputs every input is reported and the status is the worst one. Warnings (an unknown dtype, bytes after the last tensor) go to standard error, or into warnings[] in JSON; they do not fail.
      """,
    version: "0.1.0",
    subcommands: [Summary.self, Tensors.self, Metadata.self, Validate.self, AuditCommand.self, MemoryCommand.self, ScanCommand.self, DiffCommand.self],
    defaultSubcommand: Summary.self
  )

  /// One error prefix everywhere: ArgumentParser's messages start `error: ` like ours, not
  /// `Error: ` (an underscored, experimental ArgumentParser hook: its fallback is harmless).
  static var _errorPrefix: String { "error: " }

  static func main() {
    let arguments = CommandLine.arguments.dropFirst()
    if let fast = FastPath(arguments) {
      Glibc.exit(fast.run())
    }
    if let first = arguments.first, let meant = misspelledCommand(first) {
      printError("error: unknown command '\(first)': did you mean '\(meant)'? (see ckptinspect --help)")
      Glibc.exit(64)
    }
    run(joiningNegativeValues(Array(arguments)))
  }

  /// ArgumentParser's `main`, with what it prints fitted: help wrapped to the terminal's width
  /// (its usage synopsis too, which it leaves on one line of any length), and errors through
  /// `printError`, so their `error: ` is coloured like ours.
  static func run(_ arguments: [String]) -> Never {
    // ArgumentParser's help needs more than its 26-column label column: narrower (COLUMNS=20),
    // it stops with a fatal error, and it reads COLUMNS itself wherever it renders help. It
    // gets the reports' minimum instead.
    let width = max(Terminal.width(of: 1), Terminal.minimumWidth)
    if width != Terminal.width(of: 1) { Terminal.setWidth(width) }
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      Glibc.exit(0)
    } catch {
      let code = exitCode(for: error)
      let text = fullMessage(for: error, columns: width)
      if code == .success {
        print(isHelp(text) ? wrappingUsage(text, width: width) : text)
      } else if !text.isEmpty {
        printError(text)
      }
      Glibc.exit(code.rawValue)
    }
  }

  /// A help screen (not a version, a completion script or the JSON of --experimental-dump-help).
  static func isHelp(_ text: String) -> Bool {
    text.hasPrefix("OVERVIEW: ") || text.hasPrefix("USAGE: ")
  }

  /// Help with every `USAGE:` line longer than `width` broken between its options
  /// (`[--endpoint <url>]` stays whole), continuation lines two spaces deeper than the command.
  static func wrappingUsage(_ help: String, width: Int) -> String {
    var inUsage = false
    var out: [String] = []
    for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("USAGE: ") { inUsage = true } else if !line.hasPrefix("       ") { inUsage = false }
      guard inUsage, TextLayout.width(line) > width else {
        out.append(String(line))
        continue
      }
      let hanging = 9
      var current = ""
      for group in synopsisGroups(line) {
        if !current.isEmpty && TextLayout.width(current) + 1 + TextLayout.width(group) > width {
          out.append(current)
          current = String(repeating: " ", count: hanging) + group
        } else {
          current += current.isEmpty || current.hasSuffix(" ") ? group : " " + group
        }
      }
      out.append(current)
    }
    return out.joined(separator: "\n")
  }

  /// The words of a usage line, an option in brackets with its value one word: `USAGE:`,
  /// `ckptinspect`, `validate`, `<path> ...`, `[--endpoint <url>]`. Leading spaces stay with
  /// the first word.
  static func synopsisGroups(_ line: Substring) -> [String] {
    var groups: [String] = []
    var current = ""
    var depth = 0
    for ch in line {
      if ch == "[" || ch == "<" { depth += 1 }
      if ch == "]" || ch == ">" { depth -= 1 }
      if ch == " ", depth == 0, !current.allSatisfy({ $0 == " " }) {
        groups.append(current)
        current = ""
        continue
      }
      current.append(ch)
    }
    if !current.isEmpty { groups.append(current) }
    // `<path> ...` reads as one word.
    var merged: [String] = []
    for group in groups {
      if group == "...", let last = merged.popLast() { merged.append(last + " ...") } else { merged.append(group) }
    }
    return merged
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
