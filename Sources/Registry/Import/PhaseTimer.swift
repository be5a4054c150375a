import Foundation
enum PhaseTimer {
    nonisolated(unsafe) static var last = Date()
    static let on = ProcessInfo.processInfo.environment["ECONGIS_PHASES"] != nil
    static func mark(_ name: String) {
        guard on else { return }
        let now = Date()
        FileHandle.standardError.write("phase \(name): \(String(format: "%.2f", now.timeIntervalSince(last))) s\n".data(using: .utf8)!)
        last = now
    }
}
