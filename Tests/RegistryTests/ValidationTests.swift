import Foundation
import Testing
import GeoJSON
@testable import Registry

@Suite struct IdentifierTests {
    @Test func taxCodeCheckDigit() {
        #expect(TaxCode.problem("0100233488", form: .enterprise) == nil)
        #expect(TaxCode.problem("0100233487", form: .enterprise)?.contains("expected 8") == true)
        #expect(TaxCode.problem("010023348", form: .enterprise) != nil)
        #expect(TaxCode.problem("01002334AB", form: .enterprise) != nil)
        #expect(TaxCode.problem("0100233488-001", form: .dependentUnit) == nil)
        #expect(TaxCode.problem("0100233488-000", form: .dependentUnit)?.contains("001-999") == true)
        #expect(TaxCode.problem("0100233487-001", form: .dependentUnit) != nil)
        #expect(TaxCode.problem("0100233488001", form: .dependentUnit) != nil)
    }

    @Test func textNormalisationAndSearchKeys() {
        let decomposed = "Cho\u{031B}\u{0323} Bi\u{0300}nh Tho\u{031B}\u{0301}i"
        #expect(VietnameseText.normalised("  \(decomposed)  ") == "Chợ Bình Thới")
        #expect(VietnameseText.searchKey("Chợ Bình Thới") == "cho binh thoi")
        #expect(VietnameseText.searchKey("ĐƯỜNG Lạc Long Quân") == "duong lac long quan")
        #expect(VietnameseText.fieldKey("Mã số") == "ma_so")
        #expect(VietnameseText.fieldKey("Địa chỉ") == "dia_chi")
    }

    /// The fast paths (no Foundation for text that is already clean) must agree with the general ones.
    @Test func fastTextPathsAgreeWithFoundation() {
        var rng = SystemRandomNumberGenerator()
        let pieces = ["Chợ", "Bình", "Thới", "ĐƯỜNG", "Lạc", "Long", "Quân", "Nguyễn", "Ỷ", "Ầu", "ß", "Ω", "İ", "ﬁ",
                      "Å", "e\u{0301}", "o\u{031B}\u{0323}", "東京", "한국", "abc", "Z9", "-", "/", ".",
                      " ", "  ", "\t", "\u{00A0}", "\u{2003}", "\u{3000}", "\n"]
        for _ in 0..<3000 {
            let s = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let foundationNFC = s.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            #expect(VietnameseText.normalised(s) == foundationNFC, "normalised(\(s.debugDescription))")
            #expect(VietnameseText.searchKey(s) == VietnameseText.slowSearchKey(s), "searchKey(\(s.debugDescription))")
            let parts = [s, pieces.randomElement(using: &rng)!, "", s]
            #expect(VietnameseText.searchKey(joining: parts) == VietnameseText.slowSearchKey(parts.joined(separator: " ")),
                    "searchKey(joining: \(parts.debugDescription))")
            #expect(VietnameseText.trimmed(s) == s.trimmingCharacters(in: .whitespacesAndNewlines), "trimmed(\(s.debugDescription))")
        }
    }

    /// A date's text is written in place, every part padded with zeros.
    @Test func datesAreWrittenAsISOText() throws {
        for (y, m, d, text) in [(2024, 2, 29, "2024-02-29"), (1, 1, 1, "0001-01-01"), (999, 12, 31, "0999-12-31"),
                                (9999, 10, 9, "9999-10-09"), (2026, 11, 10, "2026-11-10")] {
            let date = try #require(LocalDate(year: y, month: m, day: d))
            #expect(date.description == text)
            #expect(LocalDate(iso: text) == date)
        }
        // Day arithmetic past the year 9999 keeps every digit.
        let last = try #require(LocalDate(year: 9999, month: 12, day: 31))
        #expect(last.adding(days: 1).description == "10000-01-01")
    }

    /// CSV cells and GeoJSON strings become Strings only when they are UTF-8: the same answer as the standard library's validation.
    @Test func csvCellsAreUTF8AsTheStandardLibrarySays() {
        var rng = SystemRandomNumberGenerator()
        let samples: [[UInt8]] = [[], Array("Chợ Bình Thới".utf8), [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF],
                                  [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBD], [0xFF], [0x80, 0x41]]
        let pieces = samples + [Array("ờ".utf8), [0x41], [0xE1], [0xBB], [0x9D], [0xF0], [0x9F]]
        let random = (0..<3000).map { _ in (0..<Int.random(in: 1...8, using: &rng)).flatMap { _ in pieces.randomElement(using: &rng)! } }
        for bytes in samples + random {
            let mine = bytes.withUnsafeBufferPointer { UTF8Text.string($0) }
            #expect(mine == String(validating: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    @Test func isoDates() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2024-2-1") == nil)
        #expect(LocalDate(iso: "01/02/2024") == nil)
        #expect(LocalDate(iso: "2024-01-31")!.adding(months: 1).description == "2024-02-29")
        #expect(LocalDate(iso: "2025-07-01")!.dayNumber - LocalDate(iso: "2024-07-01")!.dayNumber == 365)
        let d = LocalDate(iso: "1999-12-31")!
        #expect(LocalDate(dayNumber: d.dayNumber) == d)
    }
}

