import Testing
@testable import CheckpointKit

/// One test per rule of the safetensors reader, each on bytes built in the test.
@Suite struct SafetensorsReaderTests {
  static let oneTensor = #"{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"__metadata__":{"format":"pt"}}"#

  @Test func parsesTensorsAndMetadata() throws {
    let header = try Bytes.safetensors(Self.oneTensor, dataBytes: 24).parseSafetensors()
    #expect(header.headerLength == UInt64(Self.oneTensor.utf8.count))
    let dataStart = 8 + UInt64(Self.oneTensor.utf8.count)
    #expect(header.tensors == [
      TensorRecord(name: "a", dtype: "F32", shape: [2, 3], elements: 6, bytes: 24, bitsPerElement: 32, offset: dataStart)
    ])
    #expect(header.spans == [SafetensorsSpan(begin: 0, end: 24)])
    #expect(header.metadata.map(\.key) == ["format"])
    #expect(header.metadata.map(\.value) == ["pt"])
    #expect(header.warnings.isEmpty)
  }

  @Test func sortsTensorsByOffset() throws {
    let json = #"{"late":{"dtype":"U8","shape":[2],"data_offsets":[3,5]},"early":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}"#
    let header = try Bytes.safetensors(json, dataBytes: 5).parseSafetensors()
    #expect(header.tensors.map(\.name) == ["early", "late"])
    #expect(header.spans == [SafetensorsSpan(begin: 0, end: 3), SafetensorsSpan(begin: 3, end: 5)])
    #expect(header.tensors.map(\.offset) == [header.dataStart, header.dataStart + 3])
  }

  @Test func acceptsWhitespaceScalarsAndEmptyTensors() throws {
    let json = " \n{ \"s\" : {\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},\t\"e\":{\"dtype\":\"F16\",\"shape\":[0,4],\"data_offsets\":[8,8]} }  "
    let header = try Bytes.safetensors(json, dataBytes: 8).parseSafetensors()
    #expect(header.tensors.map(\.name) == ["s", "e"])
    #expect(header.tensors[0].elements == 1)
    #expect(header.tensors[1].elements == 0)
  }

  @Test func decodesEscapedNames() throws {
    let json = #"{"a\u00e9\n\"b\ud83d\ude00":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
    let header = try Bytes.safetensors(json, dataBytes: 1).parseSafetensors()
    #expect(header.tensors[0].name == "aé\n\"b😀")
  }

  @Test func knowsAll22DTypeWidths() {
    #expect(SafetensorsDType.bits.count == 22)
    #expect(SafetensorsDType.bits["F4"] == 4)
    #expect(SafetensorsDType.bits["F6_E2M3"] == 6)
    #expect(SafetensorsDType.bits["F8_E8M0"] == 8)
    #expect(SafetensorsDType.bits["BF16"] == 16)
    #expect(SafetensorsDType.bits["C64"] == 64)
  }

  @Test func subByteDTypesThatFillBytesAreValid() throws {
    let json = #"{"a":{"dtype":"F4","shape":[4],"data_offsets":[0,2]},"b":{"dtype":"F6_E3M2","shape":[4],"data_offsets":[2,5]}}"#
    let header = try Bytes.safetensors(json, dataBytes: 5).parseSafetensors()
    #expect(header.tensors.map(\.bitsPerElement) == [4, 6])
  }

  @Test func unknownDTypeIsAWarningNotAFailure() throws {
    let json = #"{"a":{"dtype":"F12","shape":[2],"data_offsets":[0,3]}}"#
    let header = try Bytes.safetensors(json, dataBytes: 3).parseSafetensors()
    #expect(header.tensors[0].bitsPerElement == nil)
    #expect(header.tensors[0].bytes == nil)
    #expect(header.warnings == ["tensor 'a' has unknown dtype 'F12': its size cannot be checked"])
  }

  @Test func ignoresUnknownKeysInsideTensorEntries() throws {
    let json = #"{"a":{"dtype":"U8","extra":{"x":[1,2.5,true,null,"s"]},"shape":[1],"data_offsets":[0,1]}}"#
    #expect(try Bytes.safetensors(json, dataBytes: 1).parseSafetensors().tensors.count == 1)
  }

  // MARK: Faults, in the order the reader checks them

  @Test func fileShorterThanLength() {
    #expect(fault { try [1, 2, 3, 4, 5].parseSafetensors() } == .safetensors(.fileTooSmall(size: 5)))
    #expect(fault { try [UInt8]().parseSafetensors() } == .safetensors(.fileTooSmall(size: 0)))
  }

  @Test func headerLengthAboveCap() {
    var b = Bytes()
    b.u64(100_000_001)
    b.zeros(16)
    #expect(fault { try b.data.parseSafetensors() } == .safetensors(.headerTooLarge(length: 100_000_001, cap: 100_000_000)))
  }

  @Test func headerLengthOfAllOnes() {
    var b = Bytes()
    b.u64(UInt64.max)
    b.zeros(1016)
    let error = caught { try b.data.parseSafetensors() }
    #expect(error?.fault == .safetensors(.headerTooLarge(length: UInt64.max, cap: 100_000_000)))
    #expect(error?.offset == 0)
    #expect(error?.field == "header length")
  }

  @Test func headerLengthPastEnd() {
    var b = Bytes()
    b.u64(100)
    b.raw("{}")
    let error = caught { try b.data.parseSafetensors() }
    #expect(error?.fault == .safetensors(.headerPastEnd(length: 100, fileSize: 10)))
    #expect(error?.description == "byte 0: header length: 100 exceeds file size 10")
  }

  @Test func headerNotUTF8() {
    var b = Bytes()
    b.u64(4)
    b.raw([0x7B, 0xFF, 0xFE, 0x7D])
    #expect(fault { try b.data.parseSafetensors() } == .safetensors(.invalidUTF8))
  }

  @Test(arguments: [
    "not json", "{", #"{"a":{]}"#, #"{"a":{"dtype":"U8",}}"#, #"{"a" {}}"#, "[]", #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}"#,
  ])
  func headerNotJSON(_ header: String) {
    guard case .safetensors(.invalidJSON)? = fault({ try Bytes.safetensors(header).parseSafetensors() }) else {
      Issue.record("\(header) was not rejected as invalid JSON")
      return
    }
  }

  @Test func trailingGarbageAfterHeaderObject() {
    let json = #"{} x"#
    #expect(fault { try Bytes.safetensors(json).parseSafetensors() } == .safetensors(.invalidJSON("trailing characters after the header object")))
  }

  @Test func deepNestingIsCapped() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    let json = #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":"# + deep + "}}"
    #expect(fault { try Bytes.safetensors(json).parseSafetensors() } == .safetensors(.nestingTooDeep(limit: 64)))
  }

  @Test(arguments: [
    ("-1", "shape value is negative"), ("1.5", "shape value is not a whole number"),
    ("2e3", "shape value is not a whole number"), ("18446744073709551616", "shape value does not fit in 64 bits"),
  ])
  func badShapeValues(_ value: String, _ message: String) {
    let json = #"{"a":{"dtype":"U8","shape":["# + value + #"],"data_offsets":[0,1]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 1).parseSafetensors() } == .safetensors(.invalidNumber(message)))
  }

  @Test func shapeProductOverflow() {
    let json = #"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 1).parseSafetensors() } == .safetensors(.elementCountOverflow(tensor: "a")))
  }

  @Test func bitsOverflowAfterShapeFits() {
    let json = #"{"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 8).parseSafetensors() } == .safetensors(.elementCountOverflow(tensor: "a")))
  }

  @Test func holeBetweenTensors() {
    let json = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 5).parseSafetensors() } == .safetensors(.notContiguous(tensor: "b", begin: 3, expected: 2)))
  }

  @Test func overlappingTensors() {
    let json = #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 4).parseSafetensors() } == .safetensors(.notContiguous(tensor: "b", begin: 2, expected: 4)))
  }

  @Test func manyTensorsAliasingOneRange() {
    let entries = (0..<50).map { #""t\#($0)":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}"# }
    let json = "{" + entries.joined(separator: ",") + "}"
    guard case .safetensors(.notContiguous(_, 0, 8))? = fault({ try Bytes.safetensors(json, dataBytes: 8).parseSafetensors() }) else {
      Issue.record("aliasing tensors were accepted")
      return
    }
  }

  @Test func offsetsReversed() {
    let json = #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 4).parseSafetensors() } == .safetensors(.offsetsReversed(tensor: "a", begin: 4, end: 0)))
  }

  @Test func dataPastEndOfFile() {
    let json = #"{"a":{"dtype":"U8","shape":[16],"data_offsets":[0,16]}}"#
    let size = UInt64(8 + json.utf8.count)
    let bytes = Bytes.safetensors(json, dataBytes: 4)
    // A partial download: the header is whole, so it is read; the shortfall is noted...
    var noted = Problems()
    let header = try? bytes.withUnsafeBytes { try SafetensorsReader.parse($0, problems: &noted) }
    #expect(header?.tensors.count == 1)
    #expect(noted.shortData?.fileSize == size + 4)
    #expect(noted.shortData?.dataEnd == size + 16)
    // ...and validating reports it.
    var collected = Problems(collect: true)
    _ = try? bytes.withUnsafeBytes { try SafetensorsReader.parse($0, problems: &collected) }
    #expect(collected.list.map(\.fault) == [.safetensors(.dataSizeMismatch(expected: size + 16, actual: size + 4))])
  }

  @Test func dataNotCoveringFile() {
    let json = #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#
    let size = UInt64(8 + json.utf8.count)
    #expect(fault { try Bytes.safetensors(json, dataBytes: 6).parseSafetensors() } == .safetensors(.dataSizeMismatch(expected: size + 4, actual: size + 6)))
  }

  @Test func sizeDisagreesWithShape() {
    let json = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 4).parseSafetensors() } == .safetensors(.sizeMismatch(tensor: "a", expected: 8, span: 4)))
  }

  @Test func subByteDTypeNotEndingOnAByte() {
    let json = #"{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 2).parseSafetensors() } == .safetensors(.misalignedBits(tensor: "a", bits: 12)))
  }

  @Test func duplicateTensorNames() {
    let json = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 2).parseSafetensors() } == .safetensors(.duplicateKey("a")))
  }

  @Test func metadataWithNonStringValue() {
    let json = #"{"__metadata__":{"format":"pt","count":5}}"#
    #expect(fault { try Bytes.safetensors(json).parseSafetensors() } == .safetensors(.metadataNotStrings(key: "count")))
  }

  @Test func missingFields() {
    let json = #"{"a":{"shape":[1],"data_offsets":[0,1]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 1).parseSafetensors() } == .safetensors(.missingField(tensor: "a", field: "dtype")))
  }

  @Test func dataOffsetsNeedTwoValues() {
    let json = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}"#
    #expect(fault { try Bytes.safetensors(json, dataBytes: 1).parseSafetensors() } == .safetensors(.invalidField(tensor: "a", why: "data_offsets has 3 values, not 2")))
  }

  @Test func errorOffsetsPointIntoTheFile() {
    // `{"a":{"dtype":"U8","shape":[` is 28 characters: the bad number is header byte 28, file byte 36.
    let json = #"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#
    let error = caught { try Bytes.safetensors(json, dataBytes: 1).parseSafetensors() }
    #expect(error?.offset == 8 + 28)
  }
}

