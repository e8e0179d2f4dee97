@testable import CheckpointKit
import Foundation
import Testing

/// Issue 12, items 11, 12, 15 and 17: how the output looks. Each test failed before its change.
enum Look {
  /// Display columns of a line: Characters, colour codes left out.
  static func width(_ line: Substring) -> Int { TextLayout.width(line) }

  /// The lines of `text` wider than `columns`, but for a line that is one word (a long path
  /// is left whole, so it can be copied).
  static func tooWide(_ text: String, _ columns: Int) -> [String] {
    text.split(separator: "\n").filter { width($0) > columns && $0.drop { $0 == " " }.contains(" ") }.map(String.init)
  }

  /// Runs the binary on a pseudo-terminal of `columns` columns (script(1)), as a user at a
  /// terminal does; COLUMNS is removed so the terminal's own width counts.
  static func inTerminal(_ arguments: [String], columns: Int, environment: [String: String?] = [:]) throws -> CLI.Result {
    let command = "stty cols \(columns) rows 50; '\(CLI.binary)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
    var env: [String: String?] = ["COLUMNS": nil, "NO_COLOR": nil, "TERM": "xterm"]
    for (key, value) in environment { env[key] = value }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", command, "/dev/null"]
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in env { merged[key] = value }
    process.environment = merged
    process.currentDirectoryURL = URL(fileURLWithPath: CLI.root)
    let out = Pipe()
    process.standardOutput = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    return CLI.Result(status: process.terminationStatus, stdout: text, stderr: "")
  }
}

// MARK: 11. Width

@Suite struct WidthTests {
  static let columns = [60, 80, 200]

  /// Every report on the inputs that used to wrap fits 60, 80 and 200 columns.
  @Test(arguments: columns)
  func everyLineFits(columns: Int) throws {
    let dir = TempDir()
    let mixtral = try Fixtures.mixtralGGUF(in: dir)
    let gemma = Fixtures.longNames(in: dir)
    let runs: [[String]] = [
      [mixtral], [mixtral, "--exact"], ["audit", mixtral], ["audit", "--exact", "--expect", "7B", mixtral],
      ["tensors", mixtral], ["tensors", "--exact", mixtral], ["tensors", gemma], [gemma, "--layers"],
      ["metadata", "TestData/tiny-llama.Q8_0.gguf"], ["memory", mixtral, "--gpu", "rtx4090,a100-80g,h100", "--explain"],
      ["memory", "TestData/tiny-llama.Q8_0.gguf", "--explain"], ["TestData/malformed/unknown-dtype.safetensors"],
    ]
    for arguments in runs {
      let r = try CLI.run(arguments, environment: ["COLUMNS": String(columns)])
      #expect(r.status == 0 || r.status == 3, "\(arguments): \(r.stderr)")
      #expect(Look.tooWide(r.stdout, columns) == [], "\(arguments) at \(columns) columns")
    }
  }

  /// A terminal's own width counts (TIOCGWINSZ) when COLUMNS is not set.
  @Test func terminalWidthFromTheTerminal() throws {
    let dir = TempDir()
    let mixtral = try Fixtures.mixtralGGUF(in: dir)
    let wide = try Look.inTerminal(["audit", mixtral], columns: 120)
    #expect(wide.stdout.contains("GGUF hyperparameters, active (top-2 of 8)"))
    let narrow = try Look.inTerminal(["audit", mixtral], columns: 70)
    #expect(Look.tooWide(narrow.stdout, 70) == [])
    #expect(!narrow.stdout.contains("GGUF hyperparameters, active (top-2 of 8)"))
  }

  /// Names lose their middle only when the row would not fit otherwise; what is kept is the
  /// start and the end.
  @Test func longNamesShortenedInTheMiddleOnlyWhenNeeded() throws {
    let dir = TempDir()
    let gemma = Fixtures.longNames(in: dir)
    let wide = try CLI.run(["tensors", gemma], environment: ["COLUMNS": "200"])
    #expect(!wide.stdout.contains("…"))
    #expect(wide.stdout.contains("model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight  BF16"))
    let narrow = try CLI.run(["tensors", gemma], environment: ["COLUMNS": "80"])
    let rows = narrow.stdout.split(separator: "\n").dropFirst(2).prefix(22)
    #expect(rows.count == 22)
    // A name that fits is whole; the others keep their start and their end.
    #expect(rows.contains { $0.hasPrefix("model.language_model.norm.weight ") })
    let shortened = rows.filter { $0.contains("…") }
    #expect(shortened.count == 21)
    #expect(shortened.allSatisfy { $0.hasPrefix("model.") && $0.split(separator: " ")[0].hasSuffix("weight") })
    #expect(rows.contains { $0.hasPrefix("model.lan…0.self_attn.q_proj.weight ") })
    #expect(rows.contains { $0.hasPrefix("model.vis…0.self_attn.q_proj.weight ") })
    // The GGUF names of Mixtral fit 80 columns whole.
    let mixtral = try CLI.run(["tensors", try Fixtures.mixtralGGUF(in: dir)], environment: ["COLUMNS": "80"])
    #expect(!mixtral.stdout.contains("…"))
  }