@Suite struct UnitValidationTests {
    func validate(_ fields: [String: String], registry: TemporaryRegistry) throws -> (UnitDraft?, [ValidationIssue]) {
        let context = try registry.store.read { try ValidationContext.load($0, today: LocalDate(iso: "2026-11-15")!) }
        return UnitValidation.validate(ImportRecord(location: SourceLocation(file: "t.csv", line: 2), fields: fields), context: context)
    }

    let base = ["code": "0100233488", "name": "Công ty A", "kind": "enterprise", "lon": "106.642", "lat": "10.762"]

    func errors(_ result: (UnitDraft?, [ValidationIssue])) -> [String] {
        result.1.filter { $0.severity == .error }.map(\.field)
    }

    @Test func aValidEnterprisePasses() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let (draft, issues) = try validate(base, registry: r)
        #expect(issues.isEmpty)
        #expect(draft?.declaredWardCode == nil)  // none declared: the point decides once written (WardMembership)
    }

    @Test(arguments: [
        (["code": "0100233487"], "code"),
        (["kind": "shop"], "kind"),
        (["name": ""], "name"),
        (["lon": "206.6", "lat": "10.76"], "lon/lat"),
        (["lon": "106.70", "lat": "10.80"], "lon/lat"),  // outside the jurisdiction
        (["lon": "abc"], "lon"),
        (["registered_on": "2024-13-01"], "registered_on"),
        (["registered_on": "2030-01-01"], "registered_on"),
        (["vsic": "47A"], "vsic"),
        (["status": "open"], "status"),
        (["ward_code": "99999"], "ward_code"),
        (["kind": "branch"], "code"),
        (["kind": "household_business", "code": "41L812345"], "code"),
        (["kind": "market_stall", "code": ""], "market_code"),
    ])
    func invalidValuesAreNamed(change: [String: String], field: String) throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        let result = try validate(base.merging(change) { $1 }, registry: r)
        #expect(result.0 == nil)
        #expect(errors(result).contains(field), "expected an error on \(field), got \(result.1)")
        #expect(result.1.allSatisfy { $0.description.contains("t.csv line 2") })
    }

    @Test func unknownVSICIsAWarningNotAnError() throws {
        let r = try TemporaryRegistry()
        let (draft, issues) = try validate(base.merging(["vsic": "4730 99999"]) { $1 }, registry: r)
        #expect(draft?.vsicCodes == ["4730", "99999"])
        #expect(issues.map(\.severity) == [.warning])
    }

    @Test func householdNumbersFollowTheFormatTable() throws {
        let r = try TemporaryRegistry()
        let ok = try validate(base.merging(["kind": "hộ kinh doanh", "code": "41l8012345"]) { $1 }, registry: r)
        #expect(ok.0?.code == "41L8012345")
        #expect(ok.0?.kind == .household_business)
        // The 12-digit personal-ID form is in force only from 2025-07-01.
        let early = try validate(base.merging(["kind": "household_business", "code": "079085001234", "registered_on": "2024-01-01"]) { $1 }, registry: r)
        #expect(errors(early) == ["code"])
        let late = try validate(base.merging(["kind": "household_business", "code": "079085001234", "registered_on": "2025-08-01"]) { $1 }, registry: r)
        #expect(late.0 != nil)
    }

    /// A format that went out of force (valid_to) no longer admits numbers registered after its end.
    @Test func aFormatOutOfForceAdmitsNoLaterNumbers() throws {
        let r = try TemporaryRegistry()
        try r.store.write { try $0.execute(sql: "UPDATE identifier_formats SET valid_to = '2025-06-30' WHERE example = '41O8012345'") }
        let before = try validate(base.merging(["kind": "household_business", "code": "41L8012345", "registered_on": "2025-06-30"]) { $1 }, registry: r)
        #expect(before.0 != nil)
        let after = try validate(base.merging(["kind": "household_business", "code": "41L8012345", "registered_on": "2025-07-01"]) { $1 }, registry: r)
        #expect(errors(after) == ["code"])
        #expect(after.1.first?.expected.contains("079085001234") == true)
    }

    @Test func aSpreadsheetDroppedZeroIsExplained() throws {
        let r = try TemporaryRegistry()
        let result = try validate(base.merging(["code": "100233488"]) { $1 }, registry: r)
        #expect(result.1.first?.expected.contains("leading 0") == true)
    }

    @Test func declaredWardThatDisagreesWithLocationIsFlaggedNotChanged() throws {
        let r = try TemporaryRegistry()
        try r.loadSmallWards()
        // Registered in 2024 with the code of Phường 10 but the point is in Phường 9.
        let (draft, _) = try validate(base.merging(["ward_code": "27223", "registered_on": "2024-03-01"]) { $1 }, registry: r)
        #expect(draft?.declaredWardCode == "27223")
        // Written, SpatiaLite places the point and the disagreement is flagged, the declaration kept.
        let u = try UnitEditor(store: r.store, today: .today(), now: Date()).add(fields: base.merging(["ward_code": "27223", "registered_on": "2024-03-01"]) { $1 })
        #expect(u.declaredWardCode == "27223")
        #expect(u.wardFlag?.contains("declared ward 27223") == true && u.wardFlag?.contains("location is in 27232") == true, "\(u.wardFlag ?? "no flag")")
    }
}

