#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The progress bar of `scan` on standard error: bytes done, throughput, time left. Shown only
/// when standard error is a terminal.
public enum ScanProgressLine {
  public static var wanted: Bool { isatty(2) != 0 }

  public static func show(_ progress: ScanProgress, label: String) {
    Progress.show(line(progress, label: label, width: Terminal.width(of: 2)))
  }

  public static func clear() { Progress.clear() }

  static func line(_ progress: ScanProgress, label: String, width: Int) -> String {
    let fraction = progress.total == 0 ? 1 : min(1, Double(progress.done) / Double(progress.total))
    let rate = progress.seconds > 0 ? Double(progress.done) / progress.seconds : 0
    var tail = " \(Units.fixed(fraction * 100, 0))% \(Units.bytes(progress.done))/\(Units.bytes(progress.total))"
    if rate > 0 {
      tail += " \(Units.bytes(UInt64(rate)))/s"
      let left = Double(progress.total - min(progress.done, progress.total)) / rate
      tail += " ETA \(Int(left.rounded(.up)))s"
    }
    let name = FileSystemName.base(label)
    let barWidth = max(10, min(30, width - name.count - tail.count - 4))
    let filled = Int((fraction * Double(barWidth)).rounded(.down))
    let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]"
    let text = name + " " + bar + tail
    return text.count < width ? text : String(text.prefix(max(1, width - 1)))
  }
}
