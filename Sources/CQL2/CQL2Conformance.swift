/// The CQL2 conformance classes this target implements end to end (parse, translate, run on SpatiaLite), for the
/// server's `/conformance`. Array functions and custom functions are parsed but not translated, so they are absent.
public enum CQL2Conformance {
    public static let classes: [String] = [
        "cql2-text", "cql2-json", "basic-cql2", "advanced-comparison-operators", "case-insensitive-comparison",
        "accent-insensitive-comparison", "basic-spatial-functions", "basic-spatial-functions-plus", "spatial-functions",
        "temporal-functions", "property-property", "arithmetic",
    ].map { "http://www.opengis.net/spec/cql2/1.0/conf/\($0)" }
}
