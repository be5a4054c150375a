import Registry

extension ServiceState {
    var collections: [Collection] { get throws { try catalogue.all(reader) } }

    func collection(_ id: String, version: String? = nil) throws -> Collection { try catalogue.named(id, reader, version: version) }

    /// One page of `items`' collection from the registry's query layer or the reference layers' (see FeatureLayers.page).
    @discardableResult
    func page(_ items: ItemsRequest, counting: Bool = true, timeLimit: Double? = nil, begin: (FeatureLayer.Query, Int?) throws -> Void,
              _ body: (RawRow) throws -> Void) throws -> PageCursor? {
        switch items.collection.source {
        case .registry(let layer):
            try layers.page(layer, filter: items.filter, selection: items.selection, precision: 7, counting: counting,
                            timeLimit: timeLimit, boxCells: true,
                            memo: layerQueries, version: items.version, begin: begin, body)
        case .reference(let r):
            try ReferenceLayers(store: reader.store).page(r, selection: items.selection, precision: 7, counting: counting,
                                                          timeLimit: timeLimit, begin: begin, body)
        }
    }
}
