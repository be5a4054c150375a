import Registry

/// Makes the partition's neighbour graph the facts' graph. Power diagrams of two 2025 wards meet their common
/// border at unrelated points, and real wards often meet four at a street crossing, which a power diagram never
/// makes; so junctions are slid along the borders and unwanted short edges collapsed to a point.
extension WardPartition {
    /// For each border between two 2025 wards: drops from each side the cells that have no neighbour on the other
    /// side in the facts, orders the junctions as the facts' neighbour pairs require (a junction of one side inside
    /// a cell of the other, or both at one point where four wards meet), keeps every overlap at least
    /// `minimumOverlap` long, and moves each junction as little as that allows.
    mutating func alignBorders(adjacent: (Int, Int) -> Bool, minimumOverlap: Double) throws {
        for border in sharedBorders() {
            let sides = [border.first, border.second].map { w in
                reduced(sequence(w, along: border), other: w == border.first ? border.second : border.first, adjacent: adjacent)
            }
            let (a, b) = (sides[0], sides[1])
            guard let a0 = a.kept.first, let b0 = b.kept.first, adjacent(a0, b0) else {
                throw RegistryError.database("demo geometry: border \(border.first)/\(border.second) starts with cells \(a.kept) / \(b.kept), not neighbours in the facts")
            }
            // Walk the facts' neighbour pairs along the border: each step crosses a junction of one side or both.
            var (p, q) = (0, 0)
            var events: [(a: [Int], b: [Int], at: Double)] = []
            while p < a.kept.count - 1 || q < b.kept.count - 1 {
                let stepA = p + 1 < a.kept.count && adjacent(a.kept[p + 1], b.kept[q])
                let stepB = q + 1 < b.kept.count && adjacent(a.kept[p], b.kept[q + 1])
                let both = p + 1 < a.kept.count && q + 1 < b.kept.count && adjacent(a.kept[p + 1], b.kept[q + 1])
                if stepA && !stepB {
                    events.append((a.junctions[p], [], a.positions[p]))
                    p += 1
                } else if stepB && !stepA {
                    events.append(([], b.junctions[q], b.positions[q]))
                    q += 1
                } else if both && !stepA && !stepB {
                    events.append((a.junctions[p], b.junctions[q], (a.positions[p] + b.positions[q]) / 2))
                    (p, q) = (p + 1, q + 1)
                } else {
                    throw RegistryError.database("demo geometry: along border \(border.first)/\(border.second) the cells \(a.kept) / \(b.kept) cannot meet as the facts say (at \(p), \(q))")
                }
            }
            let length = border.length
            let gap = min(minimumOverlap, length / Double(events.count + 1))
            let positions = WardPartition.spaced(events.map(\.at), gap: gap, within: length)
            for (e, t) in zip(events, positions) { place(e.a + e.b, wards: (border.first, border.second), at: point(on: border, at: t)) }
            place(a.head + b.head, wards: (border.first, border.second), at: point(on: border, at: 0))
            place(a.tail + b.tail, wards: (border.first, border.second), at: point(on: border, at: length))
        }
    }

    /// Slides junctions (of either ward) to one point and makes them one vertex.
    private mutating func place(_ junctions: [Int], wards: (Int, Int), at target: PlanePoint) {
        guard !junctions.isEmpty else { return }
        var ids: [Int] = []
        for j in junctions {
            let w = cells.indices.first { cellWard[$0] == wards.0 && cells[$0].contains(j) } != nil ? wards.0 : wards.1
            slide(j, ward: w, to: target)
            // slide merges j into an OSM vertex lying at the target
            let merged = cells.contains { $0.contains(j) } ? nil : points.indices.first { osmLonLat[$0] != nil && (points[$0] - target).length < WardPartition.tolerance }
            ids.append(merged ?? j)
        }
        let keep = ids.min()!
        for id in Set(ids) where id != keep { merge(keep: keep, drop: id) }
    }

