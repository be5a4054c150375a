import Foundation
import Testing

/// `econgis verdict …` run as a process on a fresh registry: the rules come from its tables.
@Suite(.serialized) struct VerdictCommandTests {
    let registry: TemporaryRegistry

    init() throws { registry = try TemporaryRegistry() }

    func verdict(_ args: [String]) throws -> (status: Int32, json: [String: Any]?, out: String, err: String) {
        let r = try Command.run(["verdict"] + args + ["--db", registry.path, "--on", "2026-06-01", "--format", "json"])
        let json = try? JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        return (r.status, json, r.out, r.err)
    }

    @Test func issueExamplesAsJSON() throws {
        let fuel = try verdict(["fuel", "--nominal-l", "20", "--measured-l", "19.95"])
        #expect(fuel.status == 0, "\(fuel.err)")
        #expect(fuel.json?["verdict"] as? String == "pass")
        #expect(fuel.json?["error"] as? Double == -0.25)
        #expect(fuel.json?["limit"] as? Double == 0.3)
        #expect(fuel.json?["rule"] as? String == "fuel-dispenser-mpe")
        #expect((fuel.json?["source"] as? String)?.contains("ĐLVN 10") == true)

        let scale = try verdict(["scale", "--capacity-kg", "8", "--load-kg", "1", "--reading-kg", "0.985"])
        #expect(scale.json?["verdict"] as? String == "pass")
        #expect(scale.json?["limit"] as? Double == 20)

        let gold = try verdict(["gold", "--declared-g", "100", "--delivered-g", "99.969"])
        #expect(gold.json?["verdict"] as? String == "fail")
        #expect(gold.json?["error"] as? Double == -31)
        #expect(gold.json?["limit"] as? Double == 30)

        let prepack = try verdict(["prepack", "--nominal", "500", "--unit", "g", "--measured", "496,501,489,502,500"])
        #expect(prepack.json?["verdict"] as? String == "fail")
        #expect(prepack.json?["rule"] as? String == "c21-2014-lot-mean")

        let weighing = try verdict(["weighing", "--class", "III", "--e-g", "5", "--capacity-kg", "15", "--load-kg", "2", "--reading-kg", "2.005"])
        #expect(weighing.json?["verdict"] as? String == "pass")
        #expect(weighing.json?["limit"] as? Double == 5)
    }

    @Test("bad input: the flag, the value and what was expected", arguments: [
        (["fuel", "--nominal-l", "20", "--measured-l=-1"], "--measured-l: \"-1\": the volume in the standard measure, in litres, 0 or more"),
        (["fuel", "--nominal-l", "20", "--measured-l", "-1"], "--measured-l: \"-1\": the volume in the standard measure, in litres, 0 or more"),
        (["gold", "--declared-g", "-100", "--delivered-g", "99"], "--declared-g: \"-100\": the declared mass in grams, above 0"),
        (["scale", "--capacity-kg", "8", "--load-kg", "9", "--reading-kg", "9"], "--load-kg: \"9\": at most the scale's capacity, 8 kg"),
        (["scale", "--capacity-kg", "6", "--load-kg", "1", "--reading-kg", "1"], "--d-g: \"not given\""),
        (["weighing", "--class", "V", "--e-g", "5", "--capacity-kg", "15", "--load-kg", "2", "--reading-kg", "2"], "--accuracy-class: \"V\": an OIML R76 accuracy class: I, II, III, IIII"),
        (["prepack", "--nominal", "500", "--unit", "g", "--measured", "496,4x9"], "--measured item 2: \"4x9\""),
        (["prepack", "--nominal", "500", "--unit", "g", "--measured", "496,-1"], "--measured item 2: \"-1\": a quantity in g, 0 or more"),
    ])
    func badInput(_ args: [String], message: String) throws {
        let r = try verdict(args)
        #expect(r.status != 0)
        #expect(r.out.isEmpty)
        #expect(r.err.contains(message), "\(r.err)")
    }

    @Test func tableOutputNamesEveryCheck() throws {
        let r = try Command.run(["verdict", "scale", "--db", registry.path, "--capacity-kg", "100", "--load-kg", "1", "--reading-kg", "1"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("verdict: FAIL\n"))
        #expect(r.out.contains("FAIL  scale interval d for the load: error 200 g, limit 20 g"))
        #expect(r.out.contains("rule c09-2017-d-1kg: Circular 09/2017/TT-BKHCN Art. 4, Table 1"))
    }

    /// `verdict rules` lists the rows in force on a date: Circular 09/2017's from 2017-08-15 on.
    @Test func rulesInForce() throws {
        func rows(_ args: [String]) throws -> [[String: Any]] {
            let r = try Command.run(["verdict", "rules", "--db", registry.path, "--format", "json"] + args)
            #expect(r.status == 0, "\(r.err)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        }
        let now = try rows(["--on", "2026-06-01"])
        #expect(now.count == 50)
        #expect(now.filter { ($0["code"] as! String).hasPrefix("c09-2017") }.count == 10)
        #expect(try rows(["--on", "2017-08-14"]).filter { ($0["code"] as! String).hasPrefix("c09-2017") }.isEmpty)
        let fines = try rows(["--penalties", "--on", "2026-06-01"])
        #expect(fines.filter { $0["violation"] as? String == "quantity_short" }.map { $0["fine_max_vnd"] as? Int } == [10_000_000, 20_000_000, 40_000_000])
    }
}