  /// Long explanations wrap between words with a hanging indent; no word is cut.
  @Test func explanationsWrapAtWordsWithAHangingIndent() throws {
    let dir = TempDir()
    let mixtral = try Fixtures.mixtralGGUF(in: dir)
    let wide = try CLI.run(["audit", mixtral], environment: ["COLUMNS": "1000"])
    let narrow = try CLI.run(["audit", mixtral], environment: ["COLUMNS": "80"])
    let explanation = wide.stdout.split(separator: "\n").first { $0.hasPrefix("    file name: 8x7B names") }
    #expect(explanation != nil)
    let lines = narrow.stdout.split(separator: "\n")
    guard let start = lines.firstIndex(where: { $0.hasPrefix("    file name: 8x7B names") }) else {
      Issue.record("no explanation in \(narrow.stdout)")
      return
    }
    #expect(lines[start + 1].hasPrefix("      ") && !lines[start + 1].hasPrefix("       "))
    let rejoined = [lines[start], lines[start + 1]].map { $0.drop { $0 == " " } }.joined(separator: " ")
    #expect(rejoined == explanation?.drop { $0 == " " }.description)
    // The verdict of the README's example used to be 81 columns.
    let verdict = lines.first { $0.hasPrefix("    verdict:") }
    #expect(verdict.map { Look.width($0) <= 80 } == true)
  }

  /// metadata cuts values at the terminal's width, not at 80.
  @Test func metadataUsesTheWholeWidth() throws {
    let wide = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf"], environment: ["COLUMNS": "200"])
    let tokens = wide.stdout.split(separator: "\n").first { $0.hasPrefix("tokenizer.ggml.tokens") }
    #expect(tokens?.hasSuffix(#""tok6", "tok7", … (504 more)]"#) == true)
    #expect(tokens.map { Look.width($0) > 80 } == true)
    let cut = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf"], environment: ["COLUMNS": "100"])
    let tokens100 = cut.stdout.split(separator: "\n").first { $0.hasPrefix("tokenizer.ggml.tokens") }
    #expect(tokens100.map { Look.width($0) } == 100)
    #expect(tokens100?.hasSuffix("…") == true)
    let narrow = try CLI.run(["metadata", "TestData/tiny-llama.Q8_0.gguf"], environment: ["COLUMNS": "60"])
    #expect(Look.tooWide(narrow.stdout, 60) == [])
    #expect(narrow.stdout.contains("general.architecture"))
    // --all keeps lines whole; --key prints the value as it is.
    let all = try CLI.run(["metadata", "--all", "TestData/tiny-llama.Q8_0.gguf"], environment: ["COLUMNS": "60"])
    #expect(all.stdout.contains("\"tok511\"]"))
  }
}

// MARK: 12. Help

@Suite struct HelpTests {
  /// Paragraphs are written unwrapped: at 200 columns a paragraph is one line; at 80 and 60
  /// ArgumentParser wraps it, and nothing is wrapped twice.
  @Test func paragraphsAreWrappedOnceToTheTerminal() throws {
    let wide = try CLI.run(["--help"], environment: ["COLUMNS": "200"])
    #expect(wide.stdout.contains("(a directory or its *.index.json), .gguf files and split GGUF, also compressed"))
    for command in [[], ["audit"], ["validate"], ["metadata"], ["summary"], ["tensors"], ["memory"]] {
      for columns in [60, 80] {
        let r = try CLI.run(command + ["--help"], environment: ["COLUMNS": String(columns)])
        #expect(r.status == 0)
        #expect(Look.tooWide(r.stdout, columns) == [], "\(command) at \(columns)")
        // A hand-wrapped line ended early and left a short fragment on its own line.
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for (a, b) in zip(lines, lines.dropFirst()) where !a.isEmpty && !b.isEmpty && a.first != " " && b.first != " " {
          let next = b.split(separator: " ").first.map { $0.count } ?? 0
          // ArgumentParser leaves the last column empty: a line ends where the next word would
          // reach it.
          #expect(Look.width(a) + 1 + next >= columns || a.hasSuffix(":"), "\(command): '\(a)' / '\(b)'")
        }
      }
    }
    // A very narrow terminal gets the narrowest layout, not ArgumentParser's fatal error.
    let tiny = try CLI.run(["tensors", "--help"], environment: ["COLUMNS": "20"])
    #expect(tiny.status == 0 && tiny.stdout.contains("--filter"))
    let audit = try CLI.run(["audit", "--help"], environment: ["COLUMNS": "300"])
    #expect(audit.stdout.contains("GGUF general.size_label and general.parameter_count, safetensors"))
  }

