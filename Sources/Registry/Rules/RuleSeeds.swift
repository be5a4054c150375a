import GRDB

/// The first contents of the rule tables, from ../shared/domain/FACTS.md. They are data: an office
/// edits them (or a later migration adds rows with new validity dates) when the law changes.
enum RuleSeeds {
    static let cycleSource = "Circular 23/2013/TT-BKHCN as amended by 07/2019/TT-BKHCN and 03/2024/TT-BKHCN (FACTS.md §2)"
    static let cycleNote = "valid_from is not the circular's effective date (not recorded in FACTS.md): the rule applies to every recorded verification. Circular 04/2026/TT-BKHCN may change cycles (uncertain)."

    /// code, Vietnamese name, English name, cycle in months, confidence, valid_from.
    static let instrumentTypes: [(String, String, String, Int, String, String)] = [
        ("fuel_dispenser", "Cột đo xăng dầu", "fuel dispenser", 12, "sure", "1900-01-01"),
        ("lpg_dispenser", "Cột đo khí dầu mỏ hóa lỏng", "LPG dispenser", 12, "sure", "1900-01-01"),
        ("spring_dial_scale", "Cân đồng hồ lò xo", "spring dial scale", 24, "sure", "1900-01-01"),
        ("platform_scale", "Cân bàn", "platform scale", 12, "sure", "1900-01-01"),
        ("counter_scale", "Cân đĩa", "counter scale", 12, "sure", "1900-01-01"),
        ("hanging_scale", "Cân treo", "hanging scale", 12, "sure", "1900-01-01"),
        ("truck_scale", "Cân ô tô", "truck scale", 12, "sure", "1900-01-01"),
        ("analytical_scale", "Cân phân tích", "analytical scale", 12, "sure", "1900-01-01"),
        ("precision_scale", "Cân kỹ thuật", "precision scale", 12, "sure", "1900-01-01"),
        ("weight_e2", "Quả cân cấp chính xác E2", "weight, class E2", 24, "sure", "1900-01-01"),
        ("weight_f1_m", "Quả cân cấp chính xác F1 trở xuống", "weight, class F1 and below", 12, "sure", "1900-01-01"),
        ("taximeter", "Taximet", "taximeter", 18, "sure", "1900-01-01"),
        ("speed_radar", "Phương tiện đo tốc độ", "speed radar", 24, "sure", "1900-01-01"),
        ("water_meter_mechanical", "Đồng hồ nước cơ", "water meter, mechanical", 60, "sure", "1900-01-01"),
        ("water_meter_electronic", "Đồng hồ nước điện tử", "water meter, electronic", 36, "sure", "1900-01-01"),
        ("electricity_meter_1p_induction", "Công tơ điện 1 pha cảm ứng", "electricity meter, 1-phase induction", 60, "sure", "1900-01-01"),
        ("electricity_meter_1p_electronic", "Công tơ điện 1 pha điện tử", "electricity meter, 1-phase electronic", 72, "sure", "1900-01-01"),
        ("electricity_meter_3p_induction", "Công tơ điện 3 pha cảm ứng", "electricity meter, 3-phase induction", 48, "sure", "1900-01-01"),
        ("electricity_meter_3p_electronic", "Công tơ điện 3 pha điện tử", "electricity meter, 3-phase electronic", 36, "sure", "1900-01-01"),
        ("blood_pressure_meter", "Huyết áp kế", "blood-pressure meter", 12, "sure", "1900-01-01"),
        ("thermometer_electronic", "Nhiệt kế y học điện tử", "clinical thermometer, electronic", 6, "sure", "1900-01-01"),
        ("thermometer_infrared", "Nhiệt kế y học bức xạ hồng ngoại", "clinical thermometer, infrared", 12, "sure", "1900-01-01"),
        ("breathalyser", "Phương tiện đo nồng độ cồn", "breathalyser", 12, "sure", "1900-01-01"),
        ("ev_charger_meter_mechanical", "Công tơ trạm sạc xe điện (cơ)", "EV-charger meter, mechanical", 60, "uncertain", "2024-01-01"),
        ("ev_charger_meter_electronic", "Công tơ trạm sạc xe điện (điện tử)", "EV-charger meter, electronic", 36, "uncertain", "2024-01-01"),
    ]

    /// FACTS.md §6 lists the codes the office checks most; a few common retail and service codes
    /// (4722, 4771, 5610, 5630, 9631) and the parents of all are added from the same classification.
    static let vsicSource = "VSIC 2018, Decision 27/2018/QĐ-TTg (FACTS.md §6, likely)"
    static let vsicCodes: [(String, String)] = [
        ("32", "Sản xuất khác"), ("321", "Sản xuất đồ kim hoàn, đồ giả kim hoàn và các chi tiết liên quan"),
        ("3211", "Sản xuất đồ kim hoàn và chi tiết liên quan"),
        ("46", "Bán buôn (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"), ("466", "Bán buôn chuyên doanh khác"),
        ("4662", "Bán buôn kim loại và quặng kim loại"), ("46623", "Bán buôn vàng, bạc và kim loại quý khác"),
        ("47", "Bán lẻ (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"),
        ("471", "Bán lẻ trong các cửa hàng kinh doanh tổng hợp"), ("4711", "Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn trong các cửa hàng kinh doanh tổng hợp"),
        ("47111", "Bán lẻ trong siêu thị (Supermarket)"),
        ("473", "Bán lẻ nhiên liệu động cơ trong các cửa hàng chuyên doanh"), ("4730", "Bán lẻ nhiên liệu động cơ trong các cửa hàng chuyên doanh"),
        ("477", "Bán lẻ hàng hóa khác trong các cửa hàng chuyên doanh"),
        ("4772", "Bán lẻ thuốc, dụng cụ y tế, mỹ phẩm và vật phẩm vệ sinh trong các cửa hàng chuyên doanh"),
        ("47721", "Bán lẻ thuốc, dụng cụ y tế trong các cửa hàng chuyên doanh"),
        ("4773", "Bán lẻ hàng hóa khác mới trong các cửa hàng chuyên doanh"),
        ("47732", "Bán lẻ vàng, bạc, đá quý và đá bán quý, đồ trang sức trong các cửa hàng chuyên doanh"),
        ("4722", "Bán lẻ thực phẩm trong các cửa hàng chuyên doanh"),
        ("4771", "Bán lẻ hàng may mặc, giày dép, hàng da và giả da trong các cửa hàng chuyên doanh"),
        ("5610", "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"), ("5630", "Dịch vụ phục vụ đồ uống"),
        ("9631", "Cắt tóc, làm đầu, gội đầu"),
        ("478", "Bán lẻ lưu động hoặc bán tại chợ"), ("4781", "Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào lưu động hoặc tại chợ"),
        ("4782", "Bán lẻ hàng dệt, may sẵn, giày dép lưu động hoặc tại chợ"), ("4789", "Bán lẻ hàng hóa khác lưu động hoặc tại chợ"),
    ]

