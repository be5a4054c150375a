import Foundation
import Testing

/// A scratch folder with a fresh registry, and the tool run on it as a user (or a hostile tester) would.
final class Scratch {
    let dir: URL
    let db: String

    init(demo: Bool = false) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("econgis-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = dir.appendingPathComponent("registry.sqlite").path
        let r = try run(["init", "--db", db])
        #expect(r.status == 0, "\(r.err)")
    }

    deinit {
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+rwx", dir.path]).waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @discardableResult
    func file(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Runs econgis; stdout and stderr are read at the same time, so a flood on either cannot block it.
    func run(_ args: [String], prefix: [String] = []) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: prefix.first ?? Command.binary)
        p.arguments = prefix.isEmpty ? args : Array(prefix.dropFirst()) + [Command.binary] + args
        var env = ProcessInfo.processInfo.environment
        env["ECONGIS_DB"] = nil
        env["ECONGIS_GEODATA"] = nil
        p.environment = env
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errData = Box()
        let group = DispatchGroup()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errData.data = errHandle.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.data, as: UTF8.self))
    }

    func sql(_ query: String) throws -> String {
        try Command.run("/usr/bin/sqlite3", [db, query]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts sqlite3 holding the database's write lock for `seconds`; returns once it holds it.
    func holdWriteLock(seconds: Int, marker: String, begin: String = "BEGIN IMMEDIATE") throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [db]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        input.fileHandleForWriting.write(Data("""
            \(begin);
            INSERT INTO vsic_codes VALUES ('\(marker)', 'lock', 'test');
            .shell touch \(path(marker))
            .shell sleep \(seconds)
            COMMIT;

            """.utf8))
        try input.fileHandleForWriting.close()
        while !FileManager.default.fileExists(atPath: path(marker)) { usleep(10_000) }
        return holder
    }

    func units() throws -> String { try sql("SELECT group_concat(code, ' ') FROM (SELECT code FROM economic_units ORDER BY code)") }
}

let unitsHeader = "code,name,kind,lon,lat,registered_on,status,status_since\n"

