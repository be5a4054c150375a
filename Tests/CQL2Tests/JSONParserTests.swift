import CQL2
import GeoJSON
import Testing

/// cql2-json: the same tree as cql2-text, and errors that name the JSON path.
struct JSONParserTests {
    func error(_ json: String) -> CQL2Error? {
        do { _ = try CQL2Expression.parse(json: json); return nil } catch { return error }
    }

    @Test func geoJSONAndWKTLiteralsGiveTheSameTree() throws {
        let json = try CQL2Expression.parse(json: #"""
            {"op":"s_intersects","args":[{"property":"geom"},
             {"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}
            """#)
        #expect(json == (try CQL2Expression.parse(text: "S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 0)))")))
    }

    @Test func intervalsTakeDatesTimestampsAndOpenEnds() throws {
        let json = try CQL2Expression.parse(json: #"{"op":"t_during","args":[{"property":"d"},{"interval":["2020-01-01",".."]}]}"#)
        #expect(json == .temporal(.during, .property("d"), .interval(.date(CQL2Date("2020-01-01")!), .unbounded)))
    }

    @Test func errorsNameThePath() {
        #expect(error(#"{"op":"like","args":[{"property":"name"},5]}"#)?.jsonPath == "args[1]")
        #expect(error(#"{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]}]}"#)?.kind == .invalidOperand)
        #expect(error(#"{"op":"=","args":[{"property":"a"},{"colour":"red"}]}"#)?.jsonPath == "args[1]")
        #expect(error(#"{"op":"=","args":[{"property":"a"},{"date":"2021-13-01"}]}"#)?.jsonPath == "args[1].date")
        #expect(error(#"{"op":"t_after","args":[{"property":"a"},{"interval":["2021-01-01","soon"]}]}"#)?.jsonPath == "args[1].interval[1]")
        #expect(error(#"{"op":"s_within","args":[{"property":"g"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}]}"#)?.jsonPath == "args[1]")
        #expect(error(#"{"op":"=","args":[{"property":"a"},1]"#)?.kind == .syntax)
        #expect(error(#"{"op":"+","args":[1,2]}"#)?.description.hasPrefix("at the top level: a filter must be a predicate") == true)
    }
}
