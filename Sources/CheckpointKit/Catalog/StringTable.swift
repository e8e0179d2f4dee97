/// A hash table keyed by strings, for the hot paths of header reading (duplicate names, the
/// classifier's cache). Swift's Set and Dictionary hash with SipHash-1-3; this hashes eight bytes
/// at a time with a multiply-xorshift mix, several times cheaper on 60-byte tensor names. The
/// seed is random per process, so a header cannot be crafted to make every name collide and turn
/// the table quadratic. Keys, flags and values sit in separate plain arrays: an array of optional
/// tuples is built element by element through generic witnesses, slowly.
struct StringTable<Value: Sendable>: Sendable {
  private var keys: [String]
  private var used: [Bool]
  private var values: [Value?]
  private(set) var count = 0

  init(capacity: Int = 8) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keys = Array(repeating: "", count: size)
    used = Array(repeating: false, count: size)
    values = Array(repeating: nil, count: size)
  }

  static func hash(_ key: String) -> UInt64 {
    hashBytes(key.utf8.span)
  }

  private func slot(of key: String) -> (index: Int, found: Bool) {
    let mask = keys.count - 1
    var index = Int(truncatingIfNeeded: StringTable.hash(key)) & mask
    while used[index] {
      if keys[index] == key { return (index, true) }
      index = (index + 1) & mask
    }
    return (index, false)
  }

  subscript(key: String) -> Value? {
    let (index, found) = slot(of: key)
    return found ? values[index] : nil
  }

  /// Adds `key` with `value` unless present; true when it was added.
  @discardableResult
  mutating func insert(_ key: String, _ value: Value) -> Bool {
    if (count + 1) * 2 > keys.count { grow() }
    let (index, found) = slot(of: key)
    if found { return false }
    keys[index] = key
    used[index] = true
    values[index] = value
    count += 1
    return true
  }

  private mutating func grow() {
    let (oldKeys, oldUsed, oldValues) = (keys, used, values)
    keys = Array(repeating: "", count: oldKeys.count * 2)
    used = Array(repeating: false, count: oldKeys.count * 2)
    values = Array(repeating: nil, count: oldKeys.count * 2)
    count = 0
    for k in oldKeys.indices where oldUsed[k] { insert(oldKeys[k], oldValues[k]!) }
  }
}

/// Hashes eight bytes at a time with a multiply-xorshift mix from the per-process seed.
func hashBytes(_ bytes: Span<UInt8>) -> UInt64 {
  var h = stringTableSeed ^ UInt64(bytes.count)
  var at = 0
  while at <= bytes.count &- 8 {
    // Hot (twice per tensor name): 0 <= at <= count - 8 by the loop condition.
    let word = unsafe bytes.word(uncheckedAt: at)
    h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 32
    at &+= 8
  }
  var tail: UInt64 = 0
  if at < bytes.count && bytes.count >= 8 {
    // The last 1-7 bytes as the top of the word that ends the name (its start was hashed above).
    tail = bytes.word(at: bytes.count &- 8) >> UInt64(8 &* (8 &- (bytes.count &- at)))
  } else {
    while at < bytes.count {
      tail = tail << 8 | UInt64(bytes[at])
      at &+= 1
    }
  }
  h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
  return finalMix(h)
}

/// Drawn once per process (see StringTable; TemplateTable uses it too).
let stringTableSeed = UInt64.random(in: 0...UInt64.max)

/// Murmur3's 64-bit finalizer: every input bit reaches the low bits used to pick a slot.
@inline(__always)
func finalMix(_ x: UInt64) -> UInt64 {
  var h = x
  h ^= h >> 33
  h = h &* 0xff51_afd7_ed55_8ccd
  h ^= h >> 33
  return h
}

/// A set of strings on `StringTable`.
struct StringSet: Sendable {
  private var table: StringTable<Bool>
  init(capacity: Int = 8) { table = StringTable(capacity: capacity) }
  init<S: Sequence>(_ items: S) where S.Element == String {
    table = StringTable(capacity: items.underestimatedCount)
    for item in items { table.insert(item, true) }
  }
  var count: Int { table.count }
  /// Adds `item`; true when it was not there yet.
  @discardableResult
  mutating func insert(_ item: String) -> Bool { table.insert(item, true) }
  func contains(_ item: String) -> Bool { table[item] != nil }
}
