import Registry

/// The pre-2025 wards as one planar partition of the 2025 wards: cells are rings of ids into one vertex table, so
/// neighbours share identical vertices and every period tiles the district exactly. Built from a power diagram
/// per 2025 ward, then made to agree with the facts' neighbour graph where the diagrams meet (`alignBorders`) and
/// inside each ward (`removeUnwantedEdges`).
struct WardPartition {
    /// The district's vertices in plane metres; OSM vertices also keep their exact longitude/latitude.
    var points: [PlanePoint] = []
    var osmLonLat: [Int: (lon: Double, lat: Double)] = [:]
    /// Each 2025 ward's OSM ring (open, counter-clockwise), started on the district's outer border so that no
    /// border shared with another ward wraps around the ring's start.
    var wardRings: [[Int]] = []
    /// Each pre-2025 ward's ring (open, counter-clockwise) and the 2025 ward it lies in.
    var cells: [[Int]] = []
    var cellWard: [Int] = []

    static let tolerance = 1e-4  // metres: points closer than this are one vertex

    init(plane: LocalPlane, rings: [[(lon: Double, lat: Double)]]) {
        var byCoordinate: [String: Int] = [:]
        for ring in rings {
            var ids: [Int] = []
            for c in ring.dropLast() {
                let key = "\(c.lon) \(c.lat)"
                if let id = byCoordinate[key] { ids.append(id); continue }
                byCoordinate[key] = points.count
                osmLonLat[points.count] = c
                ids.append(points.count)
                points.append(plane.point(lon: c.lon, lat: c.lat))
            }
            wardRings.append(ids)
        }
        // Start each ring on a vertex of the outer border whose predecessor is also on it.
        var count: [Int: Int] = [:]
        for r in wardRings { for v in r { count[v, default: 0] += 1 } }
        for w in wardRings.indices {
            let r = wardRings[w]
            if let k = r.indices.first(where: { count[r[$0]] == 1 && count[r[($0 + r.count - 1) % r.count]] == 1 }) {
                wardRings[w] = Array(r[k...] + r[..<k])
            }
        }
    }

    func ring(_ ids: [Int]) -> [PlanePoint] { ids.map { points[$0] } }
    func wardRing(_ w: Int) -> [PlanePoint] { ring(wardRings[w]) }

    /// Adds a cell of ward `w` from its clipped plane ring, reusing vertices within `tolerance`.
    mutating func addCell(_ ring: [PlanePoint], ward w: Int) {
        var ids: [Int] = []
        for p in ring {
            let id = points.indices.first { (points[$0] - p).length < WardPartition.tolerance } ?? {
                points.append(p)
                return points.count - 1
            }()
            if ids.last != id { ids.append(id) }
        }
        if ids.count > 1, ids.first == ids.last { ids.removeLast() }
        cells.append(ids)
        cellWard.append(w)
    }

    /// Gives a piece of ward `w` to `preferred` when they share an edge, else to the cell of that ward it shares
    /// the longest edge with.
    mutating func absorb(_ piece: [PlanePoint], ward w: Int, preferring preferred: Int) throws {
        addCell(piece, ward: w)
        let orphan = cells.count - 1
        insertSharedVertices(only: Set(cells.indices.filter { cellWard[$0] == w }))
        let lengths = sharedLengths().filter { $0.key.b == orphan }.sorted { ($0.value, -$0.key.a) > ($1.value, -$1.key.a) }
        guard let best = lengths.contains(where: { $0.key.a == preferred }) ? preferred : lengths.first?.key.a else { throw RegistryError.database("demo geometry: a stray piece of ward \(w) touches no cell") }
        let union = try WardPartition.outline(of: [cells[best], cells[orphan]])
        guard union.count == 1 else { throw RegistryError.database("demo geometry: a stray piece of ward \(w) does not join its neighbour") }
        cells[best] = union[0]
        cells.removeLast()
        cellWard.removeLast()
    }

    // MARK: positions along the 2025 wards' borders

    /// Cumulative arc length of ward `w`'s ring at each of its vertices, and the perimeter.
    func arcLengths(_ w: Int) -> (at: [Double], perimeter: Double) {
        var at: [Double] = [], s = 0.0
        let r = wardRing(w)
        for i in r.indices {
            at.append(s)
            s += (r[(i + 1) % r.count] - r[i]).length
        }
        return (at, s)
    }