  /// The top-level help shows the default form and every exit status.
  @Test func topLevelHelpShowsTheDefaultFormAndExitStatuses() throws {
    let help = try CLI.run(["--help"]).stdout
    #expect(help.contains("USAGE: ckptinspect PATH... [<options>]\n       ckptinspect <subcommand> PATH... [<options>]"))
    for status in ["0", "1", "3", "64", "65", "66", "67"] {
      #expect(help.split(separator: "\n").contains { $0.hasPrefix("  \(status) ") }, "exit status \(status)")
    }
    #expect(help.contains("validate: an input is invalid"))
    #expect(help.contains("audit: a finding"))
    #expect(help.contains("Git LFS pointer"))
  }
}

// MARK: 15. Numbers

@Suite struct NumberTests {
  /// --exact prints bytes as whole numbers too.
  @Test func exactAppliesToBytes() throws {
    let dir = TempDir()
    let mixtral = try Fixtures.mixtralGGUF(in: dir)
    let r = try CLI.run([mixtral, "--exact"])
    #expect(r.stdout.contains("  size         30,218,793,696 bytes (header 21,189 bytes)"))
    let experts = r.stdout.split(separator: "\n").first { $0.hasPrefix("  experts") }?.split(separator: " ")
    #expect(experts == ["experts", "45,097,156,608", "96.6%", "29,242,687,488", "5.19", "Q4_K", "Q6_K"])
    let layers = try CLI.run(["summary", "--exact", "--layers", "TestData/tiny-llama-sharded"])
    #expect(layers.stdout.contains("      0        9  36,992  74,240\n"))
    // An index whose total_size is 1,000,000 bytes more than the tensors.
    let copy = TempDir()
    let source = CLI.root + "/TestData/tiny-llama-sharded"
    for name in try FileManager.default.contentsOfDirectory(atPath: source) {
      var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: source + "/" + name)))
      if name.hasSuffix(".index.json") {
        bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "279808", with: "1279808").utf8)
      }
      _ = copy.write(name, bytes)
    }
    let exact = try CLI.run(["audit", "--exact", copy.path])
    #expect(exact.stdout.contains("+1,000,000 (+357.39%)"), "\(exact.stdout)")
    #expect(exact.stdout.contains("1,279,808"))
    let rounded = try CLI.run(["audit", copy.path])
    #expect(rounded.stdout.contains("+1.00 MB (+357.39%)"))
  }

  /// Integers of four digits and more are grouped everywhere: dtype counts, claims.
  @Test func thousandsSeparatorsEverywhere() throws {
    let dir = TempDir()
    let many = Fixtures.safetensors((0..<1200).map { ("layers.\($0).weight", [2]) }, dtype: "BF16", width: 2, in: dir, name: "many.safetensors")
    let r = try CLI.run([many])
    #expect(r.stdout.contains("  tensors      1,200\n"))
    #expect(r.stdout.contains("  dtypes       BF16 1,200\n"))
    let mixtral = try CLI.run(["audit", try Fixtures.mixtralGGUF(in: dir)])
    let row = mixtral.stdout.split(separator: "\n").first { $0.contains("general.parameter_count") }
    #expect(row?.contains("46,702,792,704") == true)
    #expect(!mixtral.stdout.contains("46702792704"))
  }

  /// A tensor of unknown dtype has unknown bytes, not `0 B` and `0.00`.
  @Test func unknownDTypeSaysUnknown() throws {
    let r = try CLI.run(["TestData/malformed/unknown-dtype.safetensors"])
    #expect(r.stdout.contains("  other           2  100.0%  unknown  unknown  F12"))
    #expect(r.stdout.contains("  total           2  100.0%  unknown  unknown"))
    #expect(!r.stdout.contains("0 B"))
    let tensors = try CLI.run(["tensors", "TestData/malformed/unknown-dtype.safetensors"])
    #expect(tensors.stdout.contains("w     F12    [2]         2  unknown  other"))
  }

  /// Binary sizes go on to TiB past 1024 GiB.
  @Test func binarySizesReachTiB() {
    #expect(Units.binary(1100 << 30) == "1.07 TiB")
    #expect(Units.binary(1023 << 30) == "1023.0 GiB")
    #expect(Units.binary(28 << 30) == "28.0 GiB")
    #expect(Units.binary(114_483) == "111.8 KiB")
    #expect(Units.binary(512) == "512 B")
    #expect(Units.binary(3 << 50) == "3.00 PiB")
  }
}

