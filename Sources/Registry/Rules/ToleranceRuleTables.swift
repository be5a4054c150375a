/// Migration "v4 tolerance and penalty rules": the legal tolerances a field check is judged against and the
/// fines a failed check proposes, as rows with source, confidence and validity (FACTS.md §3, §4). Frozen SQL:
/// a change in the law is a new row (or a new migration), never an edit of this text.
enum ToleranceRuleTables {
    static let sql = """
        -- What a failed check can be, beyond the categories of v2.
        INSERT INTO violation_categories (code, name_vi, name_en, seriousness, legal_basis, source, confidence, valid_from) VALUES
          ('instrument_out_of_tolerance', 'Phương tiện đo có sai số vượt quá giới hạn cho phép',
           'measuring instrument in error beyond its maximum permissible error', 3, 'Art. 10',
           'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP; article not in FACTS.md', 'uncertain', '1900-01-01'),
          ('instrument_unsuitable', 'Cân không phù hợp với khối lượng hàng hóa cần cân',
           'scale interval too coarse for the load weighed', 2, 'Circular 09/2017/TT-BKHCN Art. 4',
           'Circular 09/2017/TT-BKHCN Art. 4 (FACTS.md §3); the fine for it is not in FACTS.md', 'uncertain', '1900-01-01');

        -- One row per band of a tolerance table: a value x of the band's measure falls in the band when
        -- band_above < x <= band_up_to (band_up_to NULL: no upper end). The measure is the load in g, L or in
        -- scale intervals (d, e) of the instrument; the limit is in limit_unit (percent of the quantity, g, mg,
        -- d, e, or 'mpe': a multiple of the fuel dispenser's MPE in force).
        CREATE TABLE tolerance_rules (
          id INTEGER PRIMARY KEY,
          code TEXT NOT NULL,
          test TEXT NOT NULL CHECK (test IN ('fuel_dispenser', 'fuel_sale', 'market_scale_interval', 'market_scale_shortfall',
                                             'weighing_mpe', 'gold_shortfall', 'gold_interval', 'prepack_deficiency', 'prepack_mean')),
          accuracy_class TEXT CHECK (accuracy_class IS NULL OR accuracy_class IN ('I', 'II', 'III', 'IIII')),
          band_above REAL NOT NULL,
          band_up_to REAL,
          band_unit TEXT NOT NULL CHECK (band_unit IN ('g', 'L', 'd', 'e')),
          limit_value REAL NOT NULL CHECK (limit_value >= 0),
          limit_unit TEXT NOT NULL CHECK (limit_unit IN ('percent', 'g', 'mg', 'd', 'e', 'mpe')),
          -- OIML R76: the maximum permissible error in service is twice that at initial verification.
          in_service_factor REAL NOT NULL DEFAULT 1 CHECK (in_service_factor > 0),
          violation_category TEXT REFERENCES violation_categories(code),
          valid_from TEXT NOT NULL,
          valid_to TEXT,
          source TEXT NOT NULL,
          confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain')),
          note TEXT,
          UNIQUE (code, valid_from),
          CHECK (band_up_to IS NULL OR band_up_to > band_above),
          CHECK (valid_to IS NULL OR valid_to >= valid_from)
        );
        CREATE INDEX tolerance_rules_test ON tolerance_rules(test, valid_from);

        INSERT INTO tolerance_rules (code, test, accuracy_class, band_above, band_up_to, band_unit, limit_value, limit_unit,
                                     in_service_factor, violation_category, valid_from, valid_to, source, confidence, note) VALUES
          ('fuel-dispenser-mpe', 'fuel_dispenser', NULL, 0, NULL, 'L', 0.3, 'percent', 1, 'instrument_out_of_tolerance',
           '1900-01-01', NULL, 'ĐLVN 10 (FACTS.md §3)', 'likely',
           'error of the delivered volume against a standard measure, either sign; valid_from is not the document''s date (not in FACTS.md)'),
          ('fuel-sale-shortfall', 'fuel_sale', NULL, 0, NULL, 'L', 1.5, 'mpe', 1, 'quantity_short',
           '1900-01-01', NULL, 'Circular 15/2015/TT-BKHCN Art. 6(3) (FACTS.md §3)', 'sure',
           'shortfall in a sale at most 1.5 × the dispenser MPE; valid_from is not the circular''s date (not in FACTS.md)'),

          ('c09-2017-d-100g', 'market_scale_interval', NULL, 40, 100, 'g', 2, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', 'load above 40 g up to 100 g: d ≤ 2 g'),
          ('c09-2017-d-200g', 'market_scale_interval', NULL, 100, 200, 'g', 5, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),
          ('c09-2017-d-400g', 'market_scale_interval', NULL, 200, 400, 'g', 10, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),
          ('c09-2017-d-1kg', 'market_scale_interval', NULL, 400, 1000, 'g', 20, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),
          ('c09-2017-d-2kg', 'market_scale_interval', NULL, 1000, 2000, 'g', 50, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),
          ('c09-2017-d-4kg', 'market_scale_interval', NULL, 2000, 4000, 'g', 100, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),
          ('c09-2017-d-100kg', 'market_scale_interval', NULL, 4000, 100000, 'g', 200, 'g', 1, 'instrument_unsuitable',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 4, Table 1 (FACTS.md §3)', 'sure', NULL),

          ('c09-2017-shortfall-1d', 'market_scale_shortfall', NULL, 0, 50, 'd', 1, 'd', 1, 'quantity_short',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 5 (FACTS.md §3)', 'likely',
           'FACTS.md gives 1d to 3d by load and three worked examples; these bands (OIML R76 class IIII in service) reproduce all three'),
          ('c09-2017-shortfall-2d', 'market_scale_shortfall', NULL, 50, 200, 'd', 2, 'd', 1, 'quantity_short',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 5 (FACTS.md §3)', 'likely', 'band inferred from the worked examples (10 kg scale at 7 kg: 100 g)'),
          ('c09-2017-shortfall-3d', 'market_scale_shortfall', NULL, 200, 1000, 'd', 3, 'd', 1, 'quantity_short',
           '2017-08-15', NULL, 'Circular 09/2017/TT-BKHCN Art. 5 (FACTS.md §3)', 'likely', 'band inferred from the worked examples (100 kg scale at 50 kg: 600 g)'),

          ('r76-I-0.5e', 'weighing_mpe', 'I', 0, 50000, 'e', 0.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', 'initial verification; doubled in service'),
          ('r76-I-1e', 'weighing_mpe', 'I', 50000, 200000, 'e', 1, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-I-1.5e', 'weighing_mpe', 'I', 200000, NULL, 'e', 1.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-II-0.5e', 'weighing_mpe', 'II', 0, 5000, 'e', 0.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-II-1e', 'weighing_mpe', 'II', 5000, 20000, 'e', 1, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-II-1.5e', 'weighing_mpe', 'II', 20000, 100000, 'e', 1.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-III-0.5e', 'weighing_mpe', 'III', 0, 500, 'e', 0.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-III-1e', 'weighing_mpe', 'III', 500, 2000, 'e', 1, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-III-1.5e', 'weighing_mpe', 'III', 2000, 10000, 'e', 1.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-IIII-0.5e', 'weighing_mpe', 'IIII', 0, 50, 'e', 0.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-IIII-1e', 'weighing_mpe', 'IIII', 50, 200, 'e', 1, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),
          ('r76-IIII-1.5e', 'weighing_mpe', 'IIII', 200, 1000, 'e', 1.5, 'e', 2, 'instrument_out_of_tolerance', '1900-01-01', NULL, 'OIML R76 (FACTS.md §3)', 'sure', NULL),

          ('c22-2013-gold-30g', 'gold_shortfall', NULL, 0, 30, 'g', 13, 'mg', 1, 'quantity_short', '1900-01-01', NULL,
           'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'uncertain',
           'FACTS.md starts the table at 30 g; the 30 g limit is applied below it too. Each tabulated mass ends a band: a mass between two rows takes the larger one''s limit'),
          ('c22-2013-gold-50g', 'gold_shortfall', NULL, 30, 50, 'g', 17, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-100g', 'gold_shortfall', NULL, 50, 100, 'g', 30, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-200g', 'gold_shortfall', NULL, 100, 200, 'g', 56, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-300g', 'gold_shortfall', NULL, 200, 300, 'g', 80, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-500g', 'gold_shortfall', NULL, 300, 500, 'g', 130, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-1kg', 'gold_shortfall', NULL, 500, 1000, 'g', 240, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-1.5kg', 'gold_shortfall', NULL, 1000, 1500, 'g', 350, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-2kg', 'gold_shortfall', NULL, 1500, 2000, 'g', 430, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-3kg', 'gold_shortfall', NULL, 2000, 3000, 'g', 600, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-5kg', 'gold_shortfall', NULL, 3000, 5000, 'g', 900, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-6kg', 'gold_shortfall', NULL, 5000, 6000, 'g', 1100, 'mg', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-gold-above-6kg', 'gold_shortfall', NULL, 6000, NULL, 'g', 0.0175, 'percent', 1, 'quantity_short', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-e-200g', 'gold_interval', NULL, 0, 200, 'g', 1, 'mg', 1, 'instrument_unsuitable', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', 'scale interval e allowed for the load'),
          ('c22-2013-e-3kg', 'gold_interval', NULL, 200, 3000, 'g', 10, 'mg', 1, 'instrument_unsuitable', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),
          ('c22-2013-e-10kg', 'gold_interval', NULL, 3000, 10000, 'g', 100, 'mg', 1, 'instrument_unsuitable', '1900-01-01', NULL, 'Circular 22/2013/TT-BKHCN (FACTS.md §3)', 'likely', NULL),

          ('c21-2014-t-50', 'prepack_deficiency', NULL, 5, 50, 'g', 9, 'percent', 1, 'prepackaged_quantity', '1900-01-01', NULL,
           'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely',
           'allowed deficiency of one package, g or mL; OIML R87''s allowance of a few packages between T and 2T by sample size is not in FACTS.md, so none is allowed'),
          ('c21-2014-t-100', 'prepack_deficiency', NULL, 50, 100, 'g', 4.5, 'g', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-200', 'prepack_deficiency', NULL, 100, 200, 'g', 4.5, 'percent', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-300', 'prepack_deficiency', NULL, 200, 300, 'g', 9, 'g', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-500', 'prepack_deficiency', NULL, 300, 500, 'g', 3, 'percent', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-1000', 'prepack_deficiency', NULL, 500, 1000, 'g', 15, 'g', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-10k', 'prepack_deficiency', NULL, 1000, 10000, 'g', 1.5, 'percent', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-15k', 'prepack_deficiency', NULL, 10000, 15000, 'g', 150, 'g', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-t-above-15k', 'prepack_deficiency', NULL, 15000, NULL, 'g', 1, 'percent', 1, 'prepackaged_quantity', '1900-01-01', NULL, 'Circular 21/2014/TT-BKHCN (FACTS.md §3; as OIML R87)', 'likely', NULL),
          ('c21-2014-lot-mean', 'prepack_mean', NULL, 5, NULL, 'g', 0, 'g', 1, 'prepackaged_quantity', '1900-01-01', NULL,
           'Circular 21/2014/TT-BKHCN (FACTS.md §3)', 'likely', 'the mean of the sample must not be below the nominal quantity Qn');

        -- The interval d of a market spring dial scale by its capacity, for a check where d is not read off
        -- the scale: the smallest d of Table 1 whose examples list that capacity.
        CREATE TABLE typical_scale_intervals (
          capacity_g REAL NOT NULL,
          interval_g REAL NOT NULL CHECK (interval_g > 0),
          valid_from TEXT NOT NULL,
          valid_to TEXT,
          source TEXT NOT NULL,
          confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain')),
          PRIMARY KEY (capacity_g, valid_from)
        );
        INSERT INTO typical_scale_intervals (capacity_g, interval_g, valid_from, source, confidence)
        SELECT column1, column2, '2017-08-15',
               'Circular 09/2017/TT-BKHCN Table 1, examples column (quoted by haiduongdost.gov.vn; not in FACTS.md)', 'likely'
        FROM (VALUES (500, 2), (1000, 5), (2000, 10), (4000, 10), (5000, 20), (8000, 20), (10000, 50), (12000, 50),
                     (15000, 50), (20000, 50), (30000, 100), (60000, 200), (100000, 200));

        -- Fines a violation may draw, by category and, where the law grades them so, by the illegal gain
        -- (gain_above < gain <= gain_up_to, in đồng). NULL amounts: the graded amounts are not yet recorded.
        CREATE TABLE penalty_rules (
          id INTEGER PRIMARY KEY,
          code TEXT NOT NULL,
          violation_category TEXT NOT NULL REFERENCES violation_categories(code),
          legal_basis TEXT NOT NULL,
          gain_above_vnd INTEGER,
          gain_up_to_vnd INTEGER,
          fine_min_vnd INTEGER CHECK (fine_min_vnd IS NULL OR fine_min_vnd >= 0),
          fine_max_vnd INTEGER CHECK (fine_max_vnd IS NULL OR fine_max_vnd >= fine_min_vnd),
          additional_measure TEXT,
          valid_from TEXT NOT NULL,
          valid_to TEXT,
          source TEXT NOT NULL,
          confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain')),
          note TEXT,
          UNIQUE (code, valid_from),
          CHECK (valid_to IS NULL OR valid_to >= valid_from)
        );
        INSERT INTO penalty_rules (code, violation_category, legal_basis, gain_above_vnd, gain_up_to_vnd, fine_min_vnd, fine_max_vnd,
                                   additional_measure, valid_from, valid_to, source, confidence, note) VALUES
          ('d119-art14-gain-10m', 'quantity_short', 'Decree 119/2017/NĐ-CP Art. 14', 0, 10000000, 5000000, 10000000,
           'repay the illegal gain', '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'uncertain',
           'pre-2021 figures (likely); the current amounts are uncertain'),
          ('d119-art14-gain-50m', 'quantity_short', 'Decree 119/2017/NĐ-CP Art. 14', 10000000, 50000000, 10000000, 20000000,
           'repay the illegal gain', '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'uncertain',
           'pre-2021 figures (likely); the current amounts are uncertain'),
          ('d119-art14-gain-100m', 'quantity_short', 'Decree 119/2017/NĐ-CP Art. 14', 50000000, 100000000, 20000000, 40000000,
           'repay the illegal gain', '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'uncertain',
           'pre-2021 figures (likely); the current amounts are uncertain'),
          ('d119-art10-unverified', 'instrument_unverified', 'Decree 119/2017/NĐ-CP Art. 10', NULL, NULL, NULL, NULL,
           NULL, '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'likely',
           'fines graded by the value of the instruments; amounts not recorded in FACTS.md'),
          ('d119-art10-seal', 'instrument_seal_broken', 'Decree 119/2017/NĐ-CP Art. 10', NULL, NULL, NULL, NULL,
           NULL, '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'likely',
           'fines graded by the value of the instruments; amounts not recorded in FACTS.md'),
          ('d119-art10-tolerance', 'instrument_out_of_tolerance', 'Decree 119/2017/NĐ-CP Art. 10', NULL, NULL, NULL, NULL,
           'seal the instrument until re-verified', '1900-01-01', NULL, 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP', 'uncertain',
           'article assumed from Art. 10''s scope (instruments); amounts not recorded in FACTS.md');
        """
}
