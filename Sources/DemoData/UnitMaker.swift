import Foundation
import GeoJSON
import Registry
import Planning

/// Generates the demo's markets, stalls, businesses and instruments.
struct UnitMaker {
    let geo: WardGeometry
    var rng: SplitMix64
    var units: [[String]] = []
    var instruments: [[String]] = []
    var marketFeatures: [Feature] = []
    private var usedCodes = Set<String>()
    private var householdSequence = 0
    private var serial = 0

    static let unitColumns = ["code", "name", "kind", "vsic", "owner", "address", "ward_code", "lon", "lat", "status", "status_since",
                              "registered_on", "market_code", "stall_no", "zone"]
    static let instrumentColumns = ["unit_code", "type", "serial_no", "manufacturer", "model", "accuracy_class", "max_capacity",
                                    "scale_interval", "measure_unit", "last_verified_on", "certificate_no", "stamp_no", "verified_by", "is_reference"]

    init(geo: WardGeometry, rng: SplitMix64) {
        self.geo = geo
        self.rng = rng
    }

    /// What kinds of business the district has, how many, and the instruments each uses.
    struct Profile {
        var label: String
        var count: Int
        var kinds: [(UnitKind, Double)]
        var vsic: [String]
        var names: [String]
        var instruments: [(type: String, count: ClosedRange<Int>, probability: Double)]
    }

    static let profiles: [Profile] = [
        Profile(label: "fuel", count: 12, kinds: [(.enterprise, 0.7), (.branch, 0.3)], vsic: ["4730"],
                names: ["Cửa hàng xăng dầu {brand} số {n}"], instruments: [("fuel_dispenser", 4...12, 1)]),
        Profile(label: "gold", count: 40, kinds: [(.household_business, 0.6), (.enterprise, 0.4)], vsic: ["47732", "47732 3211", "47732 46623"],
                names: ["Tiệm vàng {brand}", "Doanh nghiệp vàng bạc {brand}", "Tiệm vàng bạc đá quý {given}"],
                instruments: [("analytical_scale", 1...2, 1), ("precision_scale", 1...1, 0.6)]),
        Profile(label: "pharmacy", count: 60, kinds: [(.household_business, 0.85), (.enterprise, 0.15)], vsic: ["47721"],
                names: ["Nhà thuốc {brand}", "Quầy thuốc {given}"],
                instruments: [("blood_pressure_meter", 1...1, 0.5), ("thermometer_electronic", 1...1, 0.3)]),
        Profile(label: "supermarket", count: 8, kinds: [(.branch, 0.6), (.enterprise, 0.4)], vsic: ["47111"],
                names: ["Siêu thị {brand}", "Cửa hàng tiện lợi {brand}"],
                instruments: [("counter_scale", 2...4, 1), ("platform_scale", 1...1, 0.8)]),
        Profile(label: "grocery", count: 520, kinds: [(.household_business, 0.95), (.enterprise, 0.05)], vsic: ["4722", "4711", "4722 4711"],
                names: ["Tạp hóa {given}", "Cửa hàng thực phẩm {brand}", "Đại lý gạo {given}"],
                instruments: [("counter_scale", 1...1, 0.45), ("spring_dial_scale", 1...2, 0.3)]),
        Profile(label: "food service", count: 700, kinds: [(.household_business, 0.9), (.enterprise, 0.1)], vsic: ["5610", "5630", "5610 5630"],
                names: ["Quán cơm {given}", "Quán phở {brand}", "Cà phê {given}", "Nhà hàng {brand}", "Hủ tiếu {given}"], instruments: []),
        Profile(label: "garments", count: 300, kinds: [(.household_business, 0.9), (.enterprise, 0.1)], vsic: ["4771"],
                names: ["Shop thời trang {given}", "Cửa hàng vải {brand}"], instruments: []),
        Profile(label: "hair", count: 200, kinds: [(.household_business, 1)], vsic: ["9631"], names: ["Tiệm tóc {given}", "Salon {given}"], instruments: []),
        Profile(label: "companies", count: 600, kinds: [(.enterprise, 0.8), (.branch, 0.2)], vsic: ["4711", "4722", "4771", "5610", "4730 4711"],
                names: ["Công ty TNHH {brand}", "Công ty Cổ phần {brand}", "Công ty TNHH Thương mại Dịch vụ {brand}"], instruments: []),
        Profile(label: "cooperatives", count: 5, kinds: [(.cooperative, 1)], vsic: ["4781", "4789"], names: ["Hợp tác xã Thương mại {brand}"], instruments: []),
    ]

