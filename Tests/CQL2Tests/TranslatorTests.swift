import CQL2
import Testing

/// The SQL the translator writes: values only as arguments, names only from the queryables, types checked.
struct TranslatorTests {
    let translator = CQL2SQLiteTranslator(queryables: CQL2Queryables([
        .init(name: "name", sql: "\"name\"", type: .string),
        .init(name: "pop", sql: "\"pop\"", type: .integer),
        .init(name: "open", sql: "\"open\"", type: .boolean),
        .init(name: "day", sql: "\"day\"", type: .date),
        .init(name: "seen", sql: "\"seen\"", type: .timestamp),
        .init(name: "geom", sql: "\"geom\"", type: .geometry(srid: 4326)),
    ], spatialIndexes: ["geom": .spatiaLite(table: "unit", geometryColumn: "geom")]))

    func sql(_ text: String) throws -> CQL2SQL { try translator.translate(try CQL2Expression.parse(text: text)) }

    func error(_ text: String) -> CQL2Error? {
        do { _ = try sql(text); return nil } catch { return error as? CQL2Error }
    }

    @Test func valuesAreBoundNeverWritten() throws {
        let s = try sql("name = 'Chợ' AND pop >= 1000 AND pop < 2.5 AND open = true")
        #expect(s.sql == #"((("name" = ?) AND ("pop" >= ?)) AND (("pop" < ?) AND ("open" = ?)))"#)
        #expect(s.arguments == [.text("Chợ"), .integer(1000), .real(2.5), .integer(1)])
    }

    @Test func caseAndAccentFoldingOfLiteralsHappensBeforeBinding() throws {
        let s = try sql("ACCENTI(CASEI(name)) = ACCENTI(CASEI('ĐƯỜNG Nguyễn Trãi'))")
        #expect(s.sql == #"(accenti(casei("name")) = ?)"#)
        #expect(s.arguments == [.text("duong nguyen trai")])
    }

    @Test func likeBecomesACaseSensitiveGlobWithItsMetacharactersEscaped() throws {
        let s = try sql(#"name LIKE 'a*b?c[d%e_f\%g\_h'"#)
        #expect(s.sql == #"("name" GLOB ?)"#)
        #expect(s.arguments == [.text("a[*]b[?]c[[]d*e?f%g_h")])
        #expect(try sql("name NOT LIKE CASEI('B_R%')").arguments == [.text("b?r*")])
    }

    @Test func timestampsCompareThroughJulianday() throws {
        #expect(try sql("seen > TIMESTAMP('2022-04-16T10:13:19Z')").sql == #"(julianday("seen") > julianday(?))"#)
        #expect(try sql("day = DATE('2022-04-16')").sql == #"("day" = ?)"#)
        let t = try sql("T_DURING(INTERVAL(day, '..'), INTERVAL('2020-01-01', seen))")
        #expect(t.sql == #"(julianday("day") > julianday(?) AND ? < julianday("seen"))"#)
        #expect(t.arguments == [.text("2020-01-01"), .real(Double.greatestFiniteMagnitude)])
    }

    @Test func spatialLiteralsGoThroughGeomFromTextWithTheColumnsSRIDAndTheIndex() throws {
        let s = try sql("S_INTERSECTS(geom, POINT(106.65 10.75))")
        #expect(s.sql == #"(ROWID IN (SELECT "pkid" FROM "idx_unit_geom" WHERE "xmin" <= ? AND "xmax" >= ? AND "ymin" <= ? AND "ymax" >= ?) AND (CASE ST_Intersects("geom", GeomFromText(?, 4326)) WHEN 1 THEN 1 WHEN 0 THEN 0 END))"#)
        #expect(s.arguments == [.real(106.65), .real(106.65), .real(10.75), .real(10.75), .text("POINT(106.65 10.75)")])
        let disjoint = try sql("S_DISJOINT(geom, BBOX(170, -10, -170, 10))")
        #expect(!disjoint.sql.contains("idx_unit_geom"))
        #expect(disjoint.arguments == [.text("MULTIPOLYGON(((170.0 -10.0, 180.0 -10.0, 180.0 10.0, 170.0 10.0, 170.0 -10.0)), ((-180.0 -10.0, -170.0 -10.0, -170.0 10.0, -180.0 10.0, -180.0 -10.0)))")])
    }

    @Test func mismatchesAndUnsupportedPartsAreNamedErrors() {
        #expect(error("name = 5")?.kind == .invalidOperand)
        #expect(error("pop LIKE 'a%'")?.kind == .invalidOperand)
        #expect(error("T_AFTER(name, DATE('2020-01-01'))")?.kind == .invalidOperand)
        #expect(error("S_INTERSECTS(name, POINT(1 2))")?.kind == .invalidOperand)
        #expect(error("name")?.kind == .invalidOperand)
        #expect(error("avg(pop) > 3")?.kind == .unsupported)
        #expect(error("A_CONTAINS(name, ('a', 'b'))")?.kind == .unsupported)
        let unknown = error("Name = 'x'")
        #expect(unknown?.kind == .unknownProperty)
        #expect(unknown?.description == "unknown property \"Name\"; found Name; expected one of the queryables: name, pop, open, day, seen, geom")
    }

    @Test func theBooleanPropertyStandsAsACondition() throws {
        #expect(try sql("open AND pop > 1").sql == #"(("open" = 1) AND ("pop" > ?))"#)
    }
}