/// The canonical-entry fast path must read exactly what the general scanner reads.
@Suite struct CanonicalEntryTests {
  @Test func fastAndGeneralPathsAgree() throws {
    var compact: [String] = []
    var spaced: [String] = []
    var offset = 0
    for (k, (dtype, shape)) in [("F32", [2, 3]), ("BF16", []), ("U8", [0, 7]), ("F8_E4M3", [5]), ("MYSTERY", [3]), ("I64", [1, 1, 1, 1])].enumerated() {
      let width = ["F32": 4, "BF16": 2, "U8": 1, "F8_E4M3": 1, "MYSTERY": 1, "I64": 8][dtype]!
      let n = shape.reduce(1, *) * width
      compact.append(#""t\#(k)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(offset),\#(offset + n)]}"#.replacingOccurrences(of: " ", with: ""))
      spaced.append(#""t\#(k)" : { "shape" : \#(shape) , "dtype" : "\#(dtype)" , "data_offsets" : [ \#(offset) , \#(offset + n) ] }"#)
      offset += n
    }
    let fast = try Bytes.safetensors("{" + compact.joined(separator: ",") + "}", dataBytes: offset).parseSafetensors()
    let general = try Bytes.safetensors("{" + spaced.joined(separator: ",") + "}", dataBytes: offset).parseSafetensors()
    // The headers differ in length, so absolute offsets differ by exactly that.
    func relative(_ h: SafetensorsHeader) -> [TensorRecord] {
      h.tensors.map { t in
        var t = t
        t.offset -= h.dataStart
        return t
      }
    }
    #expect(relative(fast) == relative(general))
    #expect(fast.spans == general.spans)
    #expect(fast.warnings == general.warnings)
    #expect(fast.tensors.map(\.dtype) == ["F32", "BF16", "U8", "F8_E4M3", "MYSTERY", "I64"])
  }

  @Test(arguments: [
    #"{"dtype":"F32","shape":[01],"data_offsets":[0,4]}"#, #"{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}"#,
    #"{"dtype":"F\u0033\u0032","shape":[1],"data_offsets":[0,4]}"#, #"{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}"#,
    #"{"dtype":"F32","shape":[1234567890123456789],"data_offsets":[0,4]}"#,
  ])
  func entriesOffTheCanonicalFormGoToTheGeneralScanner(_ entry: String) throws {
    let bytes = Array(entry.utf8)
    let fast = CanonicalEntry.read(bytes.span, at: 0)
    #expect(fast == nil)
  }
}
