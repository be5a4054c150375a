import CQL2
import GeoJSON
import Testing

/// cql2-text: precedence, literals, and errors that name the offset, the token found and what was expected.
struct TextParserTests {
    func parse(_ text: String) throws -> CQL2Expression { try CQL2Expression.parse(text: text) }

    func error(_ text: String) -> CQL2Error? {
        do { _ = try CQL2Expression.parse(text: text); return nil } catch { return error }
    }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() throws {
        let a: CQL2Expression = .comparison(.equal, .property("a"), .number(1))
        let b: CQL2Expression = .comparison(.equal, .property("b"), .number(2))
        let c: CQL2Expression = .comparison(.equal, .property("c"), .number(3))
        #expect(try parse("a = 1 OR b = 2 AND c = 3") == .or([a, .and([b, c])]))
        #expect(try parse("NOT a = 1 AND b = 2") == .and([.not(a), b]))
        #expect(try parse("(a = 1 OR b = 2) AND c = 3") == .and([.or([a, b]), c]))
    }

    @Test func arithmeticPrecedenceAndAssociativity() throws {
        #expect(try parse("x = 1 + 2 * 3") == .comparison(.equal, .property("x"),
            .arithmetic(.plus, .number(1), .arithmetic(.times, .number(2), .number(3)))))
        #expect(try parse("x = 8 - 2 - 1") == .comparison(.equal, .property("x"),
            .arithmetic(.minus, .arithmetic(.minus, .number(8), .number(2)), .number(1))))
        #expect(try parse("x > 21 DIV 10") == .comparison(.greater, .property("x"), .arithmetic(.integerDivide, .number(21), .number(10))))
        #expect(try parse("x = -y") == .comparison(.equal, .property("x"), .arithmetic(.times, .number(-1), .property("y"))))
        #expect(try parse("x = -1.5e3") == .comparison(.equal, .property("x"), .number(-1500)))
    }

    @Test func stringsKeepQuotesAndVietnameseText() throws {
        #expect(try parse("name = 'It''s'") == .comparison(.equal, .property("name"), .string("It's")))
        #expect(try parse(#"name = 'It\'s'"#) == .comparison(.equal, .property("name"), .string("It's")))
        #expect(try parse("name = 'Chợ Bình Tây'") == .comparison(.equal, .property("name"), .string("Chợ Bình Tây")))
    }

    @Test func keywordsIgnoreCaseAndQuotedNamesMayBeKeywords() throws {
        #expect(try parse("\"date\" is not null") == .not(.isNull(.property("date"))))
        #expect(try parse("x NOT between 1 and 2") == .not(.between(.property("x"), low: .number(1), high: .number(2))))
        #expect(try parse("t_after(\"date\", date('2022-04-16'))") == .temporal(.after, .property("date"), .date(CQL2Date("2022-04-16")!)))
    }

    @Test func timestampsWithZeroFractionsAreTheSameInstant() throws {
        #expect(try parse("t = TIMESTAMP('2012-08-10T05:30:00.000000Z')") == (try parse("t = TIMESTAMP('2012-08-10T05:30:00Z')")))
        #expect(try parse("t = TIMESTAMP('2012-08-10T05:30:00.5Z')") != (try parse("t = TIMESTAMP('2012-08-10T05:30:00Z')")))
    }

    @Test func geometriesInWellKnownText() throws {
        #expect(try parse("S_INTERSECTS(g, MULTIPOINT((1 2), (3 4)))") == (try parse("S_INTERSECTS(g, MULTIPOINT(1 2, 3 4))")))
        let z = try parse("S_WITHIN(g, POINT Z (1 2 3))")
        #expect(z == .spatial(.within, .property("g"), .geometry(.point(Position(1, 2, 3)))))
        let collection = try parse("S_INTERSECTS(g, GEOMETRYCOLLECTION(POINT(1 2), GEOMETRYCOLLECTION(LINESTRING(0 0, 1 1))))")
        #expect(collection == .spatial(.intersects, .property("g"), .geometry(.geometryCollection([
            .point(Position(1, 2)), .geometryCollection([.lineString([Position(0, 0), Position(1, 1)])]),
        ]))))
    }

    @Test func errorsNameTheOffsetTheTokenAndWhatWasExpected() {
        let missing = error("name = ")
        #expect(missing?.offset == 7)
        #expect(missing?.found == "the end of the filter")
        #expect(missing?.expected == "a literal, a property name, a function or '('")

        let extra = error("a = 1 b = 2")
        #expect(extra?.offset == 6)
        #expect(extra?.found == "'b'")
        #expect(extra?.expected == "AND, OR or the end of the filter")

        let unclosed = error("(a = 1")
        #expect(unclosed?.offset == 6)
        #expect(unclosed?.expected == "')'")

        let pattern = error("name LIKE 5")
        #expect(pattern?.kind == .invalidOperand)
        #expect(pattern?.offset == 10)

        let string = error("a = 'open")
        #expect(string?.offset == 4)
        #expect(string?.expected == "a closing '")

        #expect(error("d = DATE('2021-02-30')")?.offset == 9)
        #expect(error("a = 1 ; DROP TABLE x")?.offset == 6)
        #expect(error("a = 1 AND")?.found == "the end of the filter")
        #expect(error("S_INTERSECTS(g, POLYGON((0 0, 1 0, 1 1, 0 0.5)))")?.offset == 24)
        #expect(error("S_INTERSECTS(g, BBOX(1, 2, 3))")?.kind == .syntax)
        #expect(error("x IN ()")?.kind == .invalidOperand)
        #expect(error("a = b = c") != nil)
    }

    @Test func descriptionReadsAsOneSentence() {
        #expect(error("name = ")?.description
            == "at character 8: expected an operand; found the end of the filter; expected a literal, a property name, a function or '('")
    }
}
