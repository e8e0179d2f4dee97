import Foundation
import Testing

/// Where test inputs live.
enum Paths {
  /// The package root, found from this file's path.
  static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()

  static func testData(_ name: String) -> String { root + "/TestData/" + name }

  /// The real checkpoints fetched by scripts/fetch-real-checkpoints.
  static let realData: String =
    ProcessInfo.processInfo.environment["CKPT_REALDATA"]
    ?? (NSHomeDirectory() + "/.cache/ckptinspect/realdata")

  /// A real checkpoint's path. A missing file fails the test (it does not skip it): the README's
  /// test command fetches them first.
  static func real(_ name: String) -> String {
    let path = realData + "/" + name
    if !FileManager.default.fileExists(atPath: path) {
      Issue.record("missing real checkpoint \(path): run scripts/fetch-real-checkpoints")
    }
    return path
  }
}

/// A fresh directory for files a test writes, removed when the value is released.
final class TempDir {
  let path: String

  init() {
    // No dashes: a UUID group such as "-432B-" would read as a size label in the audit.
    path = NSTemporaryDirectory() + "ckptinspect-test-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let file = path + "/" + name
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    return file
  }

  @discardableResult
  func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

  /// Copies a file from elsewhere into this directory.
  @discardableResult
  func copy(_ source: String, as name: String) -> String {
    let file = path + "/" + name
    try? FileManager.default.copyItem(atPath: source, toPath: file)
    return file
  }
}
