import Foundation
import Testing

/// The instruments collection gives each instrument its state as `econgis instruments list` does: `due` only when
/// its verification falls within the due window (30 days), `valid` beyond it. The map's popup colours by this state.
@Suite struct InstrumentStateTests {
    @Test func dueOnlyWithinTheWindowValidBeyond() async throws {
        let s = try await TestServer.shared.value
        let page = try await get(s.base + "/collections/instruments/items?f=json&limit=10000&properties=state,days_overdue")
        #expect(page.status == 200)
        let features = page.json["features"] as? [[String: Any]] ?? []
        #expect(features.count == page.json["numberMatched"] as? Int)
        var seen: [String: Int] = [:]
        for f in features {
            let p = f["properties"] as? [String: Any] ?? [:]
            let state = p["state"] as? String ?? "?"
            let daysAhead = -((p["days_overdue"] as? NSNumber)?.intValue ?? 0)
            seen[state, default: 0] += 1
            switch state {
            case "due": #expect((0...30).contains(daysAhead), "instrument \(f["id"] ?? "?") due in \(daysAhead) days")
            case "valid": #expect(daysAhead > 30, "instrument \(f["id"] ?? "?") valid but due in \(daysAhead) days")
            case "expired": #expect(daysAhead < 0)
            case "sealed", "unknown": break
            default: Issue.record("instrument \(f["id"] ?? "?"): state \(state)")
            }
        }
        // The demo has instruments of each kind, so a layer that never says valid (or never due) cannot pass.
        #expect((seen["valid"] ?? 0) > 0 && (seen["due"] ?? 0) > 0 && (seen["expired"] ?? 0) > 0, "\(seen)")
    }
}