    /// The two markets: code, name, the pre-2025 ward it stands in, zones (letter, goods, stalls, VSIC). No source
    /// we have gives their locations: each stands at the centroid of the demo's shape of a plausible ward (see geodata/README.md).
    static let markets: [(String, String, Int, [(String, String, Int, String)])] = [
        ("CHO-BINH-THOI", "Chợ Bình Thới", 8, [
            ("A", "Thực phẩm tươi sống", 60, "4781"), ("B", "Rau củ quả", 45, "4781"), ("C", "Hàng khô", 40, "4781"),
            ("D", "Vải - may mặc", 25, "4782"), ("E", "Ăn uống", 10, "5610"),
        ]),
        ("CHO-THIEC", "Chợ Thiếc", 12, [
            ("A", "Thực phẩm tươi sống", 45, "4781"), ("B", "Rau củ quả", 35, "4781"), ("C", "Hàng khô", 30, "4781"),
            ("D", "Hàng gia dụng", 20, "4789"), ("E", "Ăn uống", 10, "5610"),
        ]),
    ]

    mutating func makeAll() {
        makeMarkets()
        for p in UnitMaker.profiles {
            for n in 1...p.count { makeUnit(p, n) }
        }
    }

    // MARK: people, names, codes, dates

    mutating func person() -> String {
        let family = rng.pick(DemoFacts.familyNames)
        let middle = rng.pick(DemoFacts.middleNames)
        return "\(family) \(middle) \(rng.pick(DemoFacts.givenNames))"
    }

    mutating func taxCode() -> String {
        while true {
            let digits = [0, 3] + (0..<7).map { _ in rng.int(0...9) }
            guard let check = TaxCode.checkDigit(digits) else { continue }
            let code = (digits + [check]).map(String.init).joined()
            if usedCodes.insert(code).inserted { return code }
        }
    }

    /// 41 (Ho Chi Minh City) + a district letter + 8 + sequence. The letter is synthetic.
    mutating func householdNumber() -> String {
        householdSequence += 1
        return "41L8" + String(format: "%06d", 10_000 + householdSequence * 7)
    }

    mutating func date(from: LocalDate, to: LocalDate) -> LocalDate {
        from.adding(days: rng.int(0...max(0, from.days(until: to))))
    }

    /// Units keep this far from their ward's edges: ward boundaries run along street centrelines, and a business's
    /// point is its building, not the middle of the street.
    static let edgeClearance = 15.0

    /// A pre-2025 ward drawn with probability proportional to its 2019 census population (facts CSV).
    mutating func wardByPopulation() -> Int {
        let total = geo.populations.values.reduce(0, +)
        var r = rng.int(0...(total - 1))
        for (number, people) in geo.populations.sorted(by: { $0.key < $1.key }) {
            if r < people { return number }
            r -= people
        }
        return geo.populations.keys.max()!
    }

    /// A point drawn uniformly in the ward of `number`, at least `edgeClearance` inside it. The script knows no
    /// streets (no licensed street network is at hand), so units are not lined up along them.
    mutating func point(inWard number: Int) -> (Double, Double) {
        let ring = geo.pre2025Rings[number]!
        let (minX, maxX) = (ring.map(\.x).min()!, ring.map(\.x).max()!)
        let (minY, maxY) = (ring.map(\.y).min()!, ring.map(\.y).max()!)
        while true {
            let p = PlanePoint(x: minX + rng.unit() * (maxX - minX), y: minY + rng.unit() * (maxY - minY))
            guard PlaneRing.contains(ring, p), PlaneRing.boundaryDistance(ring, p) >= UnitMaker.edgeClearance else { continue }
            let (lon, lat) = geo.plane.lonLat(p)
            return ((lon * 1e7).rounded() / 1e7, (lat * 1e7).rounded() / 1e7)
        }
    }