// MARK: 17. Conventions

@Suite struct ConventionTests {
  static let red = "\u{1B}[1;31m"

  /// Colour: findings, UNEXPLAINED and errors on a terminal; never in a pipe unless asked;
  /// NO_COLOR and --color never turn it off.
  @Test func colourOnATerminalOnly() throws {
    let arguments = ["audit", "--expect", "7B", "TestData/tiny-llama"]
    let piped = try CLI.run(arguments)
    #expect(piped.status == 3)
    #expect(!piped.stdout.contains("\u{1B}["))
    let always = try CLI.run(arguments + ["--color", "always"])
    #expect(always.stdout.contains(Self.red + "UNEXPLAINED"))
    #expect(always.stdout.contains(Self.red + "finding:"))
    #expect(try CLI.run(arguments + ["--color=never"]).stdout == piped.stdout)
    let terminal = try Look.inTerminal(arguments, columns: 100)
    #expect(terminal.stdout.contains(Self.red + "UNEXPLAINED"))
    let noColor = try Look.inTerminal(arguments, columns: 100, environment: ["NO_COLOR": "1"])
    #expect(noColor.stdout.contains("UNEXPLAINED") && !noColor.stdout.contains("\u{1B}["))
    let forced = try Look.inTerminal(arguments + ["--color", "always"], columns: 100, environment: ["NO_COLOR": "1"])
    #expect(forced.stdout.contains(Self.red + "UNEXPLAINED"))
    // Errors, ours and ArgumentParser's.
    let missing = try CLI.run(["nope.gguf", "--color", "always"])
    #expect(missing.stderr == Self.red + "error:\u{1B}[0m nope.gguf: cannot open: No such file or directory\n")
    let usage = try CLI.run(["tensors", "--color", "always"])
    #expect(usage.stderr.hasPrefix(Self.red + "error:\u{1B}[0m Missing expected argument"))
    #expect(try CLI.run(["nope.gguf"]).stderr.hasPrefix("error: "))
    #expect(try CLI.run(["TestData/tiny-llama", "--color", "sometimes"]).status == 64)
  }

  /// One error prefix: ArgumentParser's `Error:` is `error:` too.
  @Test func oneErrorPrefix() throws {
    for arguments in [["tensors"], ["TestData/tiny-llama", "--json", "--ndjson"], ["tensors", "TestData/tiny-llama", "--sort", "size"]] {
      let r = try CLI.run(arguments)
      #expect(r.status == 64)
      #expect(r.stderr.hasPrefix("error: "), "\(arguments): \(r.stderr)")
      #expect(!r.stderr.contains("Error:"))
    }
  }

