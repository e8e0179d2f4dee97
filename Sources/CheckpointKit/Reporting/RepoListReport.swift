/// `--list`: the checkpoints a repo holds, each with the address that reads it.
public enum RepoListReport {
  public static func text(_ repo: String, _ checkpoints: [RepoCheckpoint]) -> String {
    var out = "\(repo): \(checkpoints.count) checkpoint\(checkpoints.count == 1 ? "" : "s")"
    guard !checkpoints.isEmpty else { return out }
    var table = TextTable([.left, .right, .right, .left])
    table.indent = 2
    table.add(["kind", "files", "size", "read it with"])
    for c in checkpoints {
      table.add([c.kind.rawValue, "\(c.files.count)", Units.bytes(c.bytes), HubAddress.joined(repo, c.path)])
    }
    out += "\n" + table.render()
    return out
  }

  public static func json(_ repo: String, _ checkpoints: [RepoCheckpoint]) -> JSONValue {
    .object([
      ("schema", .string(JSONReport.schema)), ("path", .string(repo)),
      (
        "checkpoints",
        .array(
          checkpoints.map { c in
            .object([
              ("kind", .string(c.kind.rawValue)), ("path", .string(c.path)), ("address", .string(HubAddress.joined(repo, c.path))),
              ("files", .int(c.files.count)), ("bytes", .unsigned(c.bytes)),
              ("sha256", c.files.count == 1 ? .optional(c.files[0].sha256) : .null),
            ])
          })
      ),
    ])
  }
}