    /// Where vertex `v` lies along ward `w`'s ring, nil when it is not on it.
    func arc(_ w: Int, _ v: Int) -> Double? {
        let r = wardRing(w), (at, _) = arcLengths(w), p = points[v]
        for i in r.indices where PlaneRing.segmentDistance(p, r[i], r[(i + 1) % r.count]) < 1e-6 {
            return at[i] + (p - r[i]).length
        }
        return nil
    }

    /// Whether the edge a→b runs forward along ward `w`'s ring (so it is border, not a chord).
    func isBorderEdge(_ w: Int, _ a: Int, _ b: Int) -> Bool {
        guard let sa = arc(w, a), let sb = arc(w, b) else { return false }
        let per = arcLengths(w).perimeter
        let forward = (sb - sa + per).truncatingRemainder(dividingBy: per)
        return forward < per / 2 && abs(forward - (points[b] - points[a]).length) < 1e-6
    }

    /// A border shared by two 2025 wards: its vertices in the first ward's ring order.
    struct SharedBorder {
        var first: Int
        var second: Int
        var vertices: [Int]
        var cumulative: [Double]
        var length: Double { cumulative.last! }
    }

    func sharedBorders() -> [SharedBorder] {
        var out: [SharedBorder] = []
        for a in wardRings.indices {
            for b in wardRings.indices where b > a {
                let other = Set(wardRings[b]), r = wardRings[a]
                var run: [Int] = []
                func flush() {
                    if run.count >= 2 {
                        var cum = [0.0]
                        for k in 1..<run.count { cum.append(cum[k - 1] + (points[run[k]] - points[run[k - 1]]).length) }
                        out.append(SharedBorder(first: a, second: b, vertices: run, cumulative: cum))
                    }
                    run = []
                }
                for v in r {
                    if other.contains(v) { run.append(v) } else { flush() }
                }
                flush()
            }
        }
        return out
    }

    func position(on border: SharedBorder, _ v: Int) -> Double? {
        let p = points[v]
        for k in 0..<(border.vertices.count - 1) {
            let a = points[border.vertices[k]], b = points[border.vertices[k + 1]]
            if PlaneRing.segmentDistance(p, a, b) < 1e-6 { return border.cumulative[k] + (p - a).length }
        }
        return nil
    }

    func point(on border: SharedBorder, at t: Double) -> PlanePoint {
        var k = 0
        while k < border.vertices.count - 2 && border.cumulative[k + 1] < t { k += 1 }
        let a = points[border.vertices[k]], b = points[border.vertices[k + 1]]
        let f = (t - border.cumulative[k]) / (border.cumulative[k + 1] - border.cumulative[k])
        return a + (b - a) * max(0, min(1, f))
    }

    /// The cells of ward `w` along a shared border, in order of position: cell, from, to, and the vertices there.
    func sequence(_ w: Int, along border: SharedBorder) -> [(cell: Int, from: Double, to: Double, start: Int, end: Int)] {
        var pieces: [(cell: Int, from: Double, to: Double, start: Int, end: Int)] = []
        for c in cells.indices where cellWard[c] == w {
            let r = cells[c]
            for i in r.indices {
                let a = r[i], b = r[(i + 1) % r.count]
                guard isBorderEdge(w, a, b), let ta = position(on: border, a), let tb = position(on: border, b) else { continue }
                // Both ends on the border is not enough: the edge's middle must be too.
                let mid = PlanePoint(x: (points[a].x + points[b].x) / 2, y: (points[a].y + points[b].y) / 2)
                guard border.vertices.indices.dropLast().contains(where: {
                    PlaneRing.segmentDistance(mid, points[border.vertices[$0]], points[border.vertices[$0 + 1]]) < 1e-6
                }) else { continue }
                pieces.append(ta < tb ? (c, ta, tb, a, b) : (c, tb, ta, b, a))
            }
        }
        pieces.sort { $0.from < $1.from }
        var merged: [(cell: Int, from: Double, to: Double, start: Int, end: Int)] = []
        for p in pieces {
            if let last = merged.last, last.cell == p.cell, abs(last.to - p.from) < 1e-6 {
                merged[merged.count - 1].to = p.to
                merged[merged.count - 1].end = p.end
            } else {
                merged.append(p)
            }
        }
        return merged
    }

    // MARK: editing

