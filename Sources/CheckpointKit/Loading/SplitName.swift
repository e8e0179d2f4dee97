/// The naming scheme of split checkpoints: `name-00001-of-00003.gguf` (llama.cpp's gguf-split)
/// and `model-00001-of-00030.safetensors` (Hugging Face shards).
struct SplitName: Equatable {
  var prefix: String
  var part: Int
  var count: Int
  var suffix: String

  /// Parses `prefix-NNNNN-of-MMMMM.suffix`; nil for names that do not follow it.
  init?(_ name: String, suffix: String) {
    guard name.hasSuffix(suffix) else { return nil }
    let stem = name.dropLast(suffix.count)
    // "-00001-of-00003" is 15 characters: five digits each side.
    guard stem.count > 15 else { return nil }
    let tail = stem.suffix(15)
    let digitsA = tail.dropFirst(1).prefix(5)
    let middle = tail.dropFirst(6).prefix(4)
    let digitsB = tail.suffix(5)
    guard tail.first == "-", middle == "-of-", digitsA.allSatisfy(\.isASCIIDigit), digitsB.allSatisfy(\.isASCIIDigit),
      let part = Int(digitsA), let count = Int(digitsB), part >= 1, count >= 1, part <= count
    else { return nil }
    self.prefix = String(stem.dropLast(15))
    self.part = part
    self.count = count
    self.suffix = suffix
  }

  /// The file name of part `n` of the same set.
  func name(ofPart n: Int) -> String {
    func pad(_ v: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }
    return "\(prefix)-\(pad(n))-of-\(pad(count))\(suffix)"
  }
}
