import GRDB

/// A due item is read from a row of the due list's statement, or of the instrument list's built on it: the unit's
/// columns (`UnitStatement.columns`, no ward dates) and then `DueItem.Column`'s, by position, since looking a name
/// up costs a hash per column and row on a list that may hold every instrument of a city.
extension DueItem: FetchableRecord {
    /// The columns after the unit's 27, in the order both branches of `DueList.listStatement` select them
    /// (a test reads the statements' own column names at these positions).
    enum Column: Int, CaseIterable {
        case instrumentId = 27, instrumentType, serialNo, manufacturer, model, accuracyClass, maxCapacity, scaleInterval,
             measureUnit, lastVerifiedOn, certificateNo, stampNo, verifiedBy, isReference, unitCode,
             cycleMonths, dueOn, sealId, sealedOn, sealReason, state, daysOverdue,
             violationId, inspectionId, violationCategory, foundOn, followUp
    }

    /// A malformed stored date reads as nil (an unknown verification; no seal or re-inspection detail), as the
    /// statement's own date arithmetic finds none, so that one bad row does not fail the whole list.
    public init(row: Row) {
        func value<T: DatabaseValueConvertible>(_ column: Column) -> T { row[column.rawValue] }
        func date(_ column: Column) -> LocalDate? { (row[column.rawValue] as String?).flatMap(LocalDate.init(iso:)) }
        let (unit, ward) = UnitStatement.unitAndWard(row)
        var instrument: MeasuringInstrument?
        if let id: Int64 = value(.instrumentId) {
            instrument = MeasuringInstrument(
                id: id, unitCode: value(.unitCode), type: value(.instrumentType), serialNo: value(.serialNo),
                manufacturer: value(.manufacturer), model: value(.model), accuracyClass: value(.accuracyClass),
                maxCapacity: value(.maxCapacity), scaleInterval: value(.scaleInterval), measureUnit: value(.measureUnit),
                lastVerifiedOn: date(.lastVerifiedOn), certificateNo: value(.certificateNo), stampNo: value(.stampNo),
                verifiedBy: value(.verifiedBy), isReference: value(.isReference))
        }
        var seal: Seal?
        if let id: Int64 = value(.sealId), let on = date(.sealedOn) {
            seal = Seal(id: id, sealedOn: on, reason: value(.sealReason))
        }
        var reinspection: Reinspection?
        if let id: Int64 = value(.violationId), let on = date(.foundOn) {
            reinspection = Reinspection(violationId: id, inspectionId: value(.inspectionId), category: value(.violationCategory),
                                        foundOn: on, followUp: value(.followUp))
        }
        self.init(instrument: instrument, unit: unit, ward: ward, cycleMonths: value(.cycleMonths), dueOn: date(.dueOn),
                  state: State(rawValue: value(.state))!, daysOverdue: value(.daysOverdue), seal: seal, reinspection: reinspection)
    }
}