  /// --markdown: tables to paste into an issue, for summary, audit, memory and tensors.
  @Test func markdownTables() throws {
    let summary = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--markdown"])
    #expect(summary.status == 0)
    #expect(summary.stdout.hasPrefix("| checkpoint | `TestData/tiny-llama.Q8_0.gguf` |\n| :-- | :-- |\n| format | GGUF v3, llama, 22 metadata keys |\n"))
    #expect(summary.stdout.contains("| component | params | share | bytes | bits/w | dtypes |\n| :-- | --: | --: | --: | --: | :-- |\n| embedding | 32.8K | 30.7% | 34.8 kB | 8.50 | Q8_0 |"))
    #expect(summary.stdout.contains("| general.size_label | 140K | +33.2K (+31.07%) | explained |"))
    #expect(summary.stdout.contains("- **verdict**: 106,816 parameters; every reported figure agrees or is explained"))
    #expect(try CLI.run(["summary", "TestData/tiny-llama.Q8_0.gguf", "--markdown"]).stdout == summary.stdout)
    let audit = try CLI.run(["audit", "--markdown", "--expect", "7B", "TestData/tiny-llama"])
    #expect(audit.status == 3)
    #expect(audit.stdout.contains("| --expect | 7B | +7.00B (+5014801.42%) | **UNEXPLAINED** |"))
    #expect(audit.stdout.contains("- **finding**: expected 7B"))
    let tensors = try CLI.run(["tensors", "--markdown", "TestData/tiny-llama.Q8_0.gguf", "--filter", "blk.0.attn_q*"])
    #expect(tensors.stdout.contains("| `blk.0.attn_q.weight` | Q8_0 | [64, 64] | 4.1K | 4.35 kB | attention |  |"))
    #expect(tensors.stdout.contains("1 of 20 tensors; shapes in PyTorch order"))
    let memory = try CLI.run(["memory", "--markdown", "TestData/tiny-llama.Q8_0.gguf", "--context", "256", "--explain"])
    #expect(memory.status == 0)
    #expect(memory.stdout.contains("| memory | `TestData/tiny-llama.Q8_0.gguf` |\n| :-- | :-- |\n| weights as stored | 111.8 KiB (8.57 bits/param) |"))
    #expect(memory.stdout.contains("| KV cache per token | f16 256 B, q8_0 136 B, q4_0 72 B |"))
    #expect(memory.stdout.contains("- KV bytes = layers x KV heads x (key + value dims) x tokens x sequences x element bytes (f16 2,"))
    // Names that Markdown would read as emphasis are escaped.
    #expect(MarkdownReport.escape("__metadata__.total_parameters") == "\\_\\_metadata\\_\\_.total_parameters")
    // Not with JSON, and not for the commands that have no table.
    #expect(try CLI.run(["TestData/tiny-llama", "--markdown", "--json"]).status == 64)
    #expect(try CLI.run(["metadata", "TestData/tiny-llama", "--markdown"]).status == 64)
  }

  /// --quiet: only the exit status (errors still on standard error).
  @Test func quietWritesNothing() throws {
    let cases: [([String], Int32)] = [
      (["TestData/tiny-llama.Q8_0.gguf", "--quiet"], 0), (["audit", "-q", "--expect", "7B", "TestData/tiny-llama"], 3),
      (["validate", "--quiet", "TestData/malformed/offsets-hole.safetensors"], 1), (["tensors", "-q", "TestData/tiny-llama"], 0),
      (["TestData/malformed/unknown-dtype.safetensors", "-q"], 0), (["TestData/tiny-llama", "--json", "--quiet"], 0),
    ]
    for (arguments, status) in cases {
      let r = try CLI.run(arguments)
      #expect(r.status == status, "\(arguments)")
      #expect(r.stdout == "" && r.stderr == "", "\(arguments)")
    }
    let missing = try CLI.run(["--quiet", "nope.gguf"])
    #expect(missing.status == 66)
    #expect(missing.stdout == "")
    #expect(missing.stderr.hasPrefix("error: nope.gguf"))
  }

  /// general.file_type is decoded (llama.cpp's llama_ftype).
  @Test func fileTypeDecoded() throws {
    #expect(try CLI.run(["TestData/tiny-llama.Q8_0.gguf"]).stdout.contains("  file type    MOSTLY_Q8_0 (general.file_type 7)\n"))
    let dir = TempDir()
    #expect(try CLI.run([try Fixtures.mixtralGGUF(in: dir)]).stdout.contains("  file type    MOSTLY_Q4_K_M (general.file_type 15)\n"))
    #expect(GGUFFileType.name(38) == "MOSTLY_MXFP4_MOE")
    #expect(GGUFFileType.name(41) == nil)
    #expect(!(try CLI.run(["TestData/tiny-llama"]).stdout.contains("file type")))
  }

  /// The tensors table says its shapes are in PyTorch order when the file is a GGUF.
  @Test func ggufShapeOrderLabelled() throws {
    let gguf = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "token_embd*"])
    #expect(gguf.stdout.contains("token_embd.weight  Q8_0   [512, 64]"))
    #expect(gguf.stdout.hasSuffix("1 of 20 tensors\nshapes in PyTorch order; GGUF lists dimensions reversed (gguf_dims in --json)\n"))
    #expect(!(try CLI.run(["tensors", "TestData/tiny-llama"]).stdout.contains("PyTorch order")))
  }

  /// Shell completions come from the ArgumentParser definitions.
  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScripts(shell: String) throws {
    let r = try CLI.run(["--generate-completion-script", shell])
    #expect(r.status == 0)
    for word in ["ckptinspect", "tensors", "audit", "markdown", "color", "always"] { #expect(r.stdout.contains(word), "\(shell): \(word)") }
  }
}
