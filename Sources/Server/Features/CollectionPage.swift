import Registry

extension ServiceState {
    /// The collections, read again on a reader thread when the database changed: that read may wait for a reader
    /// connection, and waiting on Swift's cooperative pool would block the tasks that drain the pages holding them.
    func collections(version: String? = nil) async throws -> [Collection] {
        let now = version ?? reader.version()
        if let known = catalogue.current(now) { return known }
        let catalogue = self.catalogue, reader = self.reader
        return try await threads.value { try catalogue.all(reader, version: now) }
    }

    func collection(_ id: String, version: String? = nil) async throws -> Collection {
        try CollectionCatalogue.named(id, in: try await collections(version: version))
    }

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
