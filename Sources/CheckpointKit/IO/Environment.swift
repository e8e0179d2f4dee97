#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's surroundings through their C calls: environment variables, the terminal's
/// size, standard error. C strings and `ioctl`'s out-parameter are the unsafe part; callers get
/// Strings and numbers.
enum Environment {
  static func get(_ name: String) -> String? {
    unsafe getenv(name).map { unsafe String(cString: $0) }
  }

  static func set(_ name: String, _ value: String) {
    _ = unsafe setenv(name, value, 1)
  }

  /// The columns of the terminal on `fd`, nil when it is not a terminal or does not say.
  static func terminalColumns(of fd: Int32) -> Int? {
    var size = winsize()
    guard isatty(fd) == 1, unsafe ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  static func isTerminal(_ fd: Int32) -> Bool {
    isatty(fd) == 1
  }

  /// The text of an errno value.
  static func errorMessage(_ code: Int32) -> String {
    unsafe String(cString: strerror(code))
  }
}

/// write(2), under a name that the method below does not shadow.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  unsafe write(fd, bytes, count)
}

/// Standard error, written with write(2): `stderr` the C global is not concurrency-safe.
public enum StandardError {
  /// Writes `text` as it is (no newline added). Short writes and errors are ignored: there is
  /// nowhere left to report them.
  public static func write(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var done = 0
      while done < bytes.count {
        // `bytes` is the String's own storage, valid in this closure; `done < count` keeps the
        // pointer inside it.
        let n = unsafe systemWrite(2, bytes.baseAddress! + done, bytes.count - done)
        if n <= 0 { return }
        done += n
      }
    }
  }
}
