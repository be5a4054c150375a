import Foundation
import Registry
import Planning

/// The office's year of field work before the reference date, and the markets' goods-origin logs, as files that
/// the loader replays through the ordinary lifecycle (plan, start, record, seal, finish, close) and import.
extension UnitMaker {
    static let fieldWorkColumns = ["visit", "date", "unit_code", "scopes", "team", "status", "test", "instrument", "values", "note"]

    /// One row per test of a visit (a visit without tests has one row with no test). `status` is where the
    /// visit ends: planned, cancelled, in_progress, done or closed. `test` is fuel, scale, weighing, gold,
    /// check (papers and stamp) or seal; `values` are the measurement's, separated by semicolons, in the
    /// order of `econgis verdict`'s options.
    func fieldWorkCSV(seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed ^ 0xF1E1_D0A7)
        let ref = DemoGenerator.referenceDate
        var byUnit: [String: [[String]]] = [:]
        for i in instruments { byUnit[i[0], default: []].append(i) }
        var rows: [[String]] = []
        var visit = 0
        for u in units where u[9] == "active" {
            let (kind, vsic) = (u[2], u[3])
            let code = kind == "market_stall" ? "\(u[12])/\(u[13])" : u[0]  // a stall's code is MARKET/STALL
            guard let registered = LocalDate(iso: u[11]), let own = byUnit[code], !own.isEmpty else { continue }
            let category = kind == "market" ? "market" : kind == "market_stall" ? "stall"
                : vsic.contains("4730") ? "fuel" : vsic.contains("47732") ? "gold" : "other"
            let (share, scopes): (Double, String) = [
                "fuel": (1, "metrology;quantity;prices"), "gold": (0.6, "metrology;quality;prices"), "market": (1, "metrology;origin"),
                "stall": (0.35, "metrology;prices;origin"), "other": (0, ""),
            ][category]!
            guard rng.unit() < share else { continue }
            let first = max(registered.adding(days: 1), ref.adding(days: -365))
            guard first < ref.adding(days: -7) else { continue }
            // A few visits are still ahead (planned) or were called off.
            let fate = rng.unit()
            let date = fate < 0.05 ? ref.adding(days: rng.int(1...14)) : first.adding(days: rng.int(0...first.days(until: ref.adding(days: -7))))
            let status = fate < 0.05 ? "planned" : fate < 0.08 ? "cancelled" : date > ref.adding(days: -30) && rng.chance(0.5) ? "done" : "closed"
            visit += 1
            let head = [String(visit), date.description, code, scopes, rng.pick(["Đội 1", "Đội 2", "Đội 3"]), status]
            let tests = status == "planned" || status == "cancelled" ? [] : fieldTests(category, own, &rng)
            if tests.isEmpty { rows.append(head + ["", "", "", status == "cancelled" ? "cơ sở đóng cửa" : ""]) }
            for t in tests { rows.append(head + t) }
        }
        return csv(UnitMaker.fieldWorkColumns, rows)
    }

    /// The tests of one visit: each instrument tested once (up to four), a failing one sealed, one checked for papers.
    private func fieldTests(_ category: String, _ own: [[String]], _ rng: inout SplitMix64) -> [[String]] {
        var tests: [[String]] = []
        for i in own.prefix(4) {
            let (type, serial, cls) = (i[1], i[2], i[5])
            let capacity = Double(i[6]) ?? 0, interval = Double(i[7]) ?? 0
            let grams = i[8] == "kg" ? 1000.0 : 1
            func round(_ x: Double, _ places: Double) -> String { String((x * places).rounded() / places) }
            switch type {
            case "fuel_dispenser":
                let error = -0.0005 + 0.0017 * rng.normal()  // fraction of 20 L
                tests.append(["fuel", serial, "20;" + round(20 * (1 + error), 1000), ""])
                if abs(error) > 0.003 { tests.append(["seal", serial, "", "sai số \(round(error * 100, 100)) %, niêm phong chờ kiểm định lại"]) }
            case "counter_scale" where category == "stall", "spring_dial_scale" where category == "stall":  // Circular 09/2017 check of a stall's scale
                let d = interval * grams
                let load = min(capacity, d <= 20 ? 1 : d <= 50 ? 2 : d <= 100 ? 4 : 10)
                let short = max(0, 4 + 10 * rng.normal()) * (d / 20)  // grams short, mostly within 1d-3d
                tests.append(["scale", serial, "\(round(capacity, 1000));\(round(d, 1000));\(round(load, 1000));\(round(load - short / 1000, 1000))", ""])
            case "platform_scale", "analytical_scale", "precision_scale":
                let e = interval * grams
                // 40 % of the capacity, within the class's range of OIML R76 (the demo's precision scales exceed it).
                let top: [String: Double] = ["I": .infinity, "II": 100_000, "III": 10_000, "IIII": 1_000]
                let load = min(capacity * grams * 0.4, (top[cls] ?? 1_000) * e * 0.8)
                let mpe = e * (load / e <= 500 ? 0.5 : load / e <= 2000 ? 1 : 1.5) * 2
                let reading = load + mpe * 0.6 * rng.normal()
                tests.append(["weighing", serial, "\(cls);\(e);\(round(capacity * grams / 1000, 1e7));\(round(load / 1000, 1e7));\(round(reading / 1000, 1e7))", ""])
                if category == "gold" && tests.count == 1 {
                    let declared = rng.pick([3.75, 7.5, 37.5, 100])
                    tests.append(["gold", serial, "\(declared);\(round(declared - max(0, 6 + 9 * rng.normal()) / 1000, 10000))", ""])
                }
            default: continue
            }
        }
        if let i = own.first, rng.chance(0.5) {
            let stamp = rng.chance(0.06) ? "broken" : "intact"
            tests.append(["check", i[2], stamp + ";" + (rng.chance(0.08) ? "no" : "yes"), ""])
        }
        return tests
    }

    /// What the food stalls of the two markets brought in over the year: most with a supplier and a province,
    /// some without an origin, some from abroad (with or without a traceability code).
    func originLogCSV(seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed ^ 0x0417_6A11)
        let ref = DemoGenerator.referenceDate
        let goods: [String: [(String, String)]] = [
            "Thực phẩm tươi sống": [("Thịt heo", "kg"), ("Thịt bò", "kg"), ("Gà ta", "con"), ("Cá basa", "kg"), ("Tôm thẻ", "kg")],
            "Rau củ quả": [("Rau muống", "kg"), ("Cải xanh", "kg"), ("Cà chua", "kg"), ("Táo", "thùng"), ("Xoài", "kg"), ("Nho", "thùng")],
            "Hàng khô": [("Gạo", "bao"), ("Đậu xanh", "kg"), ("Nước mắm", "thùng"), ("Mì gói", "thùng")],
        ]
        let provinces = ["Đồng Nai", "Long An", "Tiền Giang", "Lâm Đồng", "Bến Tre", "Đồng Tháp", "An Giang", "Cần Thơ", "Tây Ninh",
                         "Bình Dương", "TP. Hồ Chí Minh", "Tỉnh Vĩnh Long"]
        let suppliers = ["Vissan", "Chợ đầu mối Bình Điền", "Chợ đầu mối Hóc Môn", "HTX Nông nghiệp Tân Phú", "Vựa Bình Điền", "Công ty CP Ba Huân"]
        var rows: [[String]] = []
        for u in units where u[2] == "market_stall" && u[9] == "active" {
            guard let list = goods[u[14]], let registered = LocalDate(iso: u[11]) else { continue }
            let first = max(registered, ref.adding(days: -365))
            guard first < ref else { continue }
            for _ in 0..<rng.int(3...10) {
                let (name, unit) = rng.pick(list)
                let on = first.adding(days: rng.int(0...first.days(until: ref.adding(days: -1))))
                let abroad = (name == "Táo" || name == "Nho") && rng.chance(0.7)
                let fate = rng.unit()
                let origin = fate < 0.08 ? "" : abroad ? rng.pick(["Trung Quốc", "Úc", "Mỹ", "New Zealand"]) : rng.pick(provinces)
                let supplier = fate > 0.92 ? "" : rng.pick(suppliers)
                let trace = abroad && rng.chance(0.5) ? "TX-\(rng.int(100_000...999_999))" : ""
                rows.append([u[12], u[13], on.description, name, String(rng.int(1...40)), unit, supplier, origin, trace])
            }
        }
        rows.sort { ($0[0], $0[1], $0[2]) < ($1[0], $1[1], $1[2]) }
        return csv(["market_code", "stall_no", "received_on", "goods", "quantity", "quantity_unit", "supplier", "origin_province", "traceability_code"], rows)
    }
}
