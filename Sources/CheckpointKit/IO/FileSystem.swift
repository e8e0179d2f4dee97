#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file-system questions the loader asks, answered with plain syscalls so the library
/// does not need Foundation.
public enum FileSystem {
  /// `stream`: a pipe, a FIFO or a character device (`/dev/stdin` in a pipeline): readable only
  /// forward, never mappable.
  enum Kind { case file, directory, stream, missing }

  static func kind(of path: String) -> Kind {
    var st = stat()
    guard unsafe stat(path, &st) == 0 else { return .missing }
    switch st.st_mode & S_IFMT {
    case S_IFDIR: return .directory
    case S_IFIFO, S_IFCHR, S_IFSOCK: return .stream
    default: return .file
    }
  }

  /// A descriptor for reading `path` (close-on-exec), or -1 with `errno` set.
  static func openForReading(_ path: String) -> Int32 {
    unsafe open(path, O_RDONLY | O_CLOEXEC)
  }

  /// Whether anything is at `path`.
  public static func exists(_ path: String) -> Bool {
    var st = stat()
    return unsafe stat(path, &st) == 0
  }

  /// The names in a directory (no `.`/`..`), sorted so results do not depend on the file system.
  static func list(_ path: String) throws(CheckpointError) -> [String] {
    guard let dir = unsafe opendir(path) else { throw CheckpointError.io(path, errno: errno, during: "list directory") }
    defer { unsafe closedir(dir) }
    var names: [String] = []
    while let entry = unsafe readdir(dir) {
      let name = unsafe withUnsafeBytes(of: entry.pointee.d_name) { raw in
        unsafe String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// The path with every symbolic link resolved, nil when it cannot be (a missing file).
  static func resolved(_ path: String) -> String? {
    guard let real = unsafe realpath(path, nil) else { return nil }
    defer { unsafe free(real) }
    return unsafe String(cString: real)
  }

  /// `dir/name`, without doubling a trailing slash.
  static func join(_ dir: String, _ name: String) -> String {
    dir.hasSuffix("/") ? dir + name : dir + "/" + name
  }

  /// The last path component.
  static func baseName(_ path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
    return String(trimmed)
  }

  /// Everything before the last path component (`.` when there is none).
  static func directoryName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }
}

extension String {
  /// The string with `suffix` replaced, or unchanged when it does not end with it.
  func replacingSuffix(_ suffix: String, with replacement: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) + replacement : self
  }
}
