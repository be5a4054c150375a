import Foundation
import GeoJSON
import Inspections
import Planning
import Registry

/// The columns of each registry list, in every format, and the few a table shows by default.
public enum RegistryRows {
    public static func unitColumns(wardsOn: [LocalDate] = []) -> [String] {
        ["code", "name", "kind", "status", "ward_code", "ward_name", "declared_ward_code", "address", "owner", "vsic",
         "market_code", "stall_no", "registered_on", "ward_flag", "distance_m", "version", "lon", "lat"]
            + wardsOn.flatMap { ["ward_\($0)", "ward_name_\($0)"] }
    }

    /// A table's columns: what fits 120 columns. With wards on other dates (the crosswalk), the unit and each date's
    /// ward, code and name, instead of kind, status and address.
    public static func unitTableColumns(near: Bool, wardsOn: [LocalDate]) -> [String] {
        guard wardsOn.isEmpty else {
            return ["code", "name", "ward_code"] + (near ? ["distance_m"] : []) + wardsOn.flatMap { ["ward_\($0)", "ward_name_\($0)"] }
        }
        return ["code", "name", "kind", "status", "ward_code", "ward_name"] + (near ? ["distance_m"] : ["address"])
    }

    public static func unit(_ item: ListedUnit) -> [JSONValue] {
        let u = item.unit
        return [
            .string(u.code), .string(u.name), .string(u.kind.rawValue), .string(u.status.rawValue),
            .from(item.ward?.code), .from(item.ward?.name), .from(u.declaredWardCode), .from(u.address), .from(u.owner),
            .from(u.vsicCodes.isEmpty ? nil : u.vsicCodes.joined(separator: " ")), .from(u.marketCode), .from(u.stallNo),
            .from(u.registeredOn?.description), .from(u.wardFlag), .from(item.distance.map { ($0 * 10).rounded() / 10 }),
            .int(u.version), .from(u.location?.x), .from(u.location?.y),
        ] + item.wardsOn.flatMap { [JSONValue.from($0.code), .from($0.name)] }
    }

    public static let dueColumns = [
        "unit_code", "unit_name", "kind", "ward_code", "ward_name", "address", "instrument_type", "serial_no",
        "last_verified_on", "cycle_months", "due_on", "state", "days_overdue", "reason", "lon", "lat",
    ]
    public static let dueTableColumns = ["unit_code", "unit_name", "instrument_type", "due_on", "state", "reason"]

    public static func due(_ d: DueItem) -> [JSONValue] {
        [
            .string(d.unit.code), .string(d.unit.name), .string(d.unit.kind.rawValue), .from(d.ward?.code), .from(d.ward?.name),
            .from(d.unit.address), .from(d.instrument?.type), .from(d.instrument?.serialNo),
            .from(d.instrument?.lastVerifiedOn?.description), .from(d.cycleMonths), .from(d.dueOn?.description),
            .string(d.state.rawValue), .from(d.daysOverdue), .string(d.reason), .from(d.unit.location?.x), .from(d.unit.location?.y),
        ]
    }

    public static let instrumentColumns = [
        "id", "unit_code", "unit_name", "kind", "ward_code", "ward_name", "instrument_type", "serial_no", "manufacturer", "model",
        "accuracy_class", "max_capacity", "scale_interval", "measure_unit", "is_reference", "last_verified_on", "certificate_no",
        "cycle_months", "next_verification_on", "state", "days_overdue", "lon", "lat",
    ]
    public static let instrumentTableColumns = [
        "id", "unit_code", "unit_name", "instrument_type", "serial_no", "last_verified_on", "next_verification_on", "state",
    ]

    public static func instrument(_ l: ListedInstrument) -> [JSONValue] {
        let i = l.instrument, u = l.unit
        return [
            .int(Int(i.id)), .string(u.code), .string(u.name), .string(u.kind.rawValue), .from(l.item.ward?.code), .from(l.item.ward?.name),
            .string(i.type), .string(i.serialNo), .from(i.manufacturer), .from(i.model), .from(i.accuracyClass), .from(i.maxCapacity),
            .from(i.scaleInterval), .from(i.measureUnit), .bool(i.isReference), .from(i.lastVerifiedOn?.description), .from(i.certificateNo),
            .from(l.item.cycleMonths), .from(l.item.dueOn?.description), .string(l.state.rawValue), .from(l.item.daysOverdue),
            .from(u.location?.x), .from(u.location?.y),
        ]
    }

    public static let wardColumns = ["code", "name", "valid_from", "valid_to", "area_km2", "units", "predecessors"]

    public static func ward(_ w: WardSummary) -> [JSONValue] {
        [.string(w.ward.code), .string(w.ward.name), .string(w.ward.validFrom.description), .from(w.ward.validTo?.description),
         .from(w.areaKm2), .int(w.units), .from(w.predecessors)]
    }

    public static let ruleColumns = ["instrument_type", "name_vi", "cycle_months", "valid_from", "valid_to", "confidence", "source"]

    public static func rule(_ r: VerificationCycle) -> [JSONValue] {
        [.string(r.instrumentType), .from(r.typeName), .int(r.months), .string(r.validFrom.description),
         .from(r.validTo?.description), .from(r.confidence), .string(r.source)]
    }
}

extension InspectionPlan {
    /// The printable day sheet: one row per visit, team by team, then the units left for another day.
    public func daySheet() -> Listing {
        var l = Listing(name: "inspection_plan", columns: [
            "team", "seq", "arrival", "start", "departure", "code", "name", "address", "category", "score", "why",
        ])
        for r in solution.routes {
            for (k, v) in r.visits.enumerated() {
                let c = candidates[v.stop]
                l.append([.int(r.team), .int(k + 1), .string(Clock.text(v.arrival)), .string(Clock.text(v.start)),
                          .string(Clock.text(v.departure)), .string(c.unit.unit.code), .string(c.unit.unit.name),
                          .from(c.unit.unit.address), .string(c.candidate.category.label),
                          .double((c.score.total * 10).rounded() / 10), .string(c.score.explanation)],
                         geometry: c.unit.unit.location.map { .point($0) })
            }
        }
        return l
    }
}
