#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What was fetched from servers, kept on disk so that reading the same repo again makes no
/// request. Rules:
/// - a file's header bytes are keyed by the file's sha256 (its LFS oid from the listing), a small
///   file by its git oid: content-addressed, so they never go stale;
/// - a listing of a commit (40 hex digits) never goes stale; a listing of a branch or tag, and
///   anything read from a plain URL, is reused for `branchLifetime` seconds, then fetched again.
/// One file per entry under the cache directory, named by a hash of its key, written to a
/// temporary name and renamed (a reader never sees half an entry). The key is stored inside and
/// compared on reading, so a hash collision reads as a miss.
struct RemoteCache {
  static let branchLifetime: Double = 600
  let directory: String
  let enabled: Bool

  struct Entry {
    var bytes: [UInt8]
    /// The whole file's size when the bytes are its prefix.
    var size: UInt64?
    var age: Double
  }

  func get(_ key: String, maxAge: Double = .infinity) -> Entry? {
    guard enabled, let file = try? MappedFile(path: path(key)) else { return nil }
    return file.withSpan { bytes in
      // "ckptinspect-cache 1\nKEY\nTIME SIZE\n" then the bytes.
      var lines: [Substring] = []
      var start = 0
      var index = 0
      while lines.count < 3 && index < bytes.count {
        if bytes[index] == 0x0A {
          lines.append(Substring(bytes.extracting(start..<index).decodedString))
          start = index + 1
        }
        index += 1
      }
      guard lines.count == 3, lines[0] == "ckptinspect-cache 1", lines[1] == key else { return nil }
      let fields = lines[2].split(separator: " ")
      guard fields.count == 2, let time = Double(fields[0]) else { return nil }
      let age = Double(Self.now()) - time
      guard age <= maxAge else { return nil }
      var rest: [UInt8] = []
      rest.append(bytesOf: bytes.extracting(droppingFirst: start))
      return Entry(bytes: rest, size: UInt64(fields[1]), age: age)
    }
  }

  func put(_ key: String, _ bytes: Span<UInt8>, size: UInt64?) {
    guard enabled, !key.contains("\n") else { return }
    guard makeDirectories(directory) else { return }
    let final = path(key)
    let temporary = final + ".tmp\(getpid())"
    let fd = unsafe open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return }
    let head = "ckptinspect-cache 1\n\(key)\n\(Self.now()) \(size.map(String.init) ?? "-")\n"
    var ok = writeAll(fd, head.utf8.span) && writeAll(fd, bytes)
    ok = close(fd) == 0 && ok
    if ok { ok = unsafe rename(temporary, final) == 0 }
    if !ok { unsafe unlink(temporary) }
  }

  private func writeAll(_ fd: Int32, _ bytes: Span<UInt8>) -> Bool {
    unsafe bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        // `done < raw.count` keeps the pointer inside the span's memory, borrowed for this call.
        let n = unsafe write(fd, raw.baseAddress! + done, raw.count - done)
        if n <= 0 { return false }
        done += n
      }
      return true
    }
  }

  private func path(_ key: String) -> String {
    // FNV-1a over the key, twice with different seeds: 128 bits of name.
    var a: UInt64 = 0xcbf2_9ce4_8422_2325
    var b: UInt64 = 0x6c62_272e_07bb_0142
    for byte in key.utf8 {
      a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
      b = (b ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    func hex(_ v: UInt64) -> String {
      let digits = String(v, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
    return directory + "/" + hex(a) + hex(b)
  }

  private func makeDirectories(_ path: String) -> Bool {
    if FileSystem.kind(of: path) == .directory { return true }
    let parent = FileSystem.directoryName(path)
    if parent != path && parent != "/" && parent != "." && !makeDirectories(parent) { return false }
    return unsafe mkdir(path, 0o755) == 0 || errno == EEXIST
  }

  static func now() -> Int {
    Int(time(nil))
  }
}
