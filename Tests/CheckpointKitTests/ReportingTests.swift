import Foundation
import Testing
@testable import CheckpointKit

@Suite struct ReportingTests {
  @Test func units() {
    #expect(Units.grouped(134_515_008) == "134,515,008")
    #expect(Units.grouped(999) == "999")
    #expect(Units.grouped(0) == "0")
    #expect(Units.count(134_515_008) == "134.5M")
    #expect(Units.count(8_030_261_248) == "8.03B")
    #expect(Units.count(85_001) == "85.0K")
    #expect(Units.count(512) == "512")
    #expect(Units.bytes(1_785_664) == "1.79 MB")
    #expect(Units.bytes(96_576_768) == "96.6 MB")
    #expect(Units.bytes(141_000_000_000) == "141 GB")
    #expect(Units.bytes(999) == "999 B")
    #expect(Units.bytes(999_999) == "1.00 MB")
    #expect(Units.percent(1, of: 3) == "33.3%")
    #expect(Units.percent(1, of: 0) == "-")
    #expect(Units.fixed(4.5, 2) == "4.50")
    #expect(Units.fixed(0.05, 1) == "0.1")
  }

  @Test func jsonIsWrittenInFixedOrderWithIntegersAsIntegers() {
    let value = JSONValue.object([
      ("z", .unsigned(UInt64.max)), ("a", .array([.signed(-1), .double(4.5), .float(1e-05)])),
      ("s", .string("q\"\\\n\u{1}é")), ("n", .null), ("e", .object([])), ("b", .bool(true)),
    ])
    #expect(value.serialized(pretty: false) == #"{"z":18446744073709551615,"a":[-1,4.5,1e-05],"s":"q\"\\\n\u0001é","n":null,"e":{},"b":true}"#)
    #expect(JSONValue.double(.nan).serialized() == "null")
    let pretty = JSONValue.object([("k", .array([.object([("x", .int(1))])]))]).serialized()
    #expect(pretty == "{\n  \"k\": [\n    {\n      \"x\": 1\n    }\n  ]\n}")
  }

  @Test func everyControlCharacterIsEscapedAndTheRestPassesThrough() throws {
    let all = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é😀\u{7F}"
    let text = JSONValue.array([.string(all), .string("")]).serialized(pretty: false)
    // Control characters as \n \r \t or \u00XX (lower-case hex), quote and backslash escaped.
    #expect(text.hasPrefix(#"["\u0000\u0001"#))
    #expect(text.contains(#"\u0008\t\n\u000b\u000c\r\u000e"#))
    #expect(text.contains(##"\u001f !\"#$"##))
    #expect(text.contains(#"[\\]^_"#))
    #expect(text.hasSuffix("\u{7F}é😀\u{7F}\",\"\"]"))
    // And it reads back as the same strings.
    let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
    #expect(decoded == [all, ""])
  }

  @Test func namePatterns() {
    let block0 = NamePattern("blk.0.*")
    #expect(block0.matches("blk.0.attn_q.weight"))
    #expect(!block0.matches("blk.10.attn_q.weight"))
    #expect(NamePattern("*attn_?.weight").matches("blk.3.attn_k.weight"))
    #expect(!NamePattern("*attn_?.weight").matches("blk.3.attn_kv.weight"))
    #expect(NamePattern("*").matches(""))
    #expect(NamePattern("a*b*c").matches("a.x.b.y.c"))
    #expect(!NamePattern("a*b*c").matches("a.x.b.y.d"))
    // Many stars over a long name stay fast (no exponential backtracking).
    #expect(!NamePattern(String(repeating: "*a", count: 30) + "b").matches(String(repeating: "a", count: 5000)))
  }

  @Test func tensorOrders() {
    func t(_ name: String, _ bytes: UInt64, _ dtype: String) -> TensorRecord {
      TensorRecord(name: name, dtype: dtype, shape: [bytes], elements: bytes, bytes: bytes, bitsPerElement: 8)
    }
    let list = [t("b", 10, "F32"), t("a", 30, "Q4_K"), t("c", 10, "BF16")]
    #expect(TensorOrder.file.sorted(list).map(\.name) == ["b", "a", "c"])
    #expect(TensorOrder.name.sorted(list).map(\.name) == ["a", "b", "c"])
    #expect(TensorOrder.bytes.sorted(list).map(\.name) == ["a", "b", "c"])
    #expect(TensorOrder.dtype.sorted(list).map(\.name) == ["c", "b", "a"])
  }

  @Test func metadataValuesAsText() {
    let array = MetadataValue.array(MetadataArray(elementType: "string", count: 5, items: [.string("a"), .string("b")]))
    #expect(TextReport.render(array) == #"["a", "b", … (3 more)]"#)
    #expect(TextReport.render(.float(Double(Float(1e-5)), type: "float32")) == "1e-05")
    #expect(TextReport.render(.string("line1\nline2")) == "line1\\nline2")
  }

  @Test func summaryTextOfAHandBuiltCatalog() {
    let text = TextReport.summary(CounterTests.catalog, Counter.count(CounterTests.catalog), options: .init(exact: true))
    let expected = """
      hand.gguf
        format       GGUF, llama, 1 metadata key
        size         0 bytes (header 0 bytes)
        tensors      9
        parameters   1.2K (1,208)
        buffers      4 elements in 1 tensor, not parameters
        head         tied to token_embd.weight (no separate head tensor; counted once)
        dtypes       Q8_0 1, Q4_K 4, F32 4

        component  params   share  bytes  bits/w  dtypes
        embedding     800   66.2%    850    8.50  Q8_0
        attention     128   10.6%     72    4.50  Q4_K
        ffn           256   21.2%    144    4.50  Q4_K
        norm           24    2.0%     96   32.00  F32
        total       1,208  100.0%  1,162    7.70
      """
    #expect(text == expected)
  }
}
