import Foundation
import Testing

/// What a first-time user runs into (issue 12): each test failed before its fix.
@Suite struct FirstUseTests {
  /// 1. A misspelled subcommand is not read as a path.
  @Test(arguments: [("tensor", "tensors"), ("sumary", "summary"), ("valdate", "validate"), ("memroy", "memory")])
  func misspelledCommandIsNamed(word: String, meant: String) throws {
    let r = try CLI.run([word, "TestData/tiny-llama.Q8_0.gguf"])
    #expect(r.status == 64)
    #expect(r.stdout == "")
    #expect(r.stderr == "error: unknown command '\(word)': did you mean '\(meant)'? (see ckptinspect --help)\n")
  }

  /// A missing file is still a missing file (66), not a misspelled command.
  @Test func missingFileIsUnreadable() throws {
    let r = try CLI.run(["nope.gguf"])
    #expect(r.status == 66)
    #expect(r.stderr == "error: nope.gguf: cannot open: No such file or directory\n")
  }

  /// 6. --tensors without --json is refused with what to run instead.
  @Test func tensorsFlagNeedsJSON() throws {
    let r = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--tensors"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("ckptinspect tensors PATH"))
    let json = try CLI.run(["TestData/tiny-llama.Q8_0.gguf", "--tensors", "--json"])
    #expect(json.status == 0)
  }

  /// 7. A pattern without wildcards matches anywhere in the name.
  @Test func filterWithoutWildcardMatchesSubstrings() throws {
    let r = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "token_embd", "--json"])
    #expect(r.status == 0)
    let names = ((CLI.json(r.stdout) as? [String: Any])?["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
    #expect(names == ["token_embd.weight"])
    let attn = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "attn_q", "--json"])
    let count = ((CLI.json(attn.stdout) as? [String: Any])?["tensors"] as? [Any])?.count
    #expect(count == 2)
    // With a wildcard the whole name must match, as before.
    let exact = try CLI.run(["tensors", "TestData/tiny-llama.Q8_0.gguf", "--filter", "attn_q*", "--json"])
    #expect(((CLI.json(exact.stdout) as? [String: Any])?["tensors"] as? [Any])?.count == 0)
  }
}