    mutating func fill(_ template: String, n: Int) -> String {
        template.replacingOccurrences(of: "{brand}", with: rng.pick(DemoFacts.brandWords))
            .replacingOccurrences(of: "{given}", with: rng.pick(DemoFacts.givenNames))
            .replacingOccurrences(of: "{n}", with: String(n))
    }

    /// Status and its date: most active, some suspended or closed after registration.
    mutating func status(registered: LocalDate) -> (String, String) {
        let r = rng.unit()
        if r < 0.07 { return ("closed", date(from: registered.adding(days: 30), to: DemoGenerator.referenceDate).description) }
        if r < 0.11 { return ("suspended", date(from: registered.adding(days: 30), to: DemoGenerator.referenceDate).description) }
        return ("active", "")
    }

    mutating func row(code: String, name: String, kind: UnitKind, vsic: String, owner: String, lon: Double, lat: Double,
                      registered: LocalDate, market: String = "", stall: String = "", zone: String = "") {
        let ward = geo.ward(at: lon, lat, on: registered.description)
        var (status, since) = status(registered: registered)
        if registered.adding(days: 30) > DemoGenerator.referenceDate { (status, since) = ("active", "") }
        let address = market.isEmpty
            ? "\(rng.int(1...480)) \(rng.pick(DemoFacts.streets)), \(ward?.name ?? "")"
            : "Sạp \(stall), \(UnitMaker.markets.first { $0.0 == market }!.1), \(ward?.name ?? "")"
        units.append([kind == .market_stall ? "" : code, name, kind.rawValue, vsic, owner, address, ward?.code ?? "",
                      String(lon), String(lat), status, since, registered.description, market, stall, zone])
    }

    // MARK: markets and stalls

    mutating func makeMarkets() {
        for (code, name, number, zones) in UnitMaker.markets {
            let (hx, hy) = (0.00045, 0.00032)  // about 100 m × 70 m
            let centre = geo.plane.lonLat(PlaneRing.centroid(geo.pre2025Rings[number]!))
            let (cx, cy) = ((centre.lon * 1e6).rounded() / 1e6, (centre.lat * 1e6).rounded() / 1e6)
            let ring = try! LinearRing([Position(cx - hx, cy - hy), Position(cx + hx, cy - hy), Position(cx + hx, cy + hy),
                                        Position(cx - hx, cy + hy), Position(cx - hx, cy - hy)])
            let registered = LocalDate(year: 2011, month: 1, day: 3)!
            let ward = geo.ward(at: cx, cy, on: registered.description)
            marketFeatures.append(Feature(geometry: .polygon([ring]), properties: [
                ("code", .string(code)), ("name", .string(name)), ("kind", "market"), ("vsic", "4781 4782 4789"),
                ("owner", .string("Ban quản lý \(name)")), ("address", .string("\(name), \(ward?.name ?? "")")),
                ("ward_code", .from(ward?.code)), ("status", "active"), ("registered_on", .string(registered.description)),
            ]))
            // The market's reference scale (cân đối chứng) and its check weights.
            addInstrument(unit: code, type: "platform_scale", cls: "III", max: 150, d: 0.05, unitOfMeasure: "kg", reference: true)
            addInstrument(unit: code, type: "weight_f1_m", cls: "M1", max: 20, d: nil, unitOfMeasure: "kg", reference: true)
            let total = zones.reduce(0) { $0 + $1.2 }
            let columns = Int(Double(total).squareRoot() * 1.4) + 1
            var i = 0
            for (letter, goods, count, vsic) in zones {
                for s in 1...count {
                    let col = i % columns, rowIndex = i / columns
                    let rows = (total + columns - 1) / columns
                    let x = cx - hx * 0.9 + (Double(col) + 0.5) / Double(columns) * hx * 1.8
                    let y = cy - hy * 0.9 + (Double(rowIndex) + 0.5) / Double(rows) * hy * 1.8
                    i += 1
                    let stall = "\(letter)-\(String(format: "%03d", s))"
                    let trader = person()
                    let reg = date(from: LocalDate(year: 2011, month: 6, day: 1)!, to: DemoGenerator.referenceDate)
                    row(code: "", name: "Sạp \(stall) \(trader)", kind: .market_stall, vsic: vsic, owner: trader,
                        lon: (x * 1e7).rounded() / 1e7, lat: (y * 1e7).rounded() / 1e7, registered: reg, market: code, stall: stall, zone: goods)
                    if vsic == "4781" || vsic == "4789", rng.chance(0.85) {
                        let spring = rng.chance(0.6)
                        addInstrument(unit: "\(code)/\(stall)", type: spring ? "spring_dial_scale" : "counter_scale", cls: "IIII",
                                      max: spring ? rng.pick([5.0, 10, 20, 30]) : rng.pick([15.0, 30]), d: spring ? 0.05 : 0.01, unitOfMeasure: "kg")
                    }
                }
            }
        }
    }