@Suite struct ControlCharacterTests {
    /// The byte scan that passes clean text must hand every control character to the scalar pass: C0, DEL,
    /// C1 (two bytes in UTF-8), a CR without its LF; Vietnamese letters, U+00A0 (also 0xC2 first) and CR LF pass.
    @Test func everyKindIsFoundAndCleanTextPasses() {
        #expect(VietnameseText.controlCharacter(in: "Chợ Bình Thới\tĐường 3/2\r\nxxx\u{A0}y") == nil)
        #expect(VietnameseText.controlCharacter(in: "") == nil)
        #expect(VietnameseText.controlCharacter(in: "ab\u{1B}[2J")?.position == 3)
        #expect(VietnameseText.controlCharacter(in: "Hợp tác\u{7F}")?.scalar == "\u{7F}")
        #expect(VietnameseText.controlCharacter(in: "tên\u{85}")?.scalar == "\u{85}")
        #expect(VietnameseText.controlCharacter(in: "x\u{9B}31m")?.position == 2)
        #expect(VietnameseText.controlCharacter(in: "a\rb")?.scalar == "\r")
        #expect(VietnameseText.controlCharacter(in: "a\r")?.position == 2)
    }

    /// Search keys through the flat table of Latin letters, at both ends of both blocks.
    @Test func latinLettersFold() {
        #expect(VietnameseText.searchKey("ĐƯỜNG Ỹ Ỵ À ÿ") == "duong y y a y")
        #expect(VietnameseText.searchKey("Chợ Bình Thới") == "cho binh thoi")
    }
}
