import Foundation
import Testing
@testable import CheckpointKit

/// Replays TestData/malformed/ (written by scripts/make-malformed; crashers found by the fuzzer
/// are added there too). Each entry must fail with exactly the error kind EXPECTED names, or
/// load with a warning, and never crash.
@Suite struct MalformedCorpusTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var path: String
    var kind: String
    var why: String
    var testDescription: String { path }
  }

  static let cases: [Case] = {
    let text = (try? String(contentsOfFile: Paths.testData("malformed/EXPECTED"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return fields.count == 3 ? Case(path: fields[0], kind: fields[1], why: fields[2]) : nil
    }
  }()

  @Test func corpusIsComplete() {
    #expect(Self.cases.count >= 60)
    let onDisk = (try? FileManager.default.contentsOfDirectory(atPath: Paths.testData("malformed"))) ?? []
    let listed = Set(Self.cases.map(\.path))
    for name in onDisk where name != "EXPECTED" && name != "README.md" {
      #expect(listed.contains(name), "\(name) is in TestData/malformed but not in EXPECTED")
    }
  }

  @Test(arguments: cases)
  func replay(_ entry: Case) {
    let path = Paths.testData("malformed/" + entry.path)
    // `partial:KIND`: cut off inside its tensor data, the file still has its whole header to
    // report (with a warning), while `validate` reports KIND. `invalid:KIND`: read with a
    // warning, reported as KIND by `validate`.
    let partial = entry.kind.hasPrefix("partial:")
    let readable = partial || entry.kind.hasPrefix("invalid:")
    let kind = readable ? String(entry.kind.drop { $0 != ":" }.dropFirst()) : entry.kind
    do {
      let catalog = try CheckpointLoader.load(path)
      #expect(entry.kind == "warning" || readable, "\(entry.path) loaded but should fail with \(entry.kind)")
      #expect(!catalog.warnings.isEmpty, "\(entry.path) loaded without the expected warning")
      if partial { #expect(catalog.warnings.contains { $0.contains("a partial download?") }) }
    } catch {
      #expect(!readable, "\(entry.path): must load, with a warning: \(error)")
      // The loader throws CheckpointError only (typed throws): nothing else can arrive here.
      #expect(error.fault.kind == entry.kind, "\(entry.path): \(error)")
      #expect(error.file.hasPrefix(Paths.testData("malformed/" + entry.path)), "error does not name the file: \(error)")
      #expect(!error.description.contains("\n"), "error message is not one line")
    }
    // Reading on past each fault, as `validate` does, must report the same fault first and
    // never trap on the values it has just reported as wrong.
    let validation = ValidationResult.validate(path)
    if entry.kind == "warning" {
      #expect(validation.isValid, "\(entry.path): \(validation.problems)")
    } else {
      #expect(validation.problems.first?.fault.kind == kind, "\(entry.path): \(validation.problems)")
    }
  }
}
