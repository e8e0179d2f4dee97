#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tensor names of one file, back to back in one buffer, with a hash index that refuses a
/// name seen before. Made into one String at the end, whose Substrings become the records'
/// names: a 20,000-tensor header costs one allocation for its names instead of 20,000, and the
/// duplicate check compares bytes in place instead of Strings scattered over the heap.
struct NameStore {
  private var bytes: [UInt8] = []
  /// Where name k ends in `bytes` (it starts where name k-1 ends).
  private var ends: [Int32] = []
  /// Open addressing: name index + 1, 0 for empty; a power of two kept under half full.
  private var slots: [Int32]

  /// `capacity`: names expected; `byteCapacity`: their total length, roughly.
  init(capacity: Int = 8, byteCapacity: Int = 0) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: 0, count: size)
    ends.reserveCapacity(capacity)
    bytes.reserveCapacity(byteCapacity)
  }

  var count: Int { ends.count }

  /// Adds `name`; false, with nothing added, when it is already there.
  mutating func insert(_ name: UnsafeRawBufferPointer) -> Bool {
    if (ends.count + 1) * 2 > slots.count { grow() }
    let hash = hashBytes(name)
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 {
      if matches(Int(slots[slot]) - 1, name) { return false }
      slot = (slot + 1) & mask
    }
    bytes.append(contentsOf: name)
    ends.append(Int32(bytes.count))
    slots[slot] = Int32(ends.count)
    return true
  }

  mutating func insert(_ name: String) -> Bool {
    var name = name
    return name.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
  }

  /// The name added last, as a String (for messages).
  var last: String {
    guard let k = ends.indices.last else { return "" }
    return bytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[range(k)]), as: UTF8.self) }
  }

  private func range(_ k: Int) -> Range<Int> {
    (k == 0 ? 0 : Int(ends[k - 1]))..<Int(ends[k])
  }

  private func matches(_ k: Int, _ name: UnsafeRawBufferPointer) -> Bool {
    let r = range(k)
    guard r.count == name.count else { return false }
    if name.isEmpty { return true }
    return bytes.withUnsafeBytes { memcmp($0.baseAddress! + r.lowerBound, name.baseAddress!, name.count) == 0 }
  }

  private mutating func grow() {
    slots = [Int32](repeating: 0, count: slots.count * 2)
    let mask = slots.count - 1
    bytes.withUnsafeBytes { all in
      for k in ends.indices {
        let r = range(k)
        var slot = Int(truncatingIfNeeded: hashBytes(UnsafeRawBufferPointer(rebasing: all[r]))) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k + 1)
      }
    }
  }

  /// Calls `body` with each name in insertion order, as a Substring of one shared String.
  func forEachName(_ body: (Int, Substring) -> Void) {
    let all = String(decoding: bytes, as: UTF8.self)
    let utf8 = all.utf8
    guard utf8.count == bytes.count else {
      // Invalid UTF-8 was repaired, so byte offsets no longer line up: one String per name.
      bytes.withUnsafeBytes { raw in
        for k in ends.indices { body(k, Substring(String(decoding: UnsafeRawBufferPointer(rebasing: raw[range(k)]), as: UTF8.self))) }
      }
      return
    }
    var start = utf8.startIndex
    for k in ends.indices {
      // O(1) on a native String: the offset is a byte offset.
      let end = utf8.index(utf8.startIndex, offsetBy: Int(ends[k]))
      body(k, Substring(utf8[start..<end]))
      start = end
    }
  }
}
