import Foundation
import GRDB
import GeoJSON

/// Filters for listing units. Everything is optional; "by ward" is read on `asOf`.
public struct UnitFilter: Sendable {
    public var wardCode: String?
    public var asOf: LocalDate = .today()
    public var kinds: [UnitKind] = []
    public var statuses: [UnitStatus] = []
    public var vsicPrefix: String?
    public var bbox: (minLon: Double, minLat: Double, maxLon: Double, maxLat: Double)?
    public var near: (lon: Double, lat: Double, radius: Double)?
    public var search: String?
    public var flaggedOnly = false
    public var limit: Int?

    public init() {}
}

/// A unit in a list: the stored unit with its ward on the as-of date and, for --near, its distance.
public struct ListedUnit: Sendable {
    public var unit: EconomicUnit
    public var ward: AdminUnit?
    public var distance: Double?
}

public struct UnitQuery {
    public let store: RegistryStore

    public init(store: RegistryStore) { self.store = store }

    static let selectSQL = """
        SELECT u.id, u.code, u.kind, u.name, u.owner, u.address, u.vsic_codes, m.code AS market_code, u.stall_no, u.zone,
               u.registration_no, u.status, u.status_since, u.registered_on, u.declared_ward_code, u.ward_flag,
               ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat, u.created_at, u.updated_at, u.version, u.declared_ward_id
        FROM economic_units u LEFT JOIN economic_units m ON m.id = u.market_id
        """

    static func unit(_ row: Row) -> EconomicUnit {
        let lon: Double? = row["lon"], lat: Double? = row["lat"]
        return EconomicUnit(
            id: row["id"], code: row["code"], kind: UnitKind(rawValue: row["kind"])!, name: row["name"],
            owner: row["owner"], address: row["address"],
            vsicCodes: (row["vsic_codes"] as String?)?.split(separator: " ").map(String.init) ?? [],
            marketCode: row["market_code"], stallNo: row["stall_no"], zone: row["zone"], registrationNo: row["registration_no"],
            status: UnitStatus(rawValue: row["status"])!, statusSince: (row["status_since"] as String?).flatMap(LocalDate.init(iso:)),
            registeredOn: (row["registered_on"] as String?).flatMap(LocalDate.init(iso:)),
            declaredWardCode: row["declared_ward_code"], wardFlag: row["ward_flag"],
            location: lon.flatMap { x in lat.map { Position(x, $0) } },
            createdAt: row["created_at"], updatedAt: row["updated_at"], version: row["version"])
    }

    /// The ward with `code` on `date`, or an error that lists the codes valid then.
    public static func ward(_ code: String, on date: LocalDate, in wards: WardIndex) throws -> AdminUnit {
        if let w = wards.ward(code: code, on: date) { return w }
        let valid = wards.wards(on: date).map { "\($0.code) \($0.name)" }
        throw RegistryError.notFound(
            what: "ward with code", key: code,
            hint: "on \(date) the wards are: " + (valid.isEmpty ? "none loaded (econgis import wards)" : valid.joined(separator: ", ")))
    }

    public func list(_ filter: UnitFilter) throws -> [ListedUnit] {
        try store.read { db in try list(db, filter) }
    }