    // MARK: businesses

    mutating func makeUnit(_ p: Profile, _ n: Int) {
        let r = rng.unit()
        var acc = 0.0
        var kind = p.kinds.last!.0
        for (k, share) in p.kinds {
            acc += share
            if r < acc { kind = k; break }
        }
        let code: String
        switch kind {
        case .household_business: code = householdNumber()
        case .branch:
            let parent = taxCode()
            code = parent + "-" + String(format: "%03d", rng.int(1...12))
        default: code = taxCode()
        }
        let (lon, lat) = point(inWard: wardByPopulation())
        let registered = date(from: LocalDate(year: 2011, month: 1, day: 1)!, to: DemoGenerator.referenceDate)
        row(code: code, name: fill(rng.pick(p.names), n: n), kind: kind, vsic: rng.pick(p.vsic), owner: person(),
            lon: lon, lat: lat, registered: registered)
        for spec in p.instruments where rng.chance(spec.probability) {
            for _ in 0..<rng.int(spec.count) {
                switch spec.type {
                case "fuel_dispenser": addInstrument(unit: code, type: spec.type, cls: "0.3", max: nil, d: nil, unitOfMeasure: nil)
                case "analytical_scale": addInstrument(unit: code, type: spec.type, cls: "I", max: 220, d: 0.0001, unitOfMeasure: "g")
                case "precision_scale": addInstrument(unit: code, type: spec.type, cls: "II", max: 3000, d: 0.01, unitOfMeasure: "g")
                case "counter_scale": addInstrument(unit: code, type: spec.type, cls: "III", max: rng.pick([15.0, 30]), d: 0.005, unitOfMeasure: "kg")
                case "platform_scale": addInstrument(unit: code, type: spec.type, cls: "III", max: 150, d: 0.05, unitOfMeasure: "kg")
                case "spring_dial_scale": addInstrument(unit: code, type: spec.type, cls: "IIII", max: rng.pick([5.0, 10, 20]), d: 0.05, unitOfMeasure: "kg")
                default: addInstrument(unit: code, type: spec.type, cls: nil, max: nil, d: nil, unitOfMeasure: nil)
                }
            }
        }
    }

    /// Verification dates against the demo's reference date: about 12 % expired, 7 % due within 30 days,
    /// 3 % unknown, the rest valid.
    mutating func addInstrument(unit: String, type: String, cls: String?, max: Double?, d: Double?, unitOfMeasure: String?, reference: Bool = false) {
        serial += 1
        let cycle = ["fuel_dispenser": 12, "spring_dial_scale": 24, "thermometer_electronic": 6, "weight_f1_m": 12][type] ?? 12
        let ref = DemoGenerator.referenceDate
        let r = rng.unit()
        var verified: LocalDate?
        if r < 0.03 {
            verified = nil
        } else if r < 0.15 {
            verified = ref.adding(months: -cycle).adding(days: -rng.int(1...300))
        } else if r < 0.22 {
            verified = ref.adding(months: -cycle).adding(days: rng.int(1...29))
        } else {
            verified = ref.adding(months: -cycle).adding(days: rng.int(31...(cycle * 30 - 1)))
        }
        let makers = ["fuel_dispenser": ["Tatsuno", "Tokheim", "Gilbarco"], "analytical_scale": ["AND", "Ohaus", "Shimadzu"],
                      "precision_scale": ["AND", "Ohaus", "Vibra"], "spring_dial_scale": ["Nhơn Hòa", "Đại Phát"],
                      "counter_scale": ["Nhơn Hòa", "Shinko"], "platform_scale": ["Nhơn Hòa", "Yaohua"]][type] ?? ["Omron", "Microlife"]
        let fmt: (Double?) -> String = { $0.map { JSONValue.format($0) } ?? "" }
        instruments.append([
            unit, type, String(format: "%@-%06d", String(type.prefix(3)).uppercased(), serial), rng.pick(makers), "", cls ?? "",
            fmt(max), fmt(d), unitOfMeasure ?? "", verified?.description ?? "",
            verified == nil ? "" : String(format: "V%06d", serial), verified == nil ? "" : String(format: "T%07d", serial * 3),
            verified == nil ? "" : "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 3", reference ? "true" : "",
        ])
    }

