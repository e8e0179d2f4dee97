import Testing

@testable import CheckpointKit

/// The span primitives of IO/ByteSpan.swift and the hot loops that read words without a check
/// per word (docs/unsafe-audit.md), at every length and alignment around their 8-byte steps:
/// an off-by-one there would read past a span, which these inputs end exactly at.
@Suite struct ByteSpanTests {
  /// `count` bytes of a name-like text, ending the array (no slack after it).
  static func text(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(ascii: "a") + UInt8((($0 &* 7) &+ seed) % 26) }
  }

  @Test func wordsAndIntegersReadInPlace() {
    let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let span = bytes.span
    let words = [span.word(at: 0), span.word(at: 1)]
    let integers = (span.integer(UInt32.self, at: 5), span.integer(UInt8.self, at: 8))
    #expect(words == [UInt64(littleEndian: 0x0807_0605_0403_0201), UInt64(littleEndian: 0x0908_0706_0504_0302)])
    #expect(integers.0 == UInt32(littleEndian: 0x0908_0706) && integers.1 == 9)
  }

  @Test func hashesDependOnTheBytesOnlyAtEveryLength() {
    for n in 0...40 {
      let a = Self.text(n)
      // The same bytes at another address and alignment, with bytes before them.
      let b = [UInt8](repeating: 0x2E, count: 3) + a
      let (ha, hb) = (hashBytes(a.span), hashBytes(b.span.extracting(3..<(3 + n))))
      #expect(ha == hb, "length \(n)")
      if n > 0 {
        var c = a
        c[n - 1] ^= 1
        let hc = hashBytes(c.span)
        #expect(ha != hc, "length \(n): last byte changed")
        var d = a
        d[0] ^= 1
        let hd = hashBytes(d.span)
        #expect(ha != hd, "length \(n): first byte changed")
      }
    }
  }

  @Test func equalityAtEveryLength() {
    for n in 0...40 {
      let a = Self.text(n)
      let b = [UInt8](repeating: 0, count: 5) + a
      let same = a.span.bytesEqual(b.span.extracting(5..<(5 + n)))
      #expect(same)
      for k in 0..<n {
        var c = a
        c[k] ^= 0x20
        let same = a.span.bytesEqual(c.span)
        #expect(!same, "length \(n), byte \(k)")
      }
      let longer = Self.text(n + 1)
      let sameAsLonger = a.span.bytesEqual(longer.span)
      #expect(!sameAsLonger)
    }
  }

  @Test func literalsAreFoundOnlyInsideTheSpan() {
    let literal: StaticString = #"","data_offsets":["#
    let text = Array(#"xx","data_offsets":["#.utf8)
    let span = text.span
    let found = span.hasLiteral(literal, at: 2)
    // Running off the end, or starting before the start, is a mismatch and not a read outside.
    let outside = [
      span.extracting(0..<(text.count - 1)).hasLiteral(literal, at: 2), span.hasLiteral(literal, at: 3),
      span.hasLiteral(literal, at: -1), span.hasLiteral(literal, at: text.count),
    ]
    let comma = [span.hasLiteral(",", at: 3), span.hasLiteral(",", at: 4), span.hasLiteral(",", at: text.count)]
    let commaEqual = span.extracting(3..<4).bytesEqual(",")
    #expect(found && outside == [false, false, false, false])
    #expect(comma == [true, false, false] && commaEqual)
    for k in 0..<literal.utf8CodeUnitCount {
      var changed = text
      changed[2 + k] ^= 0x01
      let same = changed.span.hasLiteral(literal, at: 2)
      #expect(!same, "byte \(k)")
    }
  }

  @Test func spansDecodeAsStringDoes() {
    let valid = Array("größe.weight".utf8)
    let decoded = valid.span.decodedString
    #expect(decoded == "größe.weight")
    let invalid: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]
    let repaired = invalid.span.decodedString
    #expect(repaired == String(decoding: invalid, as: UTF8.self))
    var array: [UInt8] = [1]
    array.append(bytesOf: valid.span)
    array.append(bytesOf: [UInt8]().span)
    #expect(array == [1] + valid)
  }

  @Test func wordStoresStayInside() {
    var bytes = [UInt8](repeating: 0, count: 10)
    var span = bytes.mutableSpan
    span.storeWord(UInt64(littleEndian: 0x0807_0605_0403_0201), at: 2)
    _ = consume span
    #expect(bytes == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
  }

  /// The header scanner's word-at-a-time skip over names that end at every position relative
  /// to its 8-byte steps, and headers that end right after them.
  @Test func headerNamesOfEveryLengthAreReadWhole() throws {
    for n in 1...33 {
      let name = String(decoding: Self.text(n), as: UTF8.self)
      let header = #"{"\#(name)":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
      let parsed = try Bytes.safetensors(header, dataBytes: 4).parseSafetensors()
      #expect(parsed.tensors.map { String($0.name) } == [name])
      // Escaped quotes at every position: the skip must stop before each one.
      let escaped = String(name.prefix(n / 2)) + #"\""# + String(name.dropFirst(n / 2))
      let second = try Bytes.safetensors(#"{"\#(escaped)":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)
        .parseSafetensors()
      #expect(second.tensors.map { String($0.name) } == [String(name.prefix(n / 2)) + "\"" + String(name.dropFirst(n / 2))])
    }
    // An unterminated name that runs to the very end of the header.
    for n in 1...17 {
      let header = "{\"" + String(decoding: Self.text(n), as: UTF8.self)
      #expect(throws: CheckpointError.self) { try Bytes.safetensors(header).parseSafetensors() }
    }
  }

  /// The template builder's word-at-a-time lower-casing, on names whose digits and capitals sit
  /// at every position relative to its 8-byte steps, against the same names read the slow way.
  @Test func templatesOfEveryLengthAgreeWithTheSlowReading() {
    var classifier = NameClassifier()
    for n in 1...30 {
      for digitAt in 0..<n {
        var bytes = Self.text(n)
        bytes[digitAt] = UInt8(ascii: "7")
        if n > 3 { bytes[n / 3] = UInt8(ascii: "Q") }
        let name = "layers." + String(decoding: bytes, as: UTF8.self)
        var fresh = NameClassifier()
        let cached = classifier.classify(name, dtype: "F32")
        #expect(cached == fresh.classify(name, dtype: "F32"), "\(name)")
        #expect(cached.layer == NameClassifier.layer(name), "\(name)")
      }
    }
  }
}