    public func list(_ db: Database, _ filter: UnitFilter) throws -> [ListedUnit] {
        let wards = try WardIndex.load(db)
        var clauses: [String] = ["(u.registered_on IS NULL OR u.registered_on <= ?)"]
        var args: StatementArguments = [filter.asOf.description]
        func rtree(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) {
            clauses.append("u.id IN (SELECT pkid FROM idx_economic_units_geom WHERE xmax >= ? AND xmin <= ? AND ymax >= ? AND ymin <= ?)")
            args += [minX, maxX, minY, maxY]
        }
        var ward: AdminUnit?
        if let code = filter.wardCode {
            let w = try UnitQuery.ward(code, on: filter.asOf, in: wards)
            ward = w
            if let e = wards.entry(id: w.id) {
                // Units with a location: by the index, then point-in-polygon below; without: by declared ward.
                clauses.append("""
                    (u.id IN (SELECT pkid FROM idx_economic_units_geom WHERE xmax >= ? AND xmin <= ? AND ymax >= ? AND ymin <= ?)
                     OR (u.geom IS NULL AND u.declared_ward_id = ?))
                    """)
                args += [e.minX, e.maxX, e.minY, e.maxY, w.id]
            }
        }
        if !filter.kinds.isEmpty {
            clauses.append("u.kind IN (\(filter.kinds.map { _ in "?" }.joined(separator: ",")))")
            args += StatementArguments(filter.kinds.map(\.rawValue))
        }
        if !filter.statuses.isEmpty {
            clauses.append("u.status IN (\(filter.statuses.map { _ in "?" }.joined(separator: ",")))")
            args += StatementArguments(filter.statuses.map(\.rawValue))
        }
        if let p = filter.vsicPrefix {
            clauses.append("(' ' || u.vsic_codes) LIKE ?")
            args += ["% \(p)%"]
        }
        if let b = filter.bbox {
            rtree(b.minLon, b.minLat, b.maxLon, b.maxLat)
            clauses.append("ST_X(u.geom) BETWEEN ? AND ? AND ST_Y(u.geom) BETWEEN ? AND ?")
            args += [b.minLon, b.maxLon, b.minLat, b.maxLat]
        }
        var distanceSQL = "NULL"
        if let n = filter.near {
            // A box a little larger than the circle, then the true geodesic distance on the WGS 84 ellipsoid.
            let dLat = n.radius / 110_574 * 1.01
            let dLon = n.radius / (111_320 * max(cos(n.lat * .pi / 180), 0.01)) * 1.01
            rtree(n.lon - dLon, n.lat - dLat, n.lon + dLon, n.lat + dLat)
            distanceSQL = "ST_Distance(u.geom, MakePoint(?, ?, 4326), 1)"
            clauses.append("ST_Distance(u.geom, MakePoint(?, ?, 4326), 1) <= ?")
            args += [n.lon, n.lat, n.radius]
        }
        if let s = filter.search {
            for token in VietnameseText.searchKey(s).split(separator: " ") {
                clauses.append("u.search_text LIKE ? ESCAPE '\\'")
                let escaped = token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                args += ["%\(escaped)%"]
            }
        }
        if filter.flaggedOnly { clauses.append("u.ward_flag IS NOT NULL") }
        var sql = UnitQuery.selectSQL.replacingOccurrences(of: "SELECT u.id,", with: "SELECT \(distanceSQL) AS distance, u.id,")
        if filter.near != nil {
            args = StatementArguments([filter.near!.lon, filter.near!.lat]) + args
        }
        sql += " WHERE " + clauses.joined(separator: " AND ")
        sql += filter.near != nil ? " ORDER BY distance, u.code" : " ORDER BY u.code"
        var result: [ListedUnit] = []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: args)
        while let row = try cursor.next() {
            let u = UnitQuery.unit(row)
            if let w = ward, let p = u.location, !wards.ward(id: w.id, contains: p.x, p.y) { continue }
            let current = ward ?? u.location.flatMap { wards.ward(containing: $0.x, $0.y, on: filter.asOf) }
                ?? (row["declared_ward_id"] as Int64?).flatMap { id in wards.wards(on: filter.asOf).first { $0.id == id } }
            result.append(ListedUnit(unit: u, ward: current, distance: row["distance"]))
            if let limit = filter.limit, result.count >= limit { break }
        }
        return result
    }

    /// One unit by its natural key: a tax code, a household number, a market code or MARKET/STALL.
    public func show(_ key: String, asOf: LocalDate = .today()) throws -> (ListedUnit, [MeasuringInstrument], [(String, String?, String?)]) {
        try store.read { db in
            let code = VietnameseText.normalised(key).uppercased()
            guard let row = try Row.fetchOne(db, sql: UnitQuery.selectSQL + " WHERE u.code = ?", arguments: [code]) else {
                throw RegistryError.notFound(what: "unit with code", key: key, hint: "search with `econgis units list --search TEXT`")
            }
            let u = UnitQuery.unit(row)
            let wards = try WardIndex.load(db)
            let ward = u.location.flatMap { wards.ward(containing: $0.x, $0.y, on: asOf) }
            let instruments = try InstrumentQuery.instruments(db, unitIds: [u.id])
            let history = try Row.fetchAll(db, sql: "SELECT status, since, note FROM unit_status_history WHERE unit_id = ? ORDER BY id", arguments: [u.id])
                .map { ($0["status"] as String, $0["since"] as String?, $0["note"] as String?) }
            return (ListedUnit(unit: u, ward: ward), instruments, history)
        }
    }

    /// The listing for `units list`: the columns every format carries.
    public static func listing(_ units: [ListedUnit]) -> Listing {
        var l = Listing(name: "economic_units", columns: [
            "code", "name", "kind", "status", "ward_code", "ward_name", "declared_ward_code", "address", "owner", "vsic",
            "market_code", "stall_no", "registered_on", "ward_flag", "distance_m", "version", "lon", "lat",
        ])
        for item in units {
            let u = item.unit
            l.append([
                .string(u.code), .string(u.name), .string(u.kind.rawValue), .string(u.status.rawValue),
                .from(item.ward?.code), .from(item.ward?.name), .from(u.declaredWardCode), .from(u.address), .from(u.owner),
                .from(u.vsicCodes.isEmpty ? nil : u.vsicCodes.joined(separator: " ")), .from(u.marketCode), .from(u.stallNo),
                .from(u.registeredOn?.description), .from(u.wardFlag), .from(item.distance.map { ($0 * 10).rounded() / 10 }),
                .int(u.version), .from(u.location?.x), .from(u.location?.y),
            ], geometry: u.location.map { .point($0) })
        }
        return l
    }
}

public enum InstrumentQuery {
    static func instruments(_ db: Database, unitIds: [Int64]) throws -> [MeasuringInstrument] {
        guard !unitIds.isEmpty else { return [] }
        var result: [MeasuringInstrument] = []
        // Chunks keep the statement under SQLite's host-parameter limit.
        for chunk in stride(from: 0, to: unitIds.count, by: 500).map({ Array(unitIds[$0..<min($0 + 500, unitIds.count)]) }) {
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.*, u.code AS unit_code FROM measuring_instruments i JOIN economic_units u ON u.id = i.unit_id
                WHERE i.unit_id IN (\(chunk.map { _ in "?" }.joined(separator: ","))) ORDER BY u.code, i.instrument_type, i.serial_no
                """, arguments: StatementArguments(chunk))
            result += rows.map { row in
                MeasuringInstrument(
                    id: row["id"], unitCode: row["unit_code"], type: row["instrument_type"], serialNo: row["serial_no"],
                    manufacturer: row["manufacturer"], model: row["model"], accuracyClass: row["accuracy_class"],
                    maxCapacity: row["max_capacity"], scaleInterval: row["scale_interval"], measureUnit: row["measure_unit"],
                    lastVerifiedOn: (row["last_verified_on"] as String?).flatMap(LocalDate.init(iso:)),
                    certificateNo: row["certificate_no"], stampNo: row["stamp_no"], verifiedBy: row["verified_by"],
                    isReference: row["is_reference"])
            }
        }
        return result
    }
}