    static func seed(_ db: Database) throws {
        for (code, vi, en, months, confidence, from) in instrumentTypes {
            try db.execute(sql: "INSERT INTO instrument_types (code, name_vi, name_en) VALUES (?, ?, ?)", arguments: [code, vi, en])
            try db.execute(
                sql: """
                    INSERT INTO verification_rules (instrument_type, cycle_months, valid_from, valid_to, source, confidence, note)
                    VALUES (?, ?, ?, NULL, ?, ?, ?)
                    """,
                arguments: [code, months, from, cycleSource, confidence, cycleNote])
        }
        for (code, title) in vsicCodes {
            try db.execute(sql: "INSERT INTO vsic_codes (code, title, source) VALUES (?, ?, ?)", arguments: [code, title, vsicSource])
        }
        try db.execute(sql: """
            INSERT INTO identifier_formats (unit_kind, name, pattern, example, valid_from, valid_to, source, confidence) VALUES
            ('household_business', 'household business number (2021 rules): province code, district letter, 8, sequence',
             '^[0-9]{2}[A-ZĐ]8[0-9]{6}$', '41O8012345', '1900-01-01', NULL, 'Decree 01/2021/NĐ-CP (FACTS.md §5, sure for 2021; earlier numbers are accepted in the same form)', 'sure'),
            ('household_business', 'household business registered under the owner''s 12-digit personal ID (2025 rules)',
             '^[0-9]{12}$', '079085001234', '2025-07-01', NULL, 'FACTS.md §5 (uncertain)', 'uncertain')
            """)
    }

    static let penaltySource = "Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)"

    /// code, Vietnamese, English, seriousness 1-3, legal basis, confidence. Seriousness is the office's
    /// judgement for planning, not a legal grade; the fines themselves are uncertain (FACTS.md §4).
    static let violationCategories: [(String, String, String, Int, String?, String)] = [
        ("instrument_unverified", "Sử dụng phương tiện đo chưa kiểm định / hết hạn kiểm định", "measuring instrument not verified or verification expired", 3, "Art. 10", "likely"),
        ("instrument_seal_broken", "Phương tiện đo mất dấu, tem kiểm định", "instrument seal or stamp broken or missing", 3, "Art. 10", "likely"),
        ("quantity_short", "Lượng hàng thiếu vượt giới hạn cho phép", "quantity short beyond the permitted error", 3, "Art. 14", "likely"),
        ("prepackaged_quantity", "Hàng đóng gói sẵn không đạt yêu cầu định lượng", "pre-packaged quantity not compliant", 2, nil, "uncertain"),
        ("label_missing", "Hàng hóa không có nhãn / nhãn không đủ nội dung", "goods without a proper label", 2, nil, "uncertain"),
        ("price_not_listed", "Không niêm yết giá", "prices not displayed", 1, nil, "uncertain"),
        ("origin_unproven", "Không chứng minh được nguồn gốc hàng hóa", "origin of goods not proven", 2, nil, "uncertain"),
        ("conformity_missing", "Không công bố hợp quy / hợp chuẩn", "no declaration of conformity", 2, nil, "uncertain"),
    ]

    /// Planning defaults by kind of visit (the service times; opening hours are typical, not measured).
    static let visitProfiles: [(String, Int, String, String)] = [
        ("fuel_station", 45, "06:00-22:00", "check every dispenser with a standard can"),
        ("gold_shop", 30, "08:00-20:00", "check scales with the reference weights"),
        ("market", 60, "05:00-18:00", "the market's reference scale and its management board"),
        ("market_stall", 10, "05:30-17:00", "stall scale against the market's reference scale"),
        ("other", 20, "08:00-20:00", "labels, prices, origin of goods"),
    ]

    static func seedInspectionRules(_ db: Database) throws {
        for (code, vi, en, seriousness, article, confidence) in violationCategories {
            try db.execute(sql: """
                INSERT INTO violation_categories (code, name_vi, name_en, seriousness, legal_basis, source, confidence, valid_from)
                VALUES (?, ?, ?, ?, ?, ?, ?, '1900-01-01')
                """, arguments: [code, vi, en, seriousness, article, article == nil ? "office practice; legal basis to be confirmed" : penaltySource, confidence])
        }
        for (category, minutes, hours, note) in visitProfiles {
            try db.execute(sql: "INSERT INTO visit_profiles (category, service_minutes, opening_hours, note) VALUES (?, ?, ?, ?)",
                           arguments: [category, minutes, hours, note])
        }
    }
}
