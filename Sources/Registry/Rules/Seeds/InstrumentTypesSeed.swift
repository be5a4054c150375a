/// The instrument types and their verification cycles, from ../shared/domain/FACTS.md §2, seeded by
/// migration "v1 rule tables".
/// Frozen: this is what the migration wrote and always will write; a change to these rules is a
/// new migration (rows with new validity dates), never an edit here.
enum InstrumentTypesSeed {
    static let sql = #"""
        INSERT INTO instrument_types (code, name_vi, name_en) VALUES
          ('fuel_dispenser', 'Cột đo xăng dầu', 'fuel dispenser'),
          ('lpg_dispenser', 'Cột đo khí dầu mỏ hóa lỏng', 'LPG dispenser'),
          ('spring_dial_scale', 'Cân đồng hồ lò xo', 'spring dial scale'),
          ('platform_scale', 'Cân bàn', 'platform scale'),
          ('counter_scale', 'Cân đĩa', 'counter scale'),
          ('hanging_scale', 'Cân treo', 'hanging scale'),
          ('truck_scale', 'Cân ô tô', 'truck scale'),
          ('analytical_scale', 'Cân phân tích', 'analytical scale'),
          ('precision_scale', 'Cân kỹ thuật', 'precision scale'),
          ('weight_e2', 'Quả cân cấp chính xác E2', 'weight, class E2'),
          ('weight_f1_m', 'Quả cân cấp chính xác F1 trở xuống', 'weight, class F1 and below'),
          ('taximeter', 'Taximet', 'taximeter'),
          ('speed_radar', 'Phương tiện đo tốc độ', 'speed radar'),
          ('water_meter_mechanical', 'Đồng hồ nước cơ', 'water meter, mechanical'),
          ('water_meter_electronic', 'Đồng hồ nước điện tử', 'water meter, electronic'),
          ('electricity_meter_1p_induction', 'Công tơ điện 1 pha cảm ứng', 'electricity meter, 1-phase induction'),
          ('electricity_meter_1p_electronic', 'Công tơ điện 1 pha điện tử', 'electricity meter, 1-phase electronic'),
          ('electricity_meter_3p_induction', 'Công tơ điện 3 pha cảm ứng', 'electricity meter, 3-phase induction'),
          ('electricity_meter_3p_electronic', 'Công tơ điện 3 pha điện tử', 'electricity meter, 3-phase electronic'),
          ('blood_pressure_meter', 'Huyết áp kế', 'blood-pressure meter'),
          ('thermometer_electronic', 'Nhiệt kế y học điện tử', 'clinical thermometer, electronic'),
          ('thermometer_infrared', 'Nhiệt kế y học bức xạ hồng ngoại', 'clinical thermometer, infrared'),
          ('breathalyser', 'Phương tiện đo nồng độ cồn', 'breathalyser'),
          ('ev_charger_meter_mechanical', 'Công tơ trạm sạc xe điện (cơ)', 'EV-charger meter, mechanical'),
          ('ev_charger_meter_electronic', 'Công tơ trạm sạc xe điện (điện tử)', 'EV-charger meter, electronic');

        -- One verification cycle per type, all from the same circular (FACTS.md §2).
        INSERT INTO verification_rules (id, instrument_type, cycle_months, valid_from, valid_to, source, confidence, note)
        SELECT column1, column2, column3, column4, NULL,
          'Circular 23/2013/TT-BKHCN as amended by 07/2019/TT-BKHCN and 03/2024/TT-BKHCN (FACTS.md §2)',
          column5,
          'valid_from is not the circular''s effective date (not recorded in FACTS.md): the rule applies to every recorded verification. Circular 04/2026/TT-BKHCN may change cycles (uncertain).'
        FROM (VALUES
          (1, 'fuel_dispenser', 12, '1900-01-01', 'sure'),
          (2, 'lpg_dispenser', 12, '1900-01-01', 'sure'),
          (3, 'spring_dial_scale', 24, '1900-01-01', 'sure'),
          (4, 'platform_scale', 12, '1900-01-01', 'sure'),
          (5, 'counter_scale', 12, '1900-01-01', 'sure'),
          (6, 'hanging_scale', 12, '1900-01-01', 'sure'),
          (7, 'truck_scale', 12, '1900-01-01', 'sure'),
          (8, 'analytical_scale', 12, '1900-01-01', 'sure'),
          (9, 'precision_scale', 12, '1900-01-01', 'sure'),
          (10, 'weight_e2', 24, '1900-01-01', 'sure'),
          (11, 'weight_f1_m', 12, '1900-01-01', 'sure'),
          (12, 'taximeter', 18, '1900-01-01', 'sure'),
          (13, 'speed_radar', 24, '1900-01-01', 'sure'),
          (14, 'water_meter_mechanical', 60, '1900-01-01', 'sure'),
          (15, 'water_meter_electronic', 36, '1900-01-01', 'sure'),
          (16, 'electricity_meter_1p_induction', 60, '1900-01-01', 'sure'),
          (17, 'electricity_meter_1p_electronic', 72, '1900-01-01', 'sure'),
          (18, 'electricity_meter_3p_induction', 48, '1900-01-01', 'sure'),
          (19, 'electricity_meter_3p_electronic', 36, '1900-01-01', 'sure'),
          (20, 'blood_pressure_meter', 12, '1900-01-01', 'sure'),
          (21, 'thermometer_electronic', 6, '1900-01-01', 'sure'),
          (22, 'thermometer_infrared', 12, '1900-01-01', 'sure'),
          (23, 'breathalyser', 12, '1900-01-01', 'sure'),
          (24, 'ev_charger_meter_mechanical', 60, '2024-01-01', 'uncertain'),
          (25, 'ev_charger_meter_electronic', 36, '2024-01-01', 'uncertain'));
        """#
}
