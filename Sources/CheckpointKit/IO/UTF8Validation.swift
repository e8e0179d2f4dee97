/// Validates UTF-8 without building a String. Headers are almost always ASCII, so eight bytes are
/// checked at a time for a high bit before the standard library's validator takes the rest.
enum UTF8Validation {
  static func isValid(_ bytes: Span<UInt8>) -> Bool {
    var index = 0
    let count = bytes.count
    while index <= count &- 8 {
      if bytes.word(at: index) & 0x8080_8080_8080_8080 != 0 { break }
      index += 8
    }
    if index == count { return true }
    // Starting at a word boundary of ASCII bytes never splits a character.
    return (try? UTF8Span(validating: bytes.extracting(droppingFirst: index))) != nil
  }
}
