/// Tensors one checkpoint stores fused and another split: Q, K and V as one `attn_qkv` (Phi-3,
/// GPT-2, `convert_hf_to_gguf.py --fuse-qkv`) or three, gate and up experts as one
/// `ffn_gate_up_exps` (`--fuse-gate-up-exps`) or two. A fused matrix is its parts' rows stacked,
/// so the parts are compared with it as one group whose rows add up, and the convention is said
/// once. Works on GGUF names (after `GGUFNameMap`), so it serves HF vs GGUF and GGUF vs GGUF alike.
enum FusedGroups {
  /// Fused GGUF tensor -> its parts, in the order the converter concatenates them.
  static let groups: [(fused: String, parts: [String])] = [
    ("attn_qkv", ["attn_q", "attn_k", "attn_v"]),
    ("ffn_gate_up_exps", ["ffn_gate_exps", "ffn_up_exps"]),
  ]

  /// Replaces, in `entries`, the parts of every group that `other` holds fused (and `entries`
  /// does not) with one entry keyed by the fused name. Returns the convention notes and adds the
  /// groups made to `made`.
  static func fuse(
    _ entries: inout [(String, CheckpointDiff.Side)], against other: [(String, CheckpointDiff.Side)], path: String, other otherPath: String,
    made: inout Int
  ) -> [String] {
    // The common case, no fused tensor on the other side, costs one suffix test per name.
    var fusedKeys: [(key: String, group: Int, prefix: Substring, suffix: String)] = []
    for (key, _) in other {
      for (g, group) in groups.enumerated() {
        for suffix in [".weight", ".bias"] where hasSuffix(key, group.fused + suffix) {
          fusedKeys.append((key, g, key.dropLast(group.fused.utf8.count + suffix.utf8.count), suffix))
        }
      }
    }
    guard !fusedKeys.isEmpty else { return [] }
    var index: [String: Int] = [:]
    for (k, (key, _)) in entries.enumerated() { index[key] = k }
    var removed = Set<Int>()
    var merged: [(String, CheckpointDiff.Side)] = []
    var count = Array(repeating: 0, count: groups.count)
    for f in fusedKeys where index[f.key] == nil {
      let parts = groups[f.group].parts.map { String(f.prefix) + $0 + f.suffix }
      let found = parts.compactMap { index[$0] }
      guard found.count == parts.count else { continue }
      merged.append((f.key, group(found.map { entries[$0].1 }, bias: f.suffix == ".bias")))
      removed.formUnion(found)
      count[f.group] += 1
    }
    guard !merged.isEmpty else { return [] }
    made += merged.count
    entries = entries.enumerated().filter { !removed.contains($0.offset) }.map(\.element) + merged
    var notes: [String] = []
    for (g, n) in count.enumerated() where n > 0 {
      let parts = groups[g].parts.joined(separator: "/")
      notes.append("fused \(groups[g].fused): \(n) group(s) of \(parts) in \(path) compared as one \(groups[g].fused) in \(otherPath) (rows add up)")
    }
    return notes
  }

  /// The parts as one tensor: rows (the second-to-last dimension of a weight, the last of a
  /// bias) added up when every other dimension agrees; else a leading 0 (no real tensor has
  /// one) so the group reports as a shape change.
  static func group(_ parts: [CheckpointDiff.Side], bias: Bool) -> CheckpointDiff.Side {
    var first = parts[0]
    let rank = first.shape.count
    let axis = bias ? rank - 1 : rank - 2
    var shape = first.shape
    var fits = axis >= 0 && parts.allSatisfy { $0.shape.count == rank }
    if fits {
      shape[axis] = 0
      for p in parts {
        for d in 0..<rank where d != axis && p.shape[d] != first.shape[d] { fits = false }
        shape[axis] += p.shape[axis]
      }
    }
    first.name = parts.map(\.name).joined(separator: " + ")
    first.shape = fits ? shape : [0] + first.shape
    first.dtype = Set(parts.map(\.dtype)).count == 1 ? first.dtype : "mixed"
    first.parameters = parts.reduce(0) { $0 + $1.parameters }
    first.bytes = parts.allSatisfy { $0.bytes != nil } ? parts.reduce(0) { $0 + ($1.bytes ?? 0) } : nil
    return first
  }

  /// A suffix test on UTF-8 bytes (String.hasSuffix compares Characters, far slower on 20,000 names).
  static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
    let a = s.utf8, b = suffix.utf8
    guard a.count >= b.count else { return false }
    return a[a.index(a.endIndex, offsetBy: -b.count)...].elementsEqual(b)
  }
}