    /// One side of a border: the cells that stay on it, the junction vertices between consecutive ones with their
    /// mean position, and the junctions of dropped cells at the start and end.
    private func reduced(_ seq: [(cell: Int, from: Double, to: Double, start: Int, end: Int)], other: Int, adjacent: (Int, Int) -> Bool)
        -> (kept: [Int], junctions: [[Int]], positions: [Double], head: [Int], tail: [Int])
    {
        var kept: [Int] = [], junctions: [[Int]] = [], positions: [Double] = [], head: [Int] = []
        var pending: [(vertex: Int, at: Double)] = []  // junctions since the last kept cell's end
        for e in seq {
            let stays = cells.indices.contains { cellWard[$0] == other && adjacent(e.cell, $0) }
            if !stays {
                if kept.isEmpty { head.append(e.end) } else { pending.append((e.end, e.to)) }
                continue
            }
            if !kept.isEmpty {
                if !pending.contains(where: { $0.vertex == e.start }) { pending.append((e.start, e.from)) }
                junctions.append(pending.map(\.vertex))
                positions.append(pending.map(\.at).reduce(0, +) / Double(pending.count))
            }
            kept.append(e.cell)
            pending = [(e.end, e.to)]
        }
        // A dropped cell at the end: the junctions before it go to the border's end (its last vertex is that end).
        let tail = pending.count > 1 ? pending.dropLast().map(\.vertex) : []
        return (kept, junctions, positions, head, tail)
    }

    /// Positions as close as possible to `wanted`, in the same order, each at least `gap` after the previous and
    /// `gap` inside [0, length]: pool-adjacent-violators on the positions minus their running gaps.
    static func spaced(_ wanted: [Double], gap: Double, within length: Double) -> [Double] {
        let shifted = wanted.enumerated().map { $0.element - Double($0.offset) * gap }
        var blocks: [(sum: Double, count: Int)] = []
        for v in shifted {
            blocks.append((v, 1))
            while blocks.count > 1, blocks[blocks.count - 2].sum / Double(blocks[blocks.count - 2].count) > blocks.last!.sum / Double(blocks.last!.count) {
                let last = blocks.removeLast()
                blocks[blocks.count - 1].sum += last.sum
                blocks[blocks.count - 1].count += last.count
            }
        }
        let upper = length - gap - Double(max(0, wanted.count - 1)) * gap
        var out: [Double] = []
        for b in blocks {
            let v = min(max(b.sum / Double(b.count), gap), upper)
            out += Array(repeating: v, count: b.count)
        }
        return out.enumerated().map { $0.element + Double($0.offset) * gap }
    }

    /// Collapses to a point every shared edge the facts do not list (a power diagram's short edge where the real
    /// wards meet four at a crossing). An edge touching a border keeps its border end, so the borders stay put.
    mutating func removeUnwantedEdges(adjacent: (Int, Int) -> Bool) throws {
        while let (pair, _) = sharedLengths().sorted(by: { ($0.key.a, $0.key.b) < ($1.key.a, $1.key.b) }).first(where: { !adjacent($0.key.a, $0.key.b) }) {
            let ra = cells[pair.a], rb = cells[pair.b]
            var shared: [(Int, Int)] = []
            for i in ra.indices {
                let u = ra[i], v = ra[(i + 1) % ra.count]
                if rb.indices.contains(where: { rb[$0] == v && rb[(($0 + 1) % rb.count)] == u }) { shared.append((u, v)) }
            }
            guard shared.count == 1, let (u, v) = shared.first else {
                throw RegistryError.database("demo geometry: cells \(pair.a) and \(pair.b) share \(shared.count) edges that the facts do not list")
            }
            if isOnAnyBorder(u) {
                merge(keep: u, drop: v)
            } else if isOnAnyBorder(v) {
                merge(keep: v, drop: u)
            } else {
                points[u] = (points[u] + points[v]) * 0.5
                merge(keep: u, drop: v)
            }
        }
    }

    func isOnAnyBorder(_ v: Int) -> Bool { wardRings.indices.contains { arc($0, v) != nil } }
}
