/// Everything a server's answer is parsed by, behind one call, for the fuzz target: a hostile
/// Hub may send any bytes as a listing, a sharded-metadata answer, a Content-Range or a Link
/// header, and none may trap or allocate without bound.
public enum ServerAnswers {
  public static func parseAll(_ bytes: Span<UInt8>) {
    var array: [UInt8] = []
    array.append(bytesOf: bytes)
    if let files = try? HubListing.parse(array, url: "fuzz") {
      _ = RepoCheckpoint.all(in: files)
      _ = try? RepoCheckpoint.choose("", in: files, address: "hf://fuzz/repo")
      _ = ShardedMetadata.catalogs(array, shards: files, name: { $0.path })
    }
    let shards = (1...3).map { HubFile(path: "model-0000\($0)-of-00003.safetensors", size: UInt64(bytes.count) * UInt64($0), oid: "") }
    _ = ShardedMetadata.catalogs(array, shards: shards, name: { $0.path })
    if bytes.count < 512 {
      let text = bytes.decodedString
      _ = ContentRange(text)
      _ = HubListing.nextPage(text)
      _ = try? HubAddress("hf://" + text)
    }
  }
}
