/// Byte comparisons of tensor names. `Substring.hasSuffix` walks Characters backwards through
/// grapheme breaking (~900 instructions on a typical name); names are exact byte keys for the
/// frameworks that write them, so bytes are also the right meaning, and a word-at-a-time
/// comparison of spans costs a few dozen.
extension Substring {
  func endsWith(_ suffix: StaticString) -> Bool {
    suffix.withSpan { endsWith(bytes: $0) }
  }

  func endsWith(text suffix: String) -> Bool {
    endsWith(bytes: suffix.utf8.span)
  }

  private func endsWith(bytes suffix: Span<UInt8>) -> Bool {
    let name = utf8.span
    return name.count >= suffix.count && name.extracting(last: suffix.count).bytesEqual(suffix)
  }

  func isBytes(_ text: StaticString) -> Bool {
    text.withSpan { utf8.span.bytesEqual($0) }
  }
}