/// The numbered cases of issue 10: each was a way to destroy or falsify data, each must now be refused.
@Suite struct DataSafetyTests {
    // 1. `init --force` on a directory deleted it; on a file that is not a database, overwrote it.
    @Test func initForceReplacesOnlyADatabaseFile() throws {
        let s = try Scratch()
        let folder = s.path("office")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try s.file("office/report.docx", "quarterly report")
        let r = try s.run(["init", "--db", folder, "--force"])
        #expect(r.status != 0 && r.err.contains("directory"), "\(r.err)")
        #expect(try String(contentsOfFile: s.path("office/report.docx"), encoding: .utf8) == "quarterly report")
        let notes = try s.file("notes.txt", "not a database")
        let n = try s.run(["init", "--db", notes, "--force"])
        #expect(n.status != 0 && n.err.contains("SQLite"), "\(n.err)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "not a database")
        // A database is replaced, completely, and nothing is left beside it.
        #expect(try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise"]).status == 0)
        #expect(try s.run(["init", "--db", s.db, "--force"]).status == 0)
        #expect(try s.units() == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).filter { $0.contains("registry.sqlite") }.sorted()
                == ["registry.sqlite"])
    }

    // Another program's SQLite database (a GeoPackage of roads) given as --db: `init --force` replaced it, a write
    // put EconGIS's schema into it, `migrate` migrated it. Each is refused now, and the file is byte for byte the same.
    @Test func anotherProgramsDatabaseIsNeverWritten() throws {
        let s = try Scratch()
        let roads = s.path("roads.gpkg")
        _ = try Command.run("/usr/bin/sqlite3", [roads, "CREATE TABLE gpkg_contents (table_name TEXT); CREATE TABLE roads (fid INTEGER PRIMARY KEY, name TEXT); INSERT INTO roads (name) VALUES ('Lạc Long Quân')"])
        let before = try Data(contentsOf: URL(fileURLWithPath: roads))
        let units = try s.file("units.csv", unitsHeader + "0100233488,A,enterprise,106.65,10.76,2020-01-01,active,2020-01-01\n")
        for args in [["init", "--force"], ["init"], ["units", "add", "--code", "0100233488", "--name", "A", "--kind", "enterprise"],
                     ["migrate"], ["units", "list"], ["import", "units", units], ["serve", "--port", "0"]] {
            let r = try s.run(args + ["--db", roads], prefix: ["/usr/bin/timeout", "30"])
            #expect(r.status == 65 && r.err.contains("roads.gpkg") && r.err.contains("not made by EconGIS") == false
                    && r.err.contains("another SQLite database (tables gpkg_contents, roads)"), "\(args): \(r.status) \(r.err)")
        }
        // Nor read as one when it is not a database, or an empty file: bad input (65), not our failure (70).
        let notes = try s.file("notes.db", "not a database")
        let empty = try s.file("empty.sqlite", "")
        for (path, says) in [(notes, "not a SQLite database"), (empty, "holds none yet (`econgis init --db PATH` makes one)")] {
            for args in [["units", "list"], ["serve", "--port", "0"]] {
                let r = try s.run(args + ["--db", path], prefix: ["/usr/bin/timeout", "30"])
                #expect(r.status == 65 && r.err.contains(says), "\(args) \(path): \(r.status) \(r.err)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: roads)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).filter { $0.hasPrefix("roads.gpkg") } == ["roads.gpkg"])
        // A SQLite file with no table yet is still a place to make a registry in.
        let blank = s.path("blank.sqlite")
        _ = try Command.run("/usr/bin/sqlite3", [blank, "PRAGMA user_version = 1"])
        let b = try s.run(["units", "add", "--db", blank, "--code", "0100233488", "--name", "A", "--kind", "enterprise"])
        #expect(b.status == 0, "\(b.err)")
    }

    // 2. A demo load that failed left a half-built database in place of the old one; a wrong --geodata was ignored.
    @Test func failedDemoLoadLeavesTheOldDatabase() throws {
        let s = try Scratch()
        #expect(try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise"]).status == 0)
        let broken = s.path("broken")
        try FileManager.default.copyItem(at: Command.checkout.appendingPathComponent("geodata"), to: URL(fileURLWithPath: broken))
        try s.file("broken/instruments.csv", "unit_code,type,serial_no\nNO-SUCH-UNIT,fuel_dispenser,1\n")
        let r = try s.run(["init", "--demo", "--force", "--db", s.db, "--geodata", broken])
        #expect(r.status != 0 && r.err.contains("NO-SUCH-UNIT"), "\(r.err)")
        #expect(try s.units() == "0100233488")
        let missing = try s.run(["init", "--demo", "--force", "--db", s.db, "--geodata", s.path("nonexistent")])
        #expect(missing.status != 0 && missing.err.contains("nonexistent"), "\(missing.err)")
        #expect(try s.units() == "0100233488")
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.dir.path).filter { $0.hasPrefix(".registry") }.isEmpty)
    }

    // 3. --rejects equal to the input overwrote it; a rejects folder that is not there failed after the commit.
    @Test func rejectsFileIsCheckedBeforeAnythingIsWritten() throws {
        let s = try Scratch()
        let text = unitsHeader + "0100233488,A,enterprise,,,,,\n0100233487,B,enterprise,,,,,\n"
        let input = try s.file("f.csv", text)
        for rejects in [input, "./f.csv", s.path("sub/../f.csv")] {
            try FileManager.default.createDirectory(atPath: s.path("sub"), withIntermediateDirectories: true)
            let r = try s.run(["import", "units", input, "--db", s.db, "--skip-invalid", "--rejects", rejects])
            #expect(r.status != 0 && r.err.contains("input"), "\(rejects): \(r.err)")
            #expect(try String(contentsOfFile: input, encoding: .utf8) == text)
        }
        let r = try s.run(["import", "units", input, "--db", s.db, "--skip-invalid", "--rejects", "/nodir/x.csv"])
        #expect(r.status != 0 && r.err.contains("/nodir"), "\(r.err)")
        #expect(try s.units() == "")
    }

    // A review found every --output but export's, and --rejects, replacing any file: the registry itself (the read-only
    // commands wiped it), a user's notes, a command's own input. Existing files now need --overwrite; the database and
    // the inputs are never replaced.
    @Test func outputsReplaceNoFileTheyShouldNot() throws {
        let s = try Scratch()
        let input = try s.file("f.csv", unitsHeader + "0100233488,A,enterprise,106.65,10.76,,,\n")
        #expect(try s.run(["import", "units", input, "--db", s.db]).status == 0)
        let registry = try s.units()
        let notes = try s.file("notes.txt", "my notes")
        for command in [["units", "list"], ["instruments", "list"], ["due"], ["wards"], ["rules"], ["report", "--period", "2026"],
                        ["export", "units"]] {
            for target in [s.db, s.db + "-wal", "./registry.sqlite"] {
                let r = try s.run(command + ["--db", s.db, "--output", target, "--overwrite"])
                #expect(r.status != 0 && r.err.contains("never overwrites"), "\(command) → \(target): \(r.status) \(r.err)")
            }
            let r = try s.run(command + ["--db", s.db, "--output", notes])
            #expect(r.status != 0 && r.err.contains("does not exist yet"), "\(command): \(r.status) \(r.err)")
            #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes")
        }
        #expect(try s.units() == registry)
        #expect(try s.sql("PRAGMA quick_check") == "ok")
        // Asked for, an existing file is replaced, and a new one is written.
        #expect(try s.run(["units", "list", "--db", s.db, "--format", "csv", "--output", notes, "--overwrite"]).status == 0)
        #expect(try String(contentsOfFile: notes, encoding: .utf8).hasPrefix("code,"))
        #expect(try s.run(["wards", "--db", s.db, "--output", s.path("new.txt")]).status == 0)
        // Not even asked for is a database replaced by text: `--output roads.gpkg` is a slip of the name.
        let gpkg = s.path("roads.gpkg")
        _ = try Command.run("/usr/bin/sqlite3", [gpkg, "CREATE TABLE roads (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO roads VALUES (1, 'Lạc Long Quân')"])
        let roads = try Data(contentsOf: URL(fileURLWithPath: gpkg))
        let invalid = try s.file("invalid.csv", unitsHeader + "0100233487,B,enterprise,,,,,\n")
        for command in [["export", "units"], ["units", "list", "--format", "csv"], ["import", "units", invalid, "--skip-invalid", "--rejects"]] {
            let r = try s.run(command + (command.last == "--rejects" ? [gpkg] : ["--output", gpkg]) + ["--db", s.db, "--overwrite"])
            #expect(r.status == 65 && r.err.contains("roads.gpkg") && r.err.contains("not an SQLite database"), "\(command): \(r.status) \(r.err)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: gpkg)) == roads)
        }
        // Nor its log: a committed row still in roads.gpkg-wal (as a crashed QGIS leaves it) would be lost.
        try Data("log".utf8).write(to: URL(fileURLWithPath: gpkg + "-wal"))
        let wal = try s.run(["units", "list", "--db", s.db, "--output", gpkg + "-wal", "--overwrite"])
        #expect(wal.status == 65 && wal.err.contains("log files"), "\(wal.err)")
        #expect(try String(contentsOfFile: gpkg + "-wal", encoding: .utf8) == "log")
        // "-" is standard output, and names that Foundation's path functions trapped on ("-", "~") are files like any.
        let dash = try s.run(["units", "list", "--db", s.db, "--format", "csv", "--output", "-"])
        #expect(dash.status == 0 && dash.out.hasPrefix("code,"), "\(dash.status) \(dash.err)")
        let tilde = try s.run(["units", "list", "--db", s.db, "--format", "csv", "--output", "~"])
        #expect(tilde.status == 0 && (try? String(contentsOfFile: s.path("~"), encoding: .utf8))?.hasPrefix("code,") == true, "\(tilde.status) \(tilde.err)")
        let empty = try s.run(["units", "list", "--db", s.db, "--output", ""])
        #expect(empty.status == 65 && empty.err.contains("a file name (this one is empty)"), "\(empty.err)")
        // A route never replaces its stops, a plan never its weights.
        let stops = try s.file("stops.geojson", #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[106.6485,10.7611]},"properties":{"id":"a"}}]}"#)
        let route = try s.run(["route", stops, "--seed", "1", "--output", stops, "--overwrite"])
        #expect(route.status != 0 && route.err.contains("never overwrites"), "\(route.err)")
        #expect(try String(contentsOfFile: stops, encoding: .utf8).contains("FeatureCollection"))
        // Rejects: never the database; a file the user names only with --overwrite; our own default name each time.
        let bad = try s.file("bad.csv", unitsHeader + "0100233487,B,enterprise,,,,,\n")
        let intoDatabase = try s.run(["import", "units", bad, "--db", s.db, "--skip-invalid", "--rejects", s.db, "--overwrite"])
        #expect(intoDatabase.status != 0 && intoDatabase.err.contains("database"), "\(intoDatabase.err)")
        let named = try s.run(["import", "units", bad, "--db", s.db, "--skip-invalid", "--rejects", notes])
        #expect(named.status != 0 && named.err.contains("does not exist yet"), "\(named.err)")
        #expect(try String(contentsOfFile: notes, encoding: .utf8).hasPrefix("code,"))
        for _ in 0..<2 { #expect(try s.run(["import", "units", bad, "--db", s.db, "--skip-invalid"]).status == 0) }
        #expect(FileManager.default.fileExists(atPath: bad + ".rejects.csv"))
        #expect(try s.units() == registry)
        #expect(try s.sql("PRAGMA quick_check") == "ok")
        // A folder given as the file to import is named, not a crash.
        try FileManager.default.createDirectory(atPath: s.path("folder"), withIntermediateDirectories: true)
        for kind in ["units", "instruments", "inspections", "origin", "successions"] {
            let r = try s.run(["import", kind, s.path("folder"), "--db", s.db])
            #expect(r.status == 65 && r.err.contains("a directory"), "\(kind): \(r.status) \(r.err.prefix(300))")
        }
    }

    // A quote left open ran on into the next record: that unit was lost, the one before took its coordinates and date.
    @Test func textAfterAClosingQuoteIsRefused() throws {
        let s = try Scratch()
        let header = "code,name,kind,address,lon,lat,registered_on\n"
        let runOn = try s.file("quote.csv", header + """
            0100233488,A,enterprise,"1 Lạc Long Quân,106.6485,10.7611,2020-01-02
            0100233495,B,enterprise,"2 Lạc Long Quân",106.6486,10.7612,2021-05-06

            """)
        let r = try s.run(["import", "units", runOn, "--db", s.db])
        #expect(r.status == 65 && r.err.contains("line 2, field 4 (address)") && r.err.contains("runs on to line 3"), "\(r.err)")
        let stray = try s.file("stray.csv", header + "0100233488,A,enterprise,\"4 LLQ\"x,106.6485,10.7611,2020-01-02\n")
        let t = try s.run(["import", "units", stray, "--db", s.db, "--skip-invalid"])
        #expect(t.status == 65 && t.err.contains("followed by \"x,106.6485"), "\(t.err)")
        #expect(try s.units() == "")
        // Quotes as RFC 4180 has them still read: a separator and a line break inside, a doubled quote.
        let fine = try s.file("fine.csv", header + "0100233488,A,enterprise,\"1, \"\"Lạc\"\"\nLong Quân\",106.6485,10.7611,2020-01-02\n")
        #expect(try s.run(["import", "units", fine, "--db", s.db]).status == 0)
        #expect(try s.sql("SELECT address FROM economic_units") == "1, \"Lạc\" Long Quân")  // the line break made a space
    }

    // A jurisdiction whose union GEOS could not make was stored as NULL, which turned the location check off.
    @Test func aJurisdictionThatCannotBeMadeIsRefused() throws {
        let s = try Scratch()
        let before = try s.sql("SELECT count(*), count(geom) FROM jurisdiction")
        let bowtie = try s.file("bowtie.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[106.63,10.75],[106.67,10.75],[106.67,10.78],[106.63,10.78],[106.63,10.75]]]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[106.65,10.76],[106.66,10.77],[106.66,10.76],[106.65,10.77],[106.65,10.76]]]}}]}
            """)
        let r = try s.run(["import", "jurisdiction", bowtie, "--name", "Quận 11", "--db", s.db])
        #expect(r.status == 65 && r.err.contains("union"), "\(r.status) \(r.err)")
        #expect(try s.sql("SELECT count(*), count(geom) FROM jurisdiction") == before)
    }

    // "1.5" was stored as a fine of 15 đồng, Int64.max made every report of its period fail.
    @Test func finesAreWholeAmountsInRange() throws {
        let s = try Scratch()
        #expect(try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise"]).status == 0)
        let header = "unit_code,inspected_on,scope,outcome,violation,fine_vnd\n"
        for bad in ["1.5", "9223372036854775807", "1.000.000.000.001", "5.000,000", "12.34.567", "-5", "5 000.000"] {
            let file = try s.file("bad.csv", header + "0100233488,2026-10-01,prices,violation,price_not_listed,\"\(bad)\"\n")
            let r = try s.run(["import", "inspections", file, "--db", s.db])
            #expect(r.status == 65 && r.err.contains("fine_vnd") && r.err.contains(bad), "\(bad): \(r.err)")
        }
        #expect(try s.sql("SELECT count(*) FROM violations") == "0")
        let good = try s.file("good.csv", header + ["5000000", "5.000.000", "5,000,000", "5 000 000", "750"].enumerated()
            .map { "0100233488,2026-10-0\($0.offset + 1),prices,violation,price_not_listed,\"\($0.element)\"" }.joined(separator: "\n") + "\n")
        let r = try s.run(["import", "inspections", good, "--db", s.db])
        #expect(r.status == 0, "\(r.err)")
        #expect(try s.sql("SELECT group_concat(fine_vnd, ' ') FROM (SELECT fine_vnd FROM violations ORDER BY id)") == "5000000 5000000 5000000 5000000 750")
    }

    // Values that begin with "-" were taken for flags: the README's `--sort -registered_on` failed, and a negative
    // radius or limit got "missing value" instead of its range. A time for --changed-since that was not one listed nothing.
    @Test func valuesAsTyped() throws {
        let s = try Scratch()
        for code in ["0100233488", "0100233495"] {
            #expect(try s.run(["units", "add", "--db", s.db, "--code", code, "--name", "A", "--kind", "enterprise"]).status == 0)
        }
        let sorted = try s.run(["units", "list", "--db", s.db, "--sort", "-code", "--format", "csv", "--columns", "code"])
        #expect(sorted.status == 0 && sorted.out.split(separator: "\n").dropFirst().map(String.init) == ["0100233495", "0100233488"], "\(sorted.err)")
        for (args, message) in [(["--near", "106.65,10.76", "--radius", "-5"], "--radius"), (["--limit", "-1"], "--limit"),
                                (["--bbox", "-200,-100,200,100"], "--bbox")] {
            let r = try s.run(["units", "list", "--db", s.db] + args)
            #expect(r.status != 0 && r.err.contains(message) && !r.err.contains("Missing value"), "\(args): \(r.err)")
        }
        for time in ["garbage", "2026-13-45", "yesterday", "2026-11-30T25:00:00Z", "2026-11-30 08:00"] {
            let r = try s.run(["units", "list", "--db", s.db, "--changed-since", time, "--count"])
            #expect(r.status == 65 && r.err.contains("--changed-since"), "\(time): \(r.status) \(r.out) \(r.err)")
        }
        for time in ["2000-01-01", "2000-01-01T00:00:00Z", "2000-01-01T00:00:00.5Z"] {
            let r = try s.run(["units", "list", "--db", s.db, "--changed-since", time, "--count"])
            #expect(r.status == 0 && r.out.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(time): \(r.err)")
        }
    }

    // A key given twice in an origin log or a successions file: the later line won unseen (units and instruments refuse it).
    @Test func keysGivenTwiceInAFileAreRefused() throws {
        let s = try Scratch()
        #expect(try s.run(["init", "--demo", "--force", "--db", s.db, "--geodata", Command.checkout.appendingPathComponent("geodata").path]).status == 0)
        let entries = try s.sql("SELECT count(*), total(quantity) FROM goods_origin_entries")
        let origin = try s.file("origin.csv", """
            market_code,stall_no,received_on,goods,quantity,quantity_unit,supplier,origin_province
            CHO-THIEC,A-001,2026-11-01,Cá lóc,10,kg,Vựa X,Cà Mau
            CHO-THIEC,A-001,2026-11-01,Cá lóc,12,kg,Vựa X,Cà Mau

            """)
        let o = try s.run(["import", "origin", origin, "--db", s.db])
        #expect(o.status == 65 && o.err.contains("line 3: field goods"), "\(o.err)")
        #expect(try s.sql("SELECT count(*), total(quantity) FROM goods_origin_entries") == entries)
        let successions = try s.sql("SELECT group_concat(extent || note, ';') FROM admin_unit_successions")
        let file = try s.file("successions.csv", """
            predecessor_code,predecessor_valid_from,successor_code,successor_valid_from,effective_on,extent,note
            27250,2000-01-01,27247,2025-01-01,2025-01-01,part,first
            27250,2000-01-01,27247,2025-01-01,2025-01-01,whole,second
            27250,2000-01-01,27250,2000-01-01,2025-01-01,whole,itself

            """)
        let r = try s.run(["import", "successions", file, "--db", s.db])
        #expect(r.status == 65 && r.err.contains("line 3: field successor_code") && r.err.contains("line 2 gives them too")
                && r.err.contains("line 4: field successor_code"), "\(r.err)")
        #expect(try s.sql("SELECT group_concat(extent || note, ';') FROM admin_unit_successions") == successions)
        // Dates no succession can have: before the predecessor began, long after it ended, before the successor began.
        let impossible = try s.file("impossible.csv", """
            predecessor_code,predecessor_valid_from,successor_code,successor_valid_from,effective_on,extent,note
            27250,2000-01-01,27247,2025-01-01,1999-06-01,part,before both
            27250,2000-01-01,27247,2025-01-01,2031-01-01,part,long after
            27250,2000-01-01,27247,2025-01-01,2024-12-31,part,before the successor

            """)
        let i = try s.run(["import", "successions", impossible, "--db", s.db])
        #expect(i.status == 65 && i.err.contains("line 2: field effective_on: \"1999-06-01\": a date after 27250's valid_from 2000-01-01")
                && i.err.contains("line 3: field effective_on: \"2031-01-01\": a date on or before 2025-01-01, the day after 27250's valid_to")
                && i.err.contains("line 4: field effective_on: \"2024-12-31\": a date on or after 27247's valid_from 2025-01-01"), "\(i.err)")
        #expect(try s.sql("SELECT group_concat(extent || note, ';') FROM admin_unit_successions") == successions)
    }

    // 4. An inspection line without scope and outcome was stored as a compliant general inspection.
    @Test func inspectionLinesNeedScopeAndOutcomeThatAgree() throws {
        let s = try Scratch()
        #expect(try s.run(["import", "units", try s.file("u.csv", unitsHeader + "0100233488,A,enterprise,,,2020-01-01,,\n"), "--db", s.db]).status == 0)
        let head = "unit_code,inspected_on,scope,outcome,violation,follow_up_due\n"
        for (name, line, field) in [("bare", "0100233488,2024-05-02,,,,", "field scope"),
                                    ("noOutcome", "0100233488,2024-05-02,prices,,,", "field outcome"),
                                    ("due", "0100233488,2024-05-02,metrology,violation,instrument_unverified,2024-04-01", "field follow_up_due")] {
            let r = try s.run(["import", "inspections", try s.file("\(name).csv", head + line + "\n"), "--db", s.db])
            #expect(r.status != 0 && r.err.contains(field), "\(name): \(r.err)")
        }
        let mixed = try s.file("mixed.csv", head + "0100233488,2024-05-02,metrology,compliant,,\n"
                                + "0100233488,2024-05-02,metrology,violation,instrument_unverified,\n")
        let r = try s.run(["import", "inspections", mixed, "--db", s.db])
        #expect(r.status != 0 && r.err.contains("mixed.csv line 3: field outcome"), "\(r.err)")
        #expect(try s.sql("SELECT count(*) FROM inspections") == "0")
    }

    // 5. Control characters: a leading NUL made a required name empty, ESC reached the terminal.
    @Test func controlCharactersAreRefusedWithTheField() throws {
        let s = try Scratch()
        let input = try s.file("ctl.csv", unitsHeader + "0100233488,\u{0}Hidden,enterprise,,,,,\n0323155508,Bell\u{7},enterprise,,,,,\n")
        let r = try s.run(["import", "units", input, "--db", s.db])
        #expect(r.status != 0 && r.err.contains("ctl.csv line 2: field name") && r.err.contains("ctl.csv line 3: field name"), "\(r.err)")
        #expect(!r.err.contains("\u{0}") && !r.err.contains("\u{7}"))
        let esc = try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A\u{1B}[2J\u{1B}[31mB", "--kind", "enterprise"])
        #expect(esc.status != 0 && esc.err.contains("--name \"A\\u{1B}[2J") && !esc.err.contains("\u{1B}"), "\(esc.err)")
        #expect(try s.units() == "")
    }

    // 6. A database migrated by a newer version was read and written without a word.
    @Test func newerSchemaIsRefusedNamingBothVersions() throws {
        let s = try Scratch()
        let newest = try s.sql("SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newest.hasPrefix("v"))
        _ = try s.sql("INSERT INTO grdb_migrations (identifier) VALUES ('v99 from the future')")
        for args in [["units", "list", "--db", s.db], ["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise"]] {
            let r = try s.run(args)
            #expect(r.status != 0 && r.err.contains("v99 from the future") && r.err.contains(newest), "\(args[0]): \(r.err)")
        }
        #expect(try s.units() == "")
    }

    // 7. A read-only copy could not even be listed ("attempt to write a readonly database").
    @Test func readOnlyCopyCanBeListed() throws {
        let s = try Scratch()
        #expect(try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise"]).status == 0)
        let folder = s.path("usb")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let copy = folder + "/copy.sqlite"
        try FileManager.default.copyItem(atPath: s.db, toPath: copy)
        #expect(chmod(copy, 0o444) == 0 && chmod(folder, 0o555) == 0 && chmod(s.dir.path, 0o755) == 0)
        // root may write anywhere: run as nobody then, who may not.
        let prefix = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] : []
        let r = try s.run(["units", "list", "--db", copy, "--format", "csv"], prefix: prefix)
        #expect(r.status == 0 && r.out.contains("0100233488"), "\(r.err)")
        for args in [["wards", "--db", copy], ["due", "--db", copy], ["rules", "--db", copy], ["units", "show", "0100233488", "--db", copy]] {
            let q = try s.run(args, prefix: prefix)
            #expect(q.status == 0, "\(args[0]): \(q.err)")
        }
        let w = try s.run(["units", "add", "--db", copy, "--code", "0323155508", "--name", "B", "--kind", "enterprise"], prefix: prefix)
        #expect(w.status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["copy.sqlite"])
    }

    // 9. Wards: a code twice, a polygon 1 000 km away and a 100 000-character name passed; a ring of 1 000 000 vertices failed.
    @Test func wardImportRefusesDuplicatesFarPolygonsAndAbsurdNames() throws {
        let s = try Scratch()
        func ward(_ code: String, _ name: String, lon: Double = 106.64) -> String {
            """
            {"type":"Feature","properties":{"code":"\(code)","name":"\(name)"},"geometry":{"type":"Polygon","coordinates":[[[\(lon),10.76],[\(lon + 0.005),10.76],[\(lon + 0.005),10.765],[\(lon),10.76]]]}}
            """
        }
        for (name, features, expected) in [("twice", [ward("27232", "A"), ward("27232", "B")], "feature 2 line 1: field code: \"27232\""),
                                           ("far", [ward("27232", "A", lon: 116.0)], "field geometry"),
                                           ("long", [ward("27232", String(repeating: "x", count: 100_000))], "field name")] {
            let f = try s.file("\(name).geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",") + "]}")
            let r = try s.run(["import", "wards", f, "--db", s.db, "--valid-from", "2020-01-01"])
            #expect(r.status != 0 && r.err.contains(expected), "\(name): \(r.err.prefix(500))")
        }
        #expect(try s.sql("SELECT count(*) FROM admin_units") == "0")
        // Trường Sa lies outside the default extent; an office there gives its own.
        let islands = try s.file("islands.geojson", "{\"type\":\"FeatureCollection\",\"features\":[" + ward("56789", "Xã Sinh Tồn", lon: 114.3) + "]}")
        #expect(try s.run(["import", "wards", islands, "--db", s.db, "--valid-from", "2020-01-01"]).status != 0)
        let own = try s.run(["import", "wards", islands, "--db", s.db, "--valid-from", "2020-01-01", "--extent", "111,6,118,12"])
        #expect(own.status == 0, "\(own.err)")
        _ = try s.sql("DELETE FROM admin_units")
        // A valid ring of a million vertices (a circle) goes in.
        var ring = "["
        let n = 1_000_000
        for i in 0...n {
            let a = 2 * Double.pi * Double(i % n) / Double(n)
            ring += (i == 0 ? "" : ",") + "[\(106.645 + 0.004 * cos(a)),\(10.7625 + 0.004 * sin(a))]"
        }
        let big = try s.file("big.geojson", "{\"type\":\"Feature\",\"properties\":{\"code\":\"27232\",\"name\":\"Big\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[\(ring)]]}}")
        let r = try s.run(["import", "wards", big, "--db", s.db, "--valid-from", "2020-01-01"])
        #expect(r.status == 0, "\(r.err.prefix(500))")
        #expect(try s.sql("SELECT count(*) FROM admin_units WHERE geom IS NOT NULL") == "1")
    }

    // 10. A bad file printed an error line per row; extra cells were a warning about "missing" cells.
    @Test func errorsStopAfterAHundredAndColumnCountsAreNamed() throws {
        let s = try Scratch()
        var text = unitsHeader
        for i in 0..<1000 { text += "B\(i),Name \(i),enterprise,106.6,10.7,,,,extra\(i)\n" }
        let bad = try s.file("bad.csv", text)
        let r = try s.run(["import", "units", bad, "--db", s.db, "--skip-invalid"])
        let lines = r.err.split(separator: "\n")
        #expect(lines.count < 110, "\(lines.count) lines")
        #expect(r.err.contains("900 more"), "\(r.err.suffix(300))")
        #expect(r.err.contains("bad.csv line 2: field (row)") && r.err.contains("1 extra cell") && r.err.contains("\"extra0\""))
        #expect(!r.err.contains("missing"))
        let rejects = try String(contentsOfFile: bad + ".rejects.csv", encoding: .utf8)
        #expect(rejects.split(separator: "\n").count == 1001)
        // An unquoted comma in an address shifts the row: one error with the hint, not one per shifted cell.
        let shifted = try s.file("shifted.csv", "code,name,kind,address,lon,lat\n0100233488,A,enterprise,12 Lê Đại Hành, Phường 7,106.64,10.76\n")
        let e = try s.run(["import", "units", shifted, "--db", s.db])
        #expect(e.status != 0 && e.err.contains("shifted.csv line 2: field (row)") && e.err.contains("double quotes"), "\(e.err)")
        #expect(e.err.split(separator: "\n").count == 2, "\(e.err)")
        let short = try s.file("short.csv", "code,name,kind,address,lon,lat\n0100233488,A,enterprise\n")
        let m = try s.run(["import", "units", short, "--db", s.db])
        #expect(m.status == 0 && m.err.contains("missing (address, lon, lat)"), "\(m.err)")
    }

    // A units file without some columns (or a row cut short) emptied them on every unit it updated: a list of
    // codes and statuses wiped owners, addresses, locations and registration days, with exit 0. What a record leaves
    // out keeps what the registry holds; a cell given empty empties its column.
    @Test func aRecordLeavingColumnsOutKeepsTheirValues() throws {
        let s = try Scratch()
        let full = try s.file("full.csv", "code,name,kind,owner,address,lon,lat,registered_on,zone\n"
                              + "0100233488,Công ty A,enterprise,Nguyễn Văn A,12 Lê Đại Hành,106.64,10.76,2020-01-01,Z1\n")
        #expect(try s.run(["import", "units", full, "--db", s.db]).status == 0)
        // (The sqlite3 shell has no SpatiaLite: the point is compared as SpatiaLite's blob.)
        let point = try s.sql("SELECT hex(geom) FROM economic_units")
        #expect(point.count > 40)
        let columns = "owner, address, hex(geom) = '\(point)', registered_on, zone, status, status_since, version"
        #expect(try s.sql("SELECT \(columns) FROM economic_units") == "Nguyễn Văn A|12 Lê Đại Hành|1|2020-01-01|Z1|active||1")
        // A list of closures: the new status starts on the import's day (Vietnam's), as `units update` has it.
        let seconds = Int(Date().timeIntervalSince1970) + 7 * 3600
        let today = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: Double(seconds - seconds % 86400)), timeZone: .gmt,
                                                formatOptions: [.withFullDate])
        let narrow = try s.run(["import", "units", try s.file("narrow.csv", "code,name,kind,status\n0100233488,Công ty A,enterprise,suspended\n"),
                                "--db", s.db])
        #expect(narrow.status == 0 && narrow.err.contains("1 updated"), "\(narrow.err)")
        #expect(try s.sql("SELECT \(columns) FROM economic_units")
                == "Nguyễn Văn A|12 Lê Đại Hành|1|2020-01-01|Z1|suspended|\(today)|2")
        #expect(try s.sql("SELECT status, since FROM unit_status_history ORDER BY id DESC LIMIT 1") == "suspended|\(today)")
        // A row cut short keeps the stored values of its missing cells (with a warning); the name it gives is written.
        _ = try s.file("short.csv", "code,name,kind,owner,address,lon,lat,registered_on,status\n0100233487,B,enterprise")
        let cutFile = try s.file("cut.csv", "code,name,kind,owner,address,lon,lat,registered_on,status\n0100233488,Công ty B,enterprise,Nguyễn Văn A")
        let cut = try s.run(["import", "units", cutFile, "--db", s.db])
        #expect(cut.status == 0 && cut.err.contains("cut.csv line 2") && cut.err.contains("kept as stored"), "\(cut.err)")
        #expect(try s.sql("SELECT name, \(columns) FROM economic_units")
                == "Công ty B|Nguyễn Văn A|12 Lê Đại Hành|1|2020-01-01|Z1|suspended|\(today)|3")
        // The same file again changes nothing.
        let again = try s.run(["import", "units", cutFile, "--db", s.db])
        #expect(again.status == 0 && again.err.contains("1 unchanged"), "\(again.err)")
        // A kept date that the record's own dates contradict is refused, naming both.
        let before = try s.sql("SELECT * FROM economic_units")
        let early = try s.run(["import", "units", try s.file("early.csv", "code,name,kind,status_since\n0100233488,Công ty B,enterprise,2019-05-01\n"),
                               "--db", s.db])
        #expect(early.status == 65 && early.err.contains("early.csv line 2: field registered_on: \"2020-01-01\"")
                && early.err.contains("on or before the record's status_since (2019-05-01)"), "\(early.err)")
        #expect(try s.sql("SELECT * FROM economic_units") == before)
        let redated = try s.run(["import", "units", try s.file("redated.csv", "code,name,kind,registered_on\n"
                                                               + "0100233488,Công ty B,enterprise,\(today)\n"), "--db", s.db])
        #expect(redated.status == 0, "\(redated.err)")
        // A short row's reject puts its reason under reject_reason, its missing cells empty (it went under status).
        let short = try s.run(["import", "units", cutFile.replacingOccurrences(of: "cut.csv", with: "short.csv"), "--db", s.db, "--skip-invalid"])
        #expect(short.status == 0, "\(short.err)")
        let rejected = try String(contentsOfFile: s.path("short.csv.rejects.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(rejected.count == 2 && rejected[1].hasPrefix("2,0100233487,B,enterprise" + String(repeating: ",", count: 7) + "\""), "\(rejected)")
        // Given, even empty, a column is written: an empty cell empties it on purpose.
        let emptied = try s.file("emptied.csv", "code,name,kind,owner,address,lon,lat,registered_on,status,status_since,vsic,ward_code,zone,registration_no\n"
                                 + "0100233488,Công ty A,enterprise,,12 Lê Đại Hành,106.64,10.76,2020-01-01,active,,,,,\n")
        let e = try s.run(["import", "units", emptied, "--db", s.db])
        #expect(e.status == 0 && e.err.contains("1 updated"), "\(e.err)")
        #expect(try s.sql("SELECT owner IS NULL, address, zone IS NULL FROM economic_units") == "1|12 Lê Đại Hành|1")
        // Instruments alike: a file of new verification dates keeps the maker, the capacity and the reference flag.
        let instruments = try s.file("i.csv", "unit_code,type,serial_no,manufacturer,max_capacity,scale_interval,measure_unit,last_verified_on,is_reference\n"
                                     + "0100233488,counter_scale,C1,Nhơn Hòa,30,0.1,kg,2025-01-01,yes\n")
        #expect(try s.run(["import", "instruments", instruments, "--db", s.db]).status == 0)
        let dates = try s.file("dates.csv", "unit_code,type,serial_no,last_verified_on\n0100233488,counter_scale,C1,2026-01-05\n")
        let d = try s.run(["import", "instruments", dates, "--db", s.db])
        #expect(d.status == 0 && d.err.contains("1 updated"), "\(d.err)")
        #expect(try s.sql("SELECT manufacturer, max_capacity, scale_interval, is_reference, last_verified_on, version FROM measuring_instruments")
                == "Nhơn Hòa|30.0|0.1|1|2026-01-05|2")
        // A registration day after the unit's instrument was verified is refused, by import and by units update alike.
        let late = try s.run(["import", "units", try s.file("late.csv", "code,name,kind,registered_on\n0100233488,Công ty A,enterprise,2026-02-01\n"), "--db", s.db])
        #expect(late.status == 65 && late.err.contains("field registered_on: \"2026-02-01\": a date on or before 2026-01-05, the unit's earliest instrument verification"),
                "\(late.err)")
        let update = try s.run(["units", "update", "0100233488", "--registered-on", "2026-02-01", "--db", s.db])
        #expect(update.status == 65 && update.err.contains("earliest instrument verification"), "\(update.err)")
        // A new unit of measure beside a kept capacity would make the 30 kg scale a 30 g one: refused, naming both.
        let grams = try s.run(["import", "instruments", try s.file("g.csv", "unit_code,type,serial_no,scale_interval,measure_unit\n0100233488,counter_scale,C1,100,g\n"),
                               "--db", s.db])
        #expect(grams.status == 65 && grams.err.contains("field max_capacity: \"30.0\"") && grams.err.contains("is in kg"), "\(grams.err)")
        #expect(try s.sql("SELECT max_capacity, scale_interval, measure_unit, version FROM measuring_instruments") == "30.0|0.1|kg|2")
    }

    // A review read the demo's own exports back: every unit's declared ward became the ward of its point (the export's
    // ward_code) and 1 797 were flagged; coordinates rounded to 7 decimals counted as moves, which emptied the markets'
    // footprints and declared wards; an empty status cell reopened a closed unit; a registration day moved within its
    // period lost the declared ward; a GeoJSON null (QGIS's cleared attribute) kept the old value.
    @Test func ourOwnExportsReadBackChangeNothing() throws {
        let (directory, db) = try Command.demoRegistry("readback")
        func file(_ name: String) -> String { directory.url.appendingPathComponent(name).path }
        func run(_ args: [String]) throws -> (status: Int32, out: String, err: String) { try Command.run(Command.binary, args + ["--db", db]) }
        func sql(_ query: String) throws -> String { try Command.run("/usr/bin/sqlite3", [db, query]).out.trimmingCharacters(in: .whitespacesAndNewlines) }
        let before = try sql("SELECT count(*), sum(version), count(footprint), count(declared_ward_code), count(ward_flag) FROM economic_units")
        for format in ["geojson", "csv"] {
            #expect(try run(["export", "units", "--format", format, "--output", file("all.\(format)")]).status == 0)
            let r = try run(["import", "units", file("all.\(format)")])
            #expect(r.status == 0 && r.err.contains("0 updated") && !r.err.contains("flagged"), "\(format): \(r.err.suffix(300))")
        }
        // Markets by rounded point only: unchanged, their footprints and declared wards kept.
        let markets = try run(["export", "units", "--kind", "market", "--format", "csv"]).out.split(whereSeparator: \.isNewline).map(String.init)
        #expect(markets.first?.hasPrefix("id,code,name,") == true && markets.first?.hasSuffix(",lon,lat") == true, "\(markets)")
        let points = markets.dropFirst().map { line -> String in  // lon and lat last; the quoted address's commas before
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return "\(cells[1]),\(cells[2]),market,\(cells[cells.count - 2]),\(cells[cells.count - 1])"
        }
        try ("code,name,kind,lon,lat\n" + points.joined(separator: "\n") + "\n").write(toFile: file("markets.csv"), atomically: true, encoding: .utf8)
        #expect(try run(["import", "units", file("markets.csv")]).err.contains("2 unchanged"))
        #expect(try sql("SELECT count(*), sum(version), count(footprint), count(declared_ward_code), count(ward_flag) FROM economic_units") == before)
        // An empty status keeps a closed unit closed; a registration day within its period keeps the declared ward.
        let unit = try sql("SELECT code FROM economic_units WHERE kind = 'enterprise' AND declared_ward_code IS NOT NULL AND registered_on < '2024-01-01' ORDER BY id LIMIT 1")
        #expect(try run(["units", "close", unit, "--on", "2025-01-01"]).status == 0)
        try "code,name,kind,status,registered_on\n\(unit),Đổi tên,enterprise,,2024-02-02\n".write(toFile: file("closed.csv"), atomically: true, encoding: .utf8)
        let ward = try sql("SELECT declared_ward_code FROM economic_units WHERE code = '\(unit)'")
        #expect(try run(["import", "units", file("closed.csv")]).status == 0)
        #expect(try sql("SELECT name, status, declared_ward_code, registered_on FROM economic_units WHERE code = '\(unit)'") == "Đổi tên|closed|\(ward)|2024-02-02")
        // A stall's code column is its trader's registration number: written on an update too (it was kept as stored).
        try "market_code,stall_no,name,kind,code\nCHO-BINH-THOI,A-003,Sạp thử,market_stall,GP-123\n".write(toFile: file("stall.csv"), atomically: true, encoding: .utf8)
        #expect(try run(["import", "units", file("stall.csv")]).err.contains("1 updated"))
        #expect(try sql("SELECT registration_no FROM economic_units WHERE code = 'CHO-BINH-THOI/A-003'") == "GP-123")
        // A GeoJSON null empties its column.
        try #"{"type":"Feature","geometry":null,"properties":{"code":"\#(unit)","name":"Đổi tên","kind":"enterprise","owner":null}}"#
            .write(toFile: file("null.geojson"), atomically: true, encoding: .utf8)
        #expect(try run(["import", "units", file("null.geojson")]).status == 0)
        #expect(try sql("SELECT owner IS NULL, declared_ward_code FROM economic_units WHERE code = '\(unit)'") == "1|\(ward)")
    }

    // 11. Closing could be repeated and back-dated without history; instruments verified in 1850, before
    // their unit existed or after it closed passed.
    @Test func statusChangesAndVerificationsFollowTheUnitsLife() throws {
        let s = try Scratch()
        #expect(try s.run(["import", "units", try s.file("u.csv", unitsHeader
            + "0100233488,A,enterprise,,,2020-01-01,,\n0321853641,B,enterprise,,,2021-01-01,closed,2022-06-30\n"), "--db", s.db]).status == 0)
        #expect(try s.run(["units", "close", "0100233488", "--db", s.db, "--on", "2019-05-01"]).status != 0)
        #expect(try s.run(["units", "close", "0100233488", "--db", s.db, "--on", "2023-05-01"]).status == 0)
        let again = try s.run(["units", "close", "0100233488", "--db", s.db, "--on", "2022-01-01"])
        #expect(again.status != 0 && again.err.contains("closed since 2023-05-01"), "\(again.err)")
        #expect(try s.run(["units", "update", "0100233488", "--db", s.db, "--status", "active"]).status == 0)
        let history = try s.sql("SELECT group_concat(status || ' ' || ifnull(since, '-'), '; ') FROM unit_status_history WHERE unit_id = (SELECT id FROM economic_units WHERE code = '0100233488')")
        let today = try s.sql("SELECT date('now', '+7 hours')")
        #expect(history == "active 2020-01-01; closed 2023-05-01; active \(today)", "\(history)")
        let head = "unit_code,type,serial_no,last_verified_on\n"
        for (name, line) in [("old", "0100233488,fuel_dispenser,1,1850-01-01"), ("early", "0100233488,fuel_dispenser,2,2019-12-31"),
                             ("closed", "0321853641,fuel_dispenser,3,2023-01-01")] {
            let r = try s.run(["import", "instruments", try s.file("\(name).csv", head + line + "\n"), "--db", s.db])
            #expect(r.status != 0 && r.err.contains("field last_verified_on"), "\(name): \(r.err)")
        }
        #expect(try s.sql("SELECT count(*) FROM measuring_instruments") == "0")
    }

    // 12. A GeoJSON import held the whole file in memory (200 k features 163 MB, 1 M 445 MB).
    @Test func geoJSONImportMemoryDoesNotGrowWithTheFile() throws {
        let s = try Scratch()
        // 2 000 features of 50 kB each (an unknown property): 100 MB of file, few records.
        let pad = String(repeating: "x", count: 50_000)
        let path = s.path("big.geojson")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.write(Data("{\"type\":\"FeatureCollection\",\"features\":[\n".utf8))
        for i in 0..<2000 {
            h.write(Data(((i == 0 ? "" : ",\n") + "{\"type\":\"Feature\",\"properties\":{\"code\":\"M\(i)\",\"name\":\"Chợ \(i)\",\"kind\":\"market\",\"pad\":\"\(pad)\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[106.64,10.76]}}").utf8))
        }
        h.write(Data("]}\n".utf8))
        try h.close()
        let r = try s.run(["import", "units", path, "--db", s.db], prefix: ["/usr/bin/time", "-f", "%M"])
        #expect(r.status == 0, "\(r.err.suffix(300))")
        let peakKB = Int(r.err.split(separator: "\n").last.map(String.init) ?? "") ?? .max
        #expect(peakKB < 100_000, "peak \(peakKB) kB for a 100 MB file")
        #expect(try s.sql("SELECT count(*) FROM economic_units") == "2000")
    }

    // 13. A second writer during a long import failed at once with "database is locked".
    @Test func writersWaitForABusyDatabase() throws {
        let s = try Scratch()
        // sqlite3 holds the write lock for a moment; econgis must wait for it, not fail.
        let holder = try s.holdWriteLock(seconds: 1, marker: "locked")
        let r = try s.run(["units", "add", "--db", s.db, "--code", "0100233488", "--name", "A", "--kind", "enterprise", "--busy-timeout", "60"])
        holder.waitUntilExit()
        #expect(r.status == 0, "\(r.err)")
        #expect(try s.units() == "0100233488")
        // Held longer than the timeout: a clear message.
        let holder2 = try s.holdWriteLock(seconds: 3, marker: "locked2")
        let busy = try s.run(["units", "add", "--db", s.db, "--code", "0321853641", "--name", "B", "--kind", "enterprise", "--busy-timeout", "0.2"])
        holder2.waitUntilExit()
        #expect(busy.status != 0 && busy.err.contains("busy") && busy.err.contains("0.2 s"), "\(busy.err)")
        #expect(try s.units() == "0100233488")
    }

    // A reader of a file in rollback-journal mode (made by another tool) waits while a writer holds it
    // exclusively; past the wait its message named 0 s, not the 5 s it waited.
    @Test func readersNameTheWaitTheyGaveUpOn() throws {
        let s = try Scratch()
        _ = try s.sql("PRAGMA journal_mode = DELETE")
        let holder = try s.holdWriteLock(seconds: 8, marker: "exclusive", begin: "BEGIN EXCLUSIVE")
        let r = try s.run(["wards", "--db", s.db])
        holder.waitUntilExit()
        #expect(r.status != 0 && r.err.contains("busy") && r.err.contains("more than 5 s"), "\(r.err)")
        #expect(try s.run(["wards", "--db", s.db]).status == 0)
    }

    // Dates as offices type them: dd/mm/yyyy with --date-format dmy, detected when no date in the file is
    // ambiguous, refused otherwise; a date flag's error says what a date must be.
    @Test func datesAsOfficesTypeThem() throws {
        let s = try Scratch()
        let clear = try s.file("clear.csv", "code,name,kind,registered_on\n0100233488,A,enterprise,15/03/2020\n0323155508,B,enterprise,2021-11-03\n")
        #expect(try s.run(["import", "units", clear, "--db", s.db]).status == 0)
        #expect(try s.sql("SELECT group_concat(registered_on, ' ') FROM (SELECT registered_on FROM economic_units ORDER BY code)") == "2020-03-15 2021-11-03")
        let ambiguous = try s.file("ambiguous.csv", "code,name,kind,registered_on\n0321853641,C,enterprise,13/03/2020\n0394415618,D,enterprise,03/02/2021\n")
        let r = try s.run(["import", "units", ambiguous, "--db", s.db])
        #expect(r.status != 0 && r.err.contains("ambiguous.csv line 3: field registered_on: \"03/02/2021\"") && r.err.contains("dmy"), "\(r.err)")
        #expect(try s.run(["import", "units", ambiguous, "--db", s.db, "--date-format", "dmy"]).status == 0)
        #expect(try s.sql("SELECT registered_on FROM economic_units WHERE code = '0394415618'") == "2021-02-03")
        let wrong = try s.file("wrong.csv", "code,name,kind,registered_on\n0400101161,E,enterprise,31/02/2021\n")
        let w = try s.run(["import", "units", wrong, "--db", s.db, "--date-format", "dmy"])
        #expect(w.status != 0 && w.err.contains("\"31/02/2021\": a date dd/mm/yyyy (or YYYY-MM-DD) that exists"), "\(w.err)")
        let iso = try s.file("iso.csv", "code,name,kind,registered_on\n0400101161,E,enterprise,15/03/2020\n")
        #expect(try s.run(["import", "units", iso, "--db", s.db, "--date-format", "iso"]).status != 0)
        let flag = try s.run(["due", "--db", s.db, "--as-of", "2024-02-30"])
        #expect(flag.status != 0 && flag.err.contains("--as-of <date>': expected a date YYYY-MM-DD that exists"), "\(flag.err)")
    }
}
