import Registry

/// The service's OpenAPI 3.0 document, self-contained (every schema under components, no remote `$ref`), so
/// schemathesis and other tools can check responses against it offline.
enum OpenAPIDocument {
    /// What `q` reads as letters, in a JSON Schema class: ASCII, and the Latin letters Vietnamese is written in
    /// (Latin-1's letters, Latin Extended-A with Đ đ Ă ă Ĩ ĩ Ũ ũ, Ơ ơ Ư ư, and Ạ to ỹ), every one a letter to the search.
    static let searchLetters = "A-Za-z0-9À-ÖØ-öø-ÿĀ-ſƠơƯưẠ-ỹ"
    /// The combining accents of text typed decomposed (NFD, as macOS may send it): after a letter, part of it.
    static let searchMarks = "\u{300}-\u{36F}"
    /// What else a name or an address is typed with (Hộ Bà Hai (chợ), 12/3 Lạc Long Quân, O'Brien & Co., Lô A–B, a
    /// no-break space): the search reads it as a space. The hyphen last, as a JSON Schema class wants it.
    static let searchPunctuation = " \u{A0},./'‘’\"“”()&+#:;_!?%@–—-"

    static func make(serverURL: String, collections: [Collection]) -> [String: Any] {
        let ids = collections.map(\.id)
        func ref(_ kind: String, _ name: String) -> [String: Any] { ["$ref": "#/components/\(kind)/\(name)"] }
        func ok(_ schema: String, _ type: String = "application/json", description: String) -> [String: Any] {
            var content: [String: Any] = [type: ["schema": ref("schemas", schema)]]
            content["text/html"] = ["schema": ["type": "string"]]
            return ["200": ["description": description, "content": content],
                    "400": ref("responses", "BadRequest"), "404": ref("responses", "NotFound")]
        }
        func op(_ id: String, _ summary: String, _ params: [[String: Any]], _ responses: [String: Any]) -> [String: Any] {
            ["get": ["operationId": id, "summary": summary, "parameters": params, "responses": responses]]
        }
        let f = ref("parameters", "f")
        let collectionId = ref("parameters", "collectionId")
        let itemParams = ["limit", "offset", "cursor", "bbox", "bbox-crs", "datetime", "sortby", "properties", "q", "filter",
                          "filter-lang", "filter-crs", "crs"].map { ref("parameters", $0) } + [f]
        var paths: [String: Any] = [
            "/": op("getLandingPage", "Landing page", [f], ok("LandingPage", description: "Links to the API definition, conformance and collections")),
            "/conformance": op("getConformance", "Conformance classes", [f], ok("Conformance", description: "The conformance classes met")),
            "/api": op("getAPI", "This API definition", [f], ["200": ["description": "The OpenAPI document",
                "content": ["application/vnd.oai.openapi+json;version=3.0": ["schema": ["type": "object"]], "text/html": ["schema": ["type": "string"]]]],
                "400": ref("responses", "BadRequest")]),
            "/collections": op("getCollections", "The collections", [f], ok("Collections", description: "The feature collections")),
            "/collections/{collectionId}": op("describeCollection", "One collection", [collectionId, f], ok("Collection", description: "The collection")),
            "/collections/{collectionId}/queryables": op("getQueryables", "What a filter may name", [collectionId, f],
                                                         ok("Queryables", "application/schema+json", description: "JSON Schema of the queryables")),
            "/collections/{collectionId}/items": op("getFeatures", "Features of a collection", [collectionId] + itemParams,
                                                    ok("FeatureCollection", "application/geo+json", description: "A page of features")),
            "/collections/{collectionId}/items/{featureId}": op("getFeature", "One feature",
                [collectionId, ref("parameters", "featureId"), ref("parameters", "crs"), ref("parameters", "datetime"), ref("parameters", "properties"), f],
                ok("Feature", "application/geo+json", description: "The feature")),
        ]
        for c in collections {
            paths["/collections/\(c.id)/items"] = op("getFeatures_\(c.id)", "Features of \(c.title)",
                                                    itemParams + CollectionParameters.propertyParameters(c),
                                                    ok("FeatureCollection", "application/geo+json", description: "A page of \(c.id)"))
        }
        func query(_ name: String, _ schema: [String: Any], _ description: String, explode: Bool? = nil) -> [String: Any] {
            var p: [String: Any] = ["name": name, "in": "query", "required": false, "schema": schema, "description": description]
            if let explode { p["style"] = "form"; p["explode"] = explode }
            return p
        }
        let crsURIs = ServerCRS.all.map(\.uri)
        let parameters: [String: Any] = [
            "f": query("f", ["type": "string", "enum": ["json", "html"]], "The encoding of the response"),
            "collectionId": ["name": "collectionId", "in": "path", "required": true, "schema": ["type": "string", "enum": ids]],
            "featureId": ["name": "featureId", "in": "path", "required": true, "schema": ["type": "integer", "minimum": 1, "maximum": Int64.max]],
            "limit": query("limit", ["type": "integer", "minimum": 1, "default": ItemsRequest.defaultLimit],
                           "Features per page; above \(ItemsRequest.maximumLimit) the maximum is used"),
            "offset": query("offset", ["type": "integer", "minimum": 0, "maximum": Int64.max, "default": 0], "Features to skip"),
            "cursor": query("cursor", ["type": "string", "pattern": "^[0-9]+\\.[A-Za-z0-9_-]+$"], "Where a next link continues (opaque)"),
            "bbox": query("bbox", ["type": "array", "minItems": 4, "maxItems": 6, "items": ["type": "number"]], "Lower left and upper right corners in bbox-crs", explode: false),
            "bbox-crs": query("bbox-crs", ["type": "string", "format": "uri", "enum": crsURIs], "The CRS of bbox (default CRS84)"),
            "crs": query("crs", ["type": "string", "format": "uri", "enum": crsURIs], "The CRS of the response's coordinates (default CRS84)"),
            "datetime": query("datetime", ["type": "string"],
                              "The day the registry is read on (a date; an RFC 3339 timestamp is read as its UTC day; wards: selects the period); "
                                + "an interval a/b (.. for an open end) where a collection has dates: inspections, reference layers with date columns"),
            "sortby": query("sortby", ["type": "string"], "Property names separated by commas, the first sorting first; - in front for descending, + or nothing for ascending (sortby=+kind,-name)"),
            "properties": query("properties", ["type": "array", "items": ["type": "string"]], "Properties to include", explode: false),
            "q": query("q", ["type": "string", "pattern": "^[\(searchLetters)\(searchMarks)\(searchPunctuation)]*[\(searchLetters)][\(searchLetters)\(searchMarks)\(searchPunctuation)]*$"],
                       "Words of names, owners, addresses or codes (diacritics and case ignored; Vietnamese or ASCII letters, at least one letter or digit)"),
            "filter": query("filter", ["type": "string"], "A CQL2 filter on the queryables"),
            "filter-lang": query("filter-lang", ["type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"], "The filter's encoding"),
            "filter-crs": query("filter-crs", ["type": "string", "format": "uri", "enum": crsURIs], "The CRS of the filter's geometries and boxes (default CRS84)"),
        ]
        let link: [String: Any] = ["type": "object", "required": ["href"], "properties": [
            "href": ["type": "string"], "rel": ["type": "string"], "type": ["type": "string"], "title": ["type": "string"]]]
        let links: [String: Any] = ["type": "array", "items": ref("schemas", "Link")]
        let geometry: [String: Any] = ["nullable": true, "type": "object", "required": ["type"], "properties": [
            "type": ["type": "string", "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]],
            "coordinates": ["type": "array"]]]
        let feature: [String: Any] = ["type": "object", "required": ["type", "geometry", "properties"], "properties": [
            "type": ["type": "string", "enum": ["Feature"]], "id": ["type": "integer"], "geometry": ref("schemas", "Geometry"),
            "properties": ["type": "object", "nullable": true], "links": links]]
        let collection: [String: Any] = ["type": "object", "required": ["id", "links"], "properties": [
            "id": ["type": "string"], "title": ["type": "string"], "description": ["type": "string"], "itemType": ["type": "string"],
            "crs": ["type": "array", "items": ["type": "string"]], "storageCrs": ["type": "string"], "links": links,
            "extent": ["type": "object"]]]
        let schemas: [String: Any] = [
            "Link": link, "Geometry": geometry, "Feature": feature, "Collection": collection,
            "LandingPage": ["type": "object", "required": ["links"], "properties": ["title": ["type": "string"], "description": ["type": "string"], "links": links]],
            "Conformance": ["type": "object", "required": ["conformsTo"], "properties": ["conformsTo": ["type": "array", "items": ["type": "string"]], "links": links]],
            "Collections": ["type": "object", "required": ["links", "collections"], "properties": [
                "links": links, "collections": ["type": "array", "items": ref("schemas", "Collection")], "crs": ["type": "array", "items": ["type": "string"]]]],
            "Queryables": ["type": "object", "required": ["type", "properties"], "properties": ["type": ["type": "string"], "properties": ["type": "object"]]],
            "FeatureCollection": ["type": "object", "required": ["type", "features"], "properties": [
                "type": ["type": "string", "enum": ["FeatureCollection"]], "name": ["type": "string"],
                "features": ["type": "array", "items": ref("schemas", "Feature")], "links": links,
                "numberMatched": ["type": "integer", "minimum": 0], "numberReturned": ["type": "integer", "minimum": 0],
                "timeStamp": ["type": "string", "format": "date-time"]]],
            "Exception": ["type": "object", "required": ["code"], "properties": ["code": ["type": "string"], "description": ["type": "string"]]],
        ]
        let exception: [String: Any] = ["application/json": ["schema": ref("schemas", "Exception")]]
        return [
            "openapi": "3.0.3",
            "info": ["title": "EconGIS registry", "version": "1.0.0",
                     "description": "OGC API – Features (Parts 1, 2 and 3) over the EconGIS registry of economic units."],
            "servers": [["url": serverURL]],
            "paths": paths,
            "components": ["parameters": parameters, "schemas": schemas, "responses": [
                "BadRequest": ["description": "A parameter has a value the server cannot use", "content": exception],
                "NotFound": ["description": "No such collection or feature", "content": exception]]],
        ]
    }
}
