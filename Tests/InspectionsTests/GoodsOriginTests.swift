import Foundation
import Testing
import GRDB
@testable import Registry

/// The markets' goods-origin log: atomic import with per-line reasons, upsert, and the entries whose origin is
/// missing or doubtful by market and stall.
@Suite struct GoodsOriginTests {
    let registry: TemporaryRegistry
    let header = "market_code,stall_no,received_on,goods,quantity,quantity_unit,supplier,origin_province,traceability_code\n"
    let options = ImportOptions(today: LocalDate(iso: "2026-11-15")!)

    init() throws {
        registry = try TemporaryRegistry()
        try registry.execute("""
            INSERT INTO economic_units (id, code, kind, name, registered_on, search_text, created_at, updated_at) VALUES
              (1, 'CHO-BT', 'market', 'Chợ Bình Thới', '2000-01-01', 'cho binh thoi', 'x', 'x'),
              (2, 'CHO-TH', 'market', 'Chợ Thiếc', '2000-01-01', 'cho thiec', 'x', 'x'),
              (9, '0100233488', 'enterprise', 'Công ty A', '2000-01-01', 'cong ty a', 'x', 'x');
            INSERT INTO economic_units (id, code, kind, name, market_id, stall_no, registered_on, search_text, created_at, updated_at) VALUES
              (3, 'CHO-BT/A-1', 'market_stall', 'Sạp thịt', 1, 'A-1', '2024-01-01', 'sap thit', 'x', 'x'),
              (4, 'CHO-BT/A-2', 'market_stall', 'Sạp trái cây', 1, 'A-2', '2024-01-01', 'sap trai cay', 'x', 'x'),
              (5, 'CHO-TH/B-1', 'market_stall', 'Sạp cá', 2, 'B-1', '2024-01-01', 'sap ca', 'x', 'x');
            """)
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = registry.directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func badLinesAreRejectedWithReasonsAndNothingIsWritten() throws {
        _ = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: file("ok.csv", header + "CHO-BT,A-1,2026-11-01,Thịt heo,25,kg,Vissan,Đồng Nai,\n"), options: options)
        let before = try registry.snapshot("goods_origin_entries")
        let bad = try file("bad.csv", header
            + "CHO-BT,A-1,2026-11-10,Thịt bò,10,kg,Vissan,Đồng Nai,\n"        // valid, but the file fails
            + "CHO-BT,A-1,2026-13-10,Thịt heo,25,kg,Vissan,Đồng Nai,\n"
            + "CHO-BT,Z-9,2026-11-10,Rau,10,kg,,Long An,\n"
            + "CHO-BT,A-2,2026-11-11,,20,thùng,,,\n"
            + "CHO-BT,A-2,2026-11-11,Cam,-3,kg,,,\n"
            + "CHO-BT,A-2,2023-12-31,Gạo,5,kg,,An Giang,\n"
            + ",,2026-11-11,Gạo,5,kg,,An Giang,\n"
            + "CHO-BT,A-2,2026-11-20,Gạo,5,kg,,An Giang,\n"
            + "CHO-BT,A-2,2026-11-11,Gạo,5,,,An Giang,\n")
        #expect {
            try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: bad, options: options)
        } throws: { error in
            let t = "\(error)"
            return t.hasPrefix("bad.csv: 8 invalid values; nothing was written")
                && t.contains("bad.csv line 3: field received_on: \"2026-13-10\": a date YYYY-MM-DD")
                && t.contains("bad.csv line 4: field unit_code: \"CHO-BT/Z-9\": the code of a unit in the registry")
                && t.contains("bad.csv line 5: field goods: (empty): a value is required")
                && t.contains("bad.csv line 6: field quantity: \"-3\": a number greater than 0")
                && t.contains("bad.csv line 7: field received_on: \"2023-12-31\": a date on or after 2024-01-01, when the stall was registered")
                && t.contains("bad.csv line 8: field unit_code: (empty)")
                && t.contains("bad.csv line 9: field received_on: \"2026-11-20\": a date not after today (2026-11-15)")
                && t.contains("bad.csv line 10: field quantity_unit: (empty)")
        }
        #expect(try registry.snapshot("goods_origin_entries") == before)
        // Not a market's stall.
        #expect {
            try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: file("co.csv", "unit_code,received_on,goods\n0100233488,2026-11-01,Gạo\n"), options: options)
        } throws: { "\($0)".contains("co.csv line 2: field unit_code: \"0100233488\": a market stall or a market") }
        #expect(try registry.snapshot("goods_origin_entries") == before)
    }

    @Test func skipInvalidKeepsTheRestAndWritesTheRejects() throws {
        let path = try file("mixed.csv", header + "CHO-BT,A-1,2026-11-10,Thịt bò,10,kg,Vissan,Đồng Nai,\n" + "CHO-BT,Z-9,2026-11-10,Rau,10,kg,,Long An,\n")
        var o = options
        o.skipInvalid = true
        o.rejectsPath = path + ".rejects.csv"
        let r = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: path, options: o)
        #expect(r.inserted == 1 && r.rejected == 1)
        let rejects = try String(contentsOfFile: o.rejectsPath!, encoding: .utf8)
        #expect(rejects.contains("3,CHO-BT,Z-9,2026-11-10,Rau") && rejects.contains("unit_code: CHO-BT/Z-9"))
    }

    /// Dates as offices type them in Excel: with dmy asked for, 03/11/2026 is the 3rd of November (the log was read
    /// ISO-only, whatever was asked), and 2026-11-04 is still read.
    @Test func datesDayFirstWhenAskedFor() throws {
        let path = try file("dmy.csv", header + "CHO-BT,A-1,03/11/2026,Thịt heo,25,kg,Vissan,Đồng Nai,\n"
                                               + "CHO-BT,A-1,2026-11-04,Thịt bò,10,kg,Vissan,Đồng Nai,\n")
        var o = options
        o.dateOrder = .dmy
        let r = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: path, options: o)
        #expect(r.inserted == 2)
        #expect(try registry.store.read { try String.fetchAll($0, sql: "SELECT received_on || ' ' || goods FROM goods_origin_entries ORDER BY received_on") }
                == ["2026-11-03 Thịt heo", "2026-11-04 Thịt bò"])
        o.dateOrder = .iso
        #expect { try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: path, options: o) }
            throws: { "\($0)".contains("dmy.csv line 2: field received_on: \"03/11/2026\"") }
    }

    /// A line that leaves columns out keeps what the logged entry holds there (a file of traceability codes emptied
    /// the quantities); a cell given empty empties its column.
    @Test func aLineLeavingColumnsOutKeepsTheirValues() throws {
        let first = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(
            path: file("full.csv", header + "CHO-BT,A-1,2026-11-01,Thịt heo,25,kg,Vissan,Đồng Nai,\n"), options: options)
        #expect(first.inserted == 1)
        func entry() throws -> String {
            try registry.store.read { try String.fetchOne($0, sql: """
                SELECT coalesce(quantity, '-') || '|' || coalesce(quantity_unit, '-') || '|' || coalesce(traceability_code, '-') || '|' || coalesce(note, '-')
                FROM goods_origin_entries
                """) ?? "no entry" }
        }
        let codes = try file("codes.csv", "market_code,stall_no,received_on,goods,supplier,origin_province,traceability_code\n"
                             + "CHO-BT,A-1,2026-11-01,Thịt heo,Vissan,Đồng Nai,TX-9\n")
        let r = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: codes, options: options)
        #expect(r.updated == 1)
        #expect(try entry() == "25.0|kg|TX-9|-")
        let again = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: codes, options: options)
        #expect(again.unchanged == 1)
        let emptied = try file("emptied.csv", header + "CHO-BT,A-1,2026-11-01,Thịt heo,25,kg,Vissan,Đồng Nai,\n")
        #expect(try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: emptied, options: options).updated == 1)
        #expect(try entry() == "25.0|kg|-|-")

        // Leaving out a key column (supplier, origin): the line is that stall's entry of those goods that day, not a
        // second one beside it. A row cut short of its supplier and origin is read the same way.
        let noSupplier = try file("nosupplier.csv", "market_code,stall_no,received_on,goods,quantity,quantity_unit\n"
                                  + "CHO-BT,A-1,2026-11-01,Thịt heo,30,kg\n")
        #expect(try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: noSupplier, options: options).updated == 1)
        let short = try file("short.csv", header + "CHO-BT,A-1,2026-11-01,Thịt heo,35,kg\n")
        #expect(try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: short, options: options).updated == 1)
        #expect(try registry.count("goods_origin_entries") == 1)
        #expect(try entry() == "35.0|kg|-|-")
        // Two entries of those goods that day, from two suppliers: which one is meant cannot be told, and nothing is written.
        _ = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(
            path: file("second.csv", header + "CHO-BT,A-1,2026-11-01,Thịt heo,5,kg,CP,Đồng Nai,\n"), options: options)
        #expect(try registry.count("goods_origin_entries") == 2)
        #expect {
            try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: noSupplier, options: options)
        } throws: { "\($0)".contains("2 times") && "\($0)".contains("a line with origin_province and supplier") }
        #expect(try registry.count("goods_origin_entries") == 2)
    }

    @Test func missingAndDoubtfulOriginByMarketAndStall() throws {
        let path = try file("log.csv", header
            + "CHO-BT,A-1,2026-11-10,Thịt heo,25,kg,Vissan,Tỉnh Đồng Nai,\n"
            + "CHO-BT,A-1,2026-11-10,Rau muống,10,kg,HTX Tân Phú,,\n"
            + "CHO-BT,A-2,2026-11-11,Táo,20,thùng,Vựa Bình Điền,Trung Quốc,\n"
            + "CHO-BT,A-2,2026-11-12,Nho,5,thùng,Vựa Bình Điền,Úc,AU-778812\n"
            + "CHO-BT,A-2,2026-11-12,Xoài,8,kg,,tien giang,\n"
            + "CHO-TH,B-1,2026-11-11,Cá basa,15,kg,Chợ đầu mối Bình Điền,TP. Hồ Chí Minh,\n"
            + "CHO-TH,B-1,2026-11-12,Cá lóc,15,kg,,,\n")
        let first = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: path, options: options)
        #expect(first.inserted == 7)
        let again = try GoodsOriginImport(store: registry.store, now: Date()).importEntries(path: path, options: options)
        #expect(again.unchanged == 7 && again.inserted == 0)

        let query = GoodsOriginQuery(store: registry.store)
        var filter = GoodsOriginFilter()
        filter.problems = [.missing, .doubtful]
        let flagged = try query.entries(filter)
        #expect(flagged.map { "\($0.stallNo!) \($0.goods) \($0.problem!.rawValue)" }
                == ["A-1 Rau muống missing", "A-2 Táo doubtful", "A-2 Xoài doubtful", "B-1 Cá lóc missing"])
        #expect(flagged[1].reason == "\"Trung Quốc\" is not a province of Vietnam and there is no traceability code")
        #expect(flagged[2].reason == "neither supplier nor traceability code")
        filter.marketCode = "CHO-BT"
        filter.stallNo = "A-2"
        filter.problems = [.doubtful]
        #expect(try query.entries(filter).map(\.goods) == ["Táo", "Xoài"])
        filter.problems = []
        #expect(try query.entries(filter).count == 3)
        #expect(try query.entries(GoodsOriginFilter()).filter { $0.problem == nil }.map(\.goods) == ["Thịt heo", "Nho", "Cá basa"])
    }
}