    static let inspectionColumns = ["unit_code", "market_code", "stall_no", "inspected_on", "scope", "outcome", "team", "violation",
                                    "fine_vnd", "follow_up", "follow_up_due", "resolved_on"]

    /// Past inspections before the reference date, from their own random stream so the other files do
    /// not change with them: most fuel stations, gold shops and both markets were inspected in the last
    /// three years, few other units; some inspections found violations, some of which still await follow-up.
    func inspectionsCSV(seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed ^ 0x1A5B_EC71)
        let ref = DemoGenerator.referenceDate
        var rows: [[String]] = []
        for u in units {
            let (code, kind, vsic, market, stall) = (u[0], u[2], u[3], u[12], u[13])
            let category = kind == "market" ? "market" : kind == "market_stall" ? "stall"
                : vsic.contains("4730") ? "fuel" : vsic.contains("47732") ? "gold" : "other"
            let (inspected, violating): (Double, Double) = [
                "fuel": (0.9, 0.25), "gold": (0.8, 0.3), "market": (1, 0.5), "stall": (0.3, 0.15), "other": (0.15, 0.1),
            ][category]!
            guard rng.unit() < inspected, let registered = LocalDate(iso: u[11]), registered < ref.adding(days: -60) else { continue }
            let earliest = max(registered.adding(days: 30), ref.adding(months: -40))
            let on = earliest.adding(days: rng.int(0...max(0, earliest.days(until: ref.adding(days: -20)))))
            let scope = category == "fuel" || category == "gold" ? "metrology" : category == "stall" ? rng.pick(["quantity", "origin", "prices"]) : rng.pick(["labels", "prices", "origin"])
            let team = rng.pick(["Đội 1", "Đội 2", "Đội 3"])
            var row = [kind == "market_stall" ? "" : code, market, stall, on.description, scope, "compliant", team, "", "", "", "", ""]
            if rng.unit() < violating {
                let choices: [String: [String]] = [
                    "fuel": ["instrument_unverified", "quantity_short", "instrument_seal_broken"],
                    "gold": ["instrument_unverified", "label_missing", "quantity_short"],
                    "market": ["price_not_listed", "origin_unproven"],
                    "stall": ["quantity_short", "price_not_listed", "origin_unproven"],
                    "other": ["label_missing", "price_not_listed", "origin_unproven", "conformity_missing"],
                ]
                let violation = rng.pick(choices[category]!)
                row[5] = "violation"
                row[7] = violation
                row[8] = String(rng.int(1...20) * 1_000_000)
                if rng.unit() < 0.6 {
                    let due = on.adding(days: 30)
                    row[9] = violation.hasPrefix("instrument") ? "have the instruments verified and sealed" : "correct and report back"
                    row[10] = due.description
                    let resolved = on.adding(days: rng.int(5...45))
                    if rng.unit() < 0.6, resolved <= ref { row[11] = resolved.description }
                }
            }
            rows.append(row)
        }
        return csv(UnitMaker.inspectionColumns, rows)
    }

    func unitsCSV() -> String { csv(UnitMaker.unitColumns, units) }
    func instrumentsCSV() -> String { csv(UnitMaker.instrumentColumns, instruments) }

    func csv(_ header: [String], _ rows: [[String]]) -> String {
        var out = ""
        let w = CSVWriter { out += $0 }
        w.write(header)
        for r in rows { w.write(r) }
        return out
    }
}
