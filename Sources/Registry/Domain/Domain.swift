import GRDB
import GeoJSON

/// What kind of economic unit a record is. A market stall always belongs to a market.
public enum UnitKind: String, CaseIterable, Sendable, Codable {
    case enterprise, branch, household_business, cooperative, market, market_stall

    /// Accepts the English names and common Vietnamese ones, with or without diacritics.
    public init?(loose text: String) {
        if let k = UnitKind(rawValue: text) { self = k; return }
        let key = VietnameseText.fieldKey(text)
        if let k = UnitKind(rawValue: key) { self = k; return }
        switch key {
        case "doanh_nghiep", "cong_ty", "dn": self = .enterprise
        case "chi_nhanh", "van_phong_dai_dien", "dia_diem_kinh_doanh", "cn": self = .branch
        case "ho_kinh_doanh", "hkd", "household": self = .household_business
        case "hop_tac_xa", "htx", "coop": self = .cooperative
        case "cho": self = .market
        case "sap", "quay", "kiot", "ki_ot", "sap_cho", "stall": self = .market_stall
        default: return nil
        }
    }
}

public enum UnitStatus: String, CaseIterable, Sendable, Codable {
    case active, suspended, closed

    public init?(loose text: String) {
        if let s = UnitStatus(rawValue: text) { self = s; return }
        let key = VietnameseText.fieldKey(text)
        if let s = UnitStatus(rawValue: key) { self = s; return }
        switch key {
        case "hoat_dong", "dang_hoat_dong": self = .active
        case "tam_ngung", "tam_ngung_kinh_doanh", "tam_ngung_hoat_dong": self = .suspended
        case "ngung_hoat_dong", "da_dong", "dong", "giai_the", "cham_dut": self = .closed
        default: return nil
        }
    }
}

/// An administrative unit in one period of its life. Codes are reused across periods,
/// so the key is (code, validFrom), never the code alone. Read from `admin_units` (without its geometry).
public struct AdminUnit: Hashable, Sendable, Decodable, FetchableRecord {
    public var id: Int64
    public var code: String
    public var name: String
    public var level: String
    public var validFrom: LocalDate
    public var validTo: LocalDate?

    public func isValid(on date: LocalDate) -> Bool {
        Period(date).contains(from: validFrom, to: validTo)
    }

    public var period: String { "\(validFrom)..\(validTo.map(\.description) ?? "")" }

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    /// The columns an `AdminUnit` is read from, for statements that select them with others.
    static let columns = "id, code, name, level, valid_from, valid_to"
}

/// A kind of measuring instrument (`instrument_types`), whose verification cycles are rules by date.
public struct InstrumentType: Sendable, Hashable, Decodable, FetchableRecord, TableRecord {
    public var code: String
    public var nameVi: String
    public var nameEn: String

    public static let databaseTableName = "instrument_types"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}

/// An economic unit as read back from the registry.
public struct EconomicUnit: Sendable {
    public var id: Int64
    public var code: String
    public var kind: UnitKind
    public var name: String
    public var owner: String?
    public var address: String?
    public var vsicCodes: [String]
    public var marketCode: String?
    public var stallNo: String?
    public var zone: String?
    public var registrationNo: String?
    public var status: UnitStatus
    public var statusSince: LocalDate?
    public var registeredOn: LocalDate?
    public var declaredWardCode: String?
    public var wardFlag: String?
    public var location: Position?
    public var createdAt: String
    public var updatedAt: String
    public var version: Int
}

/// A measuring instrument with its verification state on a date.
public struct MeasuringInstrument: Sendable {
    public var id: Int64
    public var unitCode: String
    public var type: String
    public var serialNo: String
    public var manufacturer: String?
    public var model: String?
    public var accuracyClass: String?
    public var maxCapacity: Double?
    public var scaleInterval: Double?
    public var measureUnit: String?
    public var lastVerifiedOn: LocalDate?
    public var certificateNo: String?
    public var stampNo: String?
    public var verifiedBy: String?
    public var isReference: Bool
}