    /// Moves junction `j` (where two cells of ward `w` meet on its border) along the border to `target`, handing
    /// the OSM vertices it passes from one cell to the other.
    mutating func slide(_ j: Int, ward w: Int, to target: PlanePoint) {
        guard let s0 = arc(w, j) else { return }
        let saved = points[j]
        points[j] = target
        guard let s1 = arc(w, j) else { points[j] = saved; return }
        points[j] = saved
        let (at, _) = arcLengths(w)
        let (lo, hi) = (min(s0, s1), max(s0, s1))
        let passed = wardRings[w].indices.filter { at[$0] > lo + 1e-6 && at[$0] < hi - 1e-6 }.map { wardRings[w][$0] }
        for c in cells.indices where cellWard[c] == w {
            guard let k = cells[c].firstIndex(of: j) else { continue }
            let r = cells[c], prev = r[(k + r.count - 1) % r.count], next = r[(k + 1) % r.count]
            let before = isBorderEdge(w, prev, j), after = isBorderEdge(w, j, next)
            guard before != after else { continue }
            let gains = (s1 > s0) == before
            if gains {
                cells[c].insert(contentsOf: passed, at: before ? k : k + 1)
            } else {
                cells[c].removeAll { passed.contains($0) }
            }
        }
        points[j] = target
        if let osm = wardRings[w].first(where: { $0 != j && (points[$0] - target).length < WardPartition.tolerance }) {
            merge(keep: osm, drop: j)
        }
    }

    /// Replaces vertex `drop` by `keep` everywhere and removes the repeats and spikes that leaves.
    mutating func merge(keep: Int, drop: Int) {
        guard keep != drop else { return }
        for c in cells.indices {
            var r = cells[c].map { $0 == drop ? keep : $0 }
            var changed = true
            while changed && r.count >= 3 {
                changed = false
                for i in r.indices {
                    let n = (i + 1) % r.count, nn = (i + 2) % r.count
                    if r[i] == r[n] {
                        r.remove(at: n)
                    } else if r[i] == r[nn] {
                        for k in [n, nn].sorted(by: >) { r.remove(at: k) }
                    } else {
                        continue
                    }
                    changed = true
                    break
                }
            }
            cells[c] = r
        }
    }

    /// Inserts into each cell's edges the vertices of other cells lying on them, so shared stretches carry the
    /// same vertices on both sides (needed where two 2025 wards' cells meet along their common border).
    mutating func insertSharedVertices(only subset: Set<Int>? = nil) {
        let chosen = subset ?? Set(cells.indices)
        let used = Set(chosen.flatMap { cells[$0] }).sorted()
        for c in cells.indices where chosen.contains(c) {
            var out: [Int] = []
            let r = cells[c]
            for i in r.indices {
                let a = r[i], b = r[(i + 1) % r.count]
                out.append(a)
                let pa = points[a], ab = points[b] - pa
                let inner = used.filter { v in
                    v != a && v != b && PlaneRing.segmentDistance(points[v], pa, points[b]) < 1e-6
                        && (points[v] - pa).length > 1e-6 && (points[v] - points[b]).length > 1e-6
                }
                out += inner.sorted { (points[$0] - pa).dot(ab) < (points[$1] - pa).dot(ab) }
            }
            cells[c] = out
        }
    }

    /// Shared edge length between every pair of cells (after `insertSharedVertices`).
    func sharedLengths() -> [Pair: Double] {
        var edges: [Pair: Int] = [:]
        for c in cells.indices {
            let r = cells[c]
            for i in r.indices { edges[Pair(r[i], r[(i + 1) % r.count])] = c }
        }
        var out: [Pair: Double] = [:]
        for (e, c) in edges {
            if let d = edges[Pair(e.b, e.a)], c < d {
                out[Pair(c, d), default: 0] += (points[e.b] - points[e.a]).length
            }
        }
        return out
    }

    struct Pair: Hashable {
        var a: Int
        var b: Int
        init(_ a: Int, _ b: Int) { (self.a, self.b) = (a, b) }
    }

    /// The outline of some cells (or ward rings): their edges minus the ones they share, chained into rings.
    static func outline(of rings: [[Int]]) throws -> [[Int]] {
        var directed: [Pair] = []
        for r in rings { for i in r.indices { directed.append(Pair(r[i], r[(i + 1) % r.count])) } }
        let all = Set(directed)
        let outer = directed.filter { !all.contains(Pair($0.b, $0.a)) }
        var next: [Int: Int] = [:]
        for e in outer {
            guard next[e.a] == nil else { throw RegistryError.database("demo geometry: an outline passes twice through one vertex") }
            next[e.a] = e.b
        }
        var done = Set<Int>(), out: [[Int]] = []
        for e in outer where !done.contains(e.a) {
            var ring: [Int] = [], v = e.a
            while !done.contains(v) {
                done.insert(v)
                ring.append(v)
                v = next[v]!
            }
            out.append(ring)
        }
        return out
    }
}
