import Testing

@testable import CheckpointKit

/// The parts of remote reading that need no server: addresses, Content-Range, the listing, and
/// which checkpoint a repo's files make.
@Suite struct RemoteResolvingTests {
  @Test func hubAddresses() throws {
    let plain = try HubAddress("hf://meta-llama/Llama-3.1-70B")
    #expect(plain.repo == "meta-llama/Llama-3.1-70B")
    #expect(plain.revision == "main")
    #expect(!plain.revisionGiven)
    #expect(plain.path == "")
    let full = try HubAddress("hf://Qwen/Qwen3-8B-GGUF@v1.0/sub/Qwen3-8B-Q4_K_M.gguf")
    #expect(full.repo == "Qwen/Qwen3-8B-GGUF")
    #expect(full.revision == "v1.0")
    #expect(full.path == "sub/Qwen3-8B-Q4_K_M.gguf")
    #expect(full.description == "hf://Qwen/Qwen3-8B-GGUF@v1.0/sub/Qwen3-8B-Q4_K_M.gguf")
    let commit = try HubAddress("hf://a/b@" + String(repeating: "ab12", count: 10))
    #expect(commit.isCommit)
    #expect(try HubAddress("hf://a/b@refs%2Fpr%2F3").revision == "refs/pr/3")
    for bad in ["hf://", "hf://org", "hf://org/", "hf://org/na me", "hf://org/b@", "hf://org/b/../x"] {
      #expect(throws: CheckpointError.self) { try HubAddress(bad) }
    }
    #expect(RemoteAddress.isRemote("https://x/y.gguf") && RemoteAddress.isRemote("hf://a/b") && !RemoteAddress.isRemote("./hf:/x"))
  }

  @Test func contentRanges() {
    let r = ContentRange("bytes 0-99999/90868376")
    #expect(r?.start == 0 && r?.end == 99_999 && r?.total == 90_868_376)
    #expect(ContentRange("bytes 5-9/*")?.total == nil)
    for bad in ["bytes 9-5/10", "bytes 0-10/10", "items 0-1/2", "bytes 0-1", "bytes -1/2", "bytes 0-18446744073709551616/1"] {
      #expect(ContentRange(bad) == nil, "\(bad)")
    }
  }

  @Test func listingAndPages() throws {
    let json = """
      [{"type":"directory","oid":"d","size":0,"path":"unet"},
       {"type":"file","oid":"a1","size":654,"path":"config.json"},
       {"type":"file","oid":"b2","size":134,"path":"unet/m.safetensors","lfs":{"oid":"\(String(repeating: "e", count: 64))","size":5000000,"pointerSize":134}}]
      """
    let files = try HubListing.parse(Array(json.utf8), url: "u")
    #expect(files.map(\.path) == ["config.json", "unet/m.safetensors"])
    #expect(files[1].size == 5_000_000)
    #expect(files[1].sha256?.count == 64)
    #expect(files[0].sha256 == nil)
    #expect(throws: CheckpointError.self) { try HubListing.parse(Array("<html>".utf8), url: "u") }
    #expect(throws: CheckpointError.self) { try HubListing.parse(Array(#"[{"type":"file","path":"../x","size":1}]"#.utf8), url: "u") }
    #expect(HubListing.nextPage(#"<https://h/api/models/a/b/tree/main?cursor=x>; rel="next""#) == "https://h/api/models/a/b/tree/main?cursor=x")
    #expect(HubListing.nextPage(#"<https://h/p>; rel="prev""#) == nil)
  }

  func file(_ path: String, _ size: UInt64 = 1) -> HubFile { HubFile(path: path, size: size, oid: "", sha256: nil) }

  @Test func choosingWhatToRead() throws {
    let sharded = [
      file("config.json"), file("model.safetensors.index.json"), file("model-00001-of-00002.safetensors", 10),
      file("model-00002-of-00002.safetensors", 20), file("consolidated.safetensors", 30),
    ]
    let index = try RepoCheckpoint.choose("", in: sharded, address: "hf://a/b")
    #expect(index.kind == .shardedSafetensors)
    #expect(index.files.count == 3)
    #expect(index.bytes == 31)
    // A shard named on its own is read on its own.
    #expect(try RepoCheckpoint.choose("model-00002-of-00002.safetensors", in: sharded, address: "hf://a/b").kind == .safetensors)
    let quants = [file("x-Q4_K_M.gguf"), file("x-Q8_0.gguf"), file("big/x-Q8_0-00001-of-00002.gguf"), file("big/x-Q8_0-00002-of-00002.gguf")]
    #expect(throws: CheckpointError.self) { try RepoCheckpoint.choose("", in: quants, address: "hf://a/b") }
    #expect(try RepoCheckpoint.choose("x-Q8_0.gguf", in: quants, address: "hf://a/b").kind == .gguf)
    let split = try RepoCheckpoint.choose("big", in: quants, address: "hf://a/b")
    #expect(split.kind == .splitGGUF && split.files.count == 2)
    #expect(RepoCheckpoint.all(in: quants).count == 3)
    do {
      _ = try RepoCheckpoint.choose("", in: [file("unet/a.safetensors"), file("vae/b.safetensors")], address: "hf://a/b")
      Issue.record("a diffusers root chose a checkpoint")
    } catch {
      #expect(error.fault.kind == "remote.ambiguous")
      #expect(error.description.contains("unet, vae"))
    }
    #expect(throws: CheckpointError.self) { try RepoCheckpoint.choose("README.md", in: [file("README.md")], address: "hf://a/b") }
  }

  @Test func urlPathsAreEncoded() {
    #expect(RemoteLoader.percentEncoded("dir/a b+c.gguf", keepSlash: true) == "dir/a%20b%2Bc.gguf")
    #expect(RemoteLoader.percentEncoded("refs/pr/1", keepSlash: false) == "refs%2Fpr%2F1")
  }

  @Test func cacheKeepsEntriesAndRefusesOthersKeys() throws {
    let dir = TempDir()
    let cache = RemoteCache(directory: dir.path + "/remote", enabled: true)
    let bytes: [UInt8] = [1, 2, 3, 0x0A, 4]
    cache.put("sha256:abc", bytes.span, size: 99)
    let entry = cache.get("sha256:abc")
    #expect(entry?.bytes == bytes)
    #expect(entry?.size == 99)
    #expect(cache.get("sha256:abd") == nil)
    #expect(cache.get("sha256:abc", maxAge: -1) == nil)
    #expect(RemoteCache(directory: dir.path + "/remote", enabled: false).get("sha256:abc") == nil)
  }
}
