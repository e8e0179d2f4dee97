#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One status line on standard error, rewritten in place (callers show it on a terminal only).
enum Progress {
  static func show(_ line: String) {
    var text = "\r\u{1B}[K" + line
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }

  static func clear() {
    var text = "\r\u{1B}[K"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}
