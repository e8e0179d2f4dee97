/// The tensor names of one file, written back to back into one byte buffer that becomes one
/// String, with a hash index that refuses a name seen before. Each record's name is then a
/// Substring of that String: a 20,000-tensor header costs one allocation for its names instead
/// of 20,000, the duplicate check compares bytes in place, and the names are copied once more,
/// into the String, at the end. Use `insert` then `finish`, or `NameStore.collect`.
struct NameStore {
  /// The names so far, back to back; reserved up front so that inserting never regrows it.
  private var buffer: [UInt8] = []
  var byteCount: Int { buffer.count }
  /// Where name k ends in `buffer` (it starts where name k-1 ends).
  private(set) var ends: [Int32] = []
  /// Open addressing, a power of two kept under half full: 0 for empty, else the top 8 bits of
  /// the name's hash over its index + 1 (24 bits). The tag spares most probes a look at the
  /// name itself, which sits elsewhere in memory (a cache miss per probe on a large header).
  private var slots: [UInt32]
  /// Index + 1 must fit in 24 bits. A header is at most 100 MB and an entry takes ~50 bytes, so
  /// a real or hostile header holds at most ~2M names.
  static let maxCount = (1 << 24) - 2

  /// `byteCapacity` is what the names will take, at most (for a header, its length will do: a
  /// name decoded from JSON is never longer than it is in the JSON); more only regrows the buffer.
  init(byteCapacity: Int, expectedCount capacity: Int) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [UInt32](repeating: 0, count: size)
    ends.reserveCapacity(capacity)
    buffer.reserveCapacity(max(byteCapacity, 1))
  }

  /// The names `body` inserts, as one String and the end of each name in it.
  static func collect<E: Error>(
    byteCapacity: Int, expectedCount: Int, _ body: (inout NameStore) throws(E) -> Void
  ) throws(E) -> Names {
    var store = NameStore(byteCapacity: byteCapacity, expectedCount: expectedCount)
    try body(&store)
    return store.finish()
  }

  /// All names inserted, as one String.
  consuming func finish() -> Names {
    Names(all: String(decoding: buffer, as: UTF8.self), ends: ends)
  }

  /// Adds `name`; false, with nothing added, when it is already there.
  mutating func insert(_ name: Span<UInt8>) -> Bool {
    precondition(ends.count < NameStore.maxCount, "more names than a 100 MB header can hold")
    if (ends.count + 1) * 2 > slots.count { grow() }
    let mask = slots.count - 1
    let hash = hashBytes(name)
    let tag = UInt32(truncatingIfNeeded: hash >> 56) << 24
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      if slots[slot] & 0xFF00_0000 == tag && matches(Int(slots[slot] & 0x00FF_FFFF) - 1, name) { return false }
      slot = (slot + 1) & mask
    }
    buffer.append(bytesOf: name)
    ends.append(Int32(buffer.count))
    slots[slot] = tag | UInt32(ends.count)
    return true
  }

  mutating func insert(_ name: String) -> Bool {
    insert(name.utf8.span)
  }

  /// The name added last, as a String (for messages).
  var last: String {
    guard let k = ends.indices.last else { return "" }
    return buffer.span.extracting(range(k)).decodedString
  }

  private func range(_ k: Int) -> Range<Int> {
    (k == 0 ? 0 : Int(ends[k - 1]))..<Int(ends[k])
  }

  private func matches(_ k: Int, _ name: Span<UInt8>) -> Bool {
    let r = range(k)
    guard r.count == name.count else { return false }
    return buffer.span.extracting(r).bytesEqual(name)
  }

  private mutating func grow() {
    slots = [UInt32](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    for k in ends.indices {
      let hash = hashBytes(buffer.span.extracting(range(k)))
      var slot = Int(truncatingIfNeeded: hash) & mask
      while slots[slot] != 0 { slot = (slot + 1) & mask }
      slots[slot] = UInt32(truncatingIfNeeded: hash >> 56) << 24 | UInt32(k + 1)
    }
  }

  /// What `collect` returns: all names in one String.
  struct Names {
    let all: String
    let ends: [Int32]

    var count: Int { ends.count }

    /// Calls `body` with each name in insertion order, as a Substring of `all`.
    func forEach(_ body: (Int, Substring) -> Void) {
      let utf8 = all.utf8
      guard utf8.count == Int(ends.last ?? 0) else {
        // The String repaired invalid UTF-8, so byte offsets no longer line up. Readers insert
        // only validated names; this keeps a mistake from trapping.
        for k in ends.indices { body(k, Substring(all)) }
        return
      }
      var start = utf8.startIndex
      for k in ends.indices {
        // O(1) on a native String: the offset is a byte offset.
        let end = utf8.index(utf8.startIndex, offsetBy: Int(ends[k]))
        body(k, all[start..<end])
        start = end
      }
    }
  }
}
