/// The Hugging Face cache (`~/.cache/huggingface/hub/models--ORG--NAME/snapshots/REV/FILE`) links
/// every file of a snapshot to `../../blobs/NAME`, and names a Git LFS file's blob by its sha256:
/// the checksum a file in such a snapshot must have, without asking the Hub.
enum HubCacheBlob {
  /// The sha256 a file's cache blob is named by, nil outside a cache or for a small file stored
  /// in git (its blob is named by the 40-digit git object id, not a sha256).
  static func expectedSHA256(of path: String) -> String? {
    guard let real = FileSystem.resolved(path) else { return nil }
    let parts = real.split(separator: "/")
    guard parts.count >= 2, parts[parts.count - 2] == "blobs" else { return nil }
    let name = parts[parts.count - 1]
    guard name.utf8.count == 64, name.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
    return String(name).lowercased()
  }

  static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70)
  }
}
