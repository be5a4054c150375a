/// Where an inspection stands. The only moves are planned → in_progress → done → closed, and planned or
/// in_progress → cancelled; anything else is refused before a row is touched.
public enum InspectionStatus: String, CaseIterable, Sendable, Codable {
    case planned
    case inProgress = "in_progress"
    case done, closed, cancelled
}

/// A move of the lifecycle, named as the office says it.
public enum InspectionStep: String, CaseIterable, Sendable {
    case start, finish, close, cancel

    /// The statuses the step may leave from.
    public var from: [InspectionStatus] {
        switch self {
        case .start: [.planned]
        case .finish: [.inProgress]
        case .close: [.done]
        case .cancel: [.planned, .inProgress]
        }
    }

    public var to: InspectionStatus {
        switch self {
        case .start: .inProgress
        case .finish: .done
        case .close: .closed
        case .cancel: .cancelled
        }
    }

    /// The steps possible from `status`, for an error that says what can be done instead.
    public static func possible(from status: InspectionStatus) -> [InspectionStep] {
        allCases.filter { $0.from.contains(status) }
    }
}

/// What an inspection looks at (the scopes; `quantity` is pre-packaged quantity, `quality` gold quality).
public enum InspectionScope: String, CaseIterable, Sendable, Codable {
    case metrology, labels, prices, conformity, quantity, quality, origin
}

/// The kinds of measured test, as stored in inspection_tests.kind.
public enum MeasuredTestKind: String, CaseIterable, Sendable, Codable {
    case fuel, scale, weighing, gold, prepack
    /// Verification in date, stamp and certificate of an instrument (no measurement).
    case administration

    /// Whether a test of this kind is made on an instrument of `type` (instrument_types.code): a fuel test on a
    /// dispenser, a weighing on a scale; papers are checked on any instrument.
    public func isMade(on type: String) -> Bool {
        switch self {
        case .fuel: type.hasSuffix("_dispenser")
        case .scale, .weighing, .gold, .prepack: type.hasSuffix("_scale")
        case .administration: true
        }
    }
}
