import Foundation
import Testing

/// Runs the built `ckptinspect` binary from the package root, as a user would.
enum CLI {
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The binary sits beside the test bundle in the build products directory.
  static let binary: String = {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: me)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("ckptinspect").path) {
      url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("ckptinspect").path
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs the binary; `environment` entries are set on top of this process's (nil removes one).
  /// COLUMNS and NO_COLOR are removed unless given: output goes to a pipe, so it is 80 columns
  /// and plain wherever the tests run.
  static func run(_ arguments: [String], environment: [String: String?] = [:]) throws -> Result {
    try execute(binary, arguments, environment: environment)
  }

  /// Runs a shell command line from the package root (a pipeline into the binary, say).
  static func shell(_ command: String) throws -> Result {
    try execute("/bin/sh", ["-c", command])
  }

  static func execute(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    merged["COLUMNS"] = nil
    merged["NO_COLOR"] = nil
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    process.currentDirectoryURL = URL(fileURLWithPath: root)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Compares output with `Golden/NAME`; with CKPT_RECORD=1 in the environment, rewrites it.
  static func assertGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let path = root + "/Tests/ckptinspectTests/Golden/" + name
    if ProcessInfo.processInfo.environment["CKPT_RECORD"] == "1" {
      FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
      return
    }
    guard let golden = FileManager.default.contents(atPath: path) else {
      Issue.record("no golden file \(name): run the tests with CKPT_RECORD=1 to write it", sourceLocation: sourceLocation)
      return
    }
    #expect(text == String(decoding: golden, as: UTF8.self), "output differs from Golden/\(name)", sourceLocation: sourceLocation)
  }

  static func json(_ text: String) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(text.utf8))
  }
}
