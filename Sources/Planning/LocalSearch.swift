/// Moves between near neighbours only (candidate lists), driven by a queue of nodes whose surroundings changed
/// (don't-look bits: a node is looked at again only when one of its edges changes). Inside a route a move is priced
/// from its distance change and then, when times matter, replayed; between routes it is priced in constant time by
/// joining prefix and suffix segments. The objective is distance plus `penalty` × time warp, so routes may pass
/// through infeasible schedules; stops are only ever added where their route stays feasible.
final class LocalSearch {
    let m: SearchModel
    var penalty: Double
    private var queue: [Int] = []
    private var head = 0
    private var queued: [Bool]
    static let eps = 1e-7

    init(model: SearchModel, penalty: Double) {
        m = model
        self.penalty = penalty
        queued = Array(repeating: false, count: model.n)
    }

    func enqueue(_ v: Int) {
        guard v < m.n, !queued[v] else { return }
        queued[v] = true
        queue.append(v)
    }

    /// Improves `s` until no queued node has an improving move, or `shouldStop` says so (checked now and then).
    /// With `swapStar`, a SWAP* sweep between routes follows whenever the node moves run out (see SwapStar.swift).
    func run(_ s: inout SearchState, from nodes: [Int], swapStar withSwapStar: Bool = false, shouldStop: () -> Bool) {
        for v in nodes { enqueue(v) }
        var pops = 0, stopped = false
        while !stopped {
            while head < queue.count {
                pops += 1
                if pops & 63 == 0 && shouldStop() { stopped = true; break }
                let u = queue[head]
                head += 1
                queued[u] = false
                if s.routeOf[u] < 0 { _ = insertOrReplace(u, &s) } else { _ = improve(u, &s) }
                if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            }
            // No node move is left: exchanges between routes that the near-neighbour moves cannot see.
            if stopped || !withSwapStar { break }
            let changed = swapStar(&s, shouldStop: shouldStop)
            if changed.isEmpty { break }
            for v in changed { enqueue(v) }
        }
        for v in queue[head...] { queued[v] = false }
        queue.removeAll(keepingCapacity: true)
        head = 0
    }

    // MARK: pricing

    @inline(__always) func cost(_ s: SearchState, _ r: Int) -> Double { s.distance[r] + penalty * s.warp[r] }

    /// A lower bound of a new route's cost from its segment (exact unless some stop has gaps between its windows).
    @inline(__always) func hullCost(_ seg: RouteSegment) -> Double {
        seg.stops == 0 ? 0 : seg.distance + (m.constrained ? penalty * seg.timeWarp : 0)
    }

    @inline(__always) func exactCost(_ seg: RouteSegment, _ build: () -> [Int]) -> Double {
        guard seg.stops > 0, m.constrained, seg.multiWindow > 0 else { return hullCost(seg) }
        return seg.distance + penalty * m.exactWarp(build())
    }

    /// Applies a change of two routes when it lowers their cost.
    func tryTwo(_ s: inout SearchState, _ r1: Int, _ seg1: RouteSegment, _ build1: () -> [Int],
                _ r2: Int, _ seg2: RouteSegment, _ build2: () -> [Int]) -> Bool {
        guard Int(seg1.stops) <= m.maxStops, Int(seg2.stops) <= m.maxStops else { return false }
        let old = cost(s, r1) + cost(s, r2)
        guard hullCost(seg1) + hullCost(seg2) < old - Self.eps else { return false }
        guard exactCost(seg1, build1) + exactCost(seg2, build2) < old - Self.eps else { return false }
        let a = build1(), b = build2()
        s.routes[r1] = a
        s.routes[r2] = b
        s.refresh(r1, m)
        s.refresh(r2, m)
        return true
    }

    /// Applies a new order of one route when it lowers its cost; `delta` is its change of distance.
    func tryOne(_ s: inout SearchState, _ r: Int, delta: Double, _ build: () -> [Int]) -> Bool {
        if !m.constrained || s.warp[r] == 0 {
            guard delta < -Self.eps else { return false }
        } else {
            guard delta < penalty * s.warp[r] - Self.eps else { return false }
        }
        let route = build()
        if m.constrained || !m.symmetric {
            let d = m.symmetric ? s.distance[r] + delta : m.length(route)
            let old = cost(s, r)
            guard d < old - Self.eps else { return false }
            // Warp beyond this cannot pay: the replay may stop there.
            let limit = (old - Self.eps - d) / max(penalty, 1e-12)
            guard !m.constrained || m.exactWarp(route, giveUpAbove: limit) < limit else { return false }
        }
        s.routes[r] = route
        s.refresh(r, m)
        return true
    }

    // MARK: moves

    /// Tries the moves of a routed node towards its neighbours; applies the first that improves.
    func improve(_ u: Int, _ s: inout SearchState) -> Bool {
        for v in m.neighbours[u] where s.routeOf[v] >= 0 && s.routeOf[u] >= 0 {
            let before = (around(u, s), around(v, s))
            if moveSegment(u, v, &s) || swap(u, v, &s) || twoOpt(u, v, &s) {
                enqueue(before.0)
                enqueue(before.1)
                enqueue(around(u, s))
                enqueue(around(v, s))
                return true
            }
        }
        if let empty = s.routes.firstIndex(where: \.isEmpty), s.routeOf[u] >= 0 {
            let before = around(u, s)
            if moveSegment(u, to: empty, at: 0, &s) {
                enqueue(before)
                enqueue(u)
                return true
            }
        }
        return false
    }

    typealias Around = (Int, Int, Int, Int)

    /// x and the nodes next to it (the ends of the edges a move changes), without allocating.
    @inline(__always) private func around(_ x: Int, _ s: SearchState) -> Around {
        guard s.routeOf[x] >= 0 else { return (x, x, x, x) }
        let r = s.routeOf[x], i = s.position[x]
        return (x, s.node(r, i - 1, m), s.node(r, i + 1, m), s.node(r, i + 2, m))
    }

    @inline(__always) private func enqueue(_ a: Around) {
        enqueue(a.0)
        enqueue(a.1)
        enqueue(a.2)
        enqueue(a.3)
    }

    /// Segment data of route r's stops i..<i+k, forwards or backwards.
    private func segment(_ s: SearchState, _ r: Int, _ i: Int, _ k: Int, reversed: Bool) -> RouteSegment {
        let route = s.routes[r]
        var first = reversed ? route[i + k - 1] : route[i]
        var seg = m.nodeSegment[first]
        for step in 1..<k {
            let v = reversed ? route[i + k - 1 - step] : route[i + step]
            seg = m.join(seg, first, m.nodeSegment[v], v)
            first = v
        }
        return seg
    }

    /// Or-opt and relocate: the 1-3 stops from u moved next to v (after or before it), either way round.
    private func moveSegment(_ u: Int, _ v: Int, _ s: inout SearchState) -> Bool {
        let ru = s.routeOf[u], rv = s.routeOf[v], i = s.position[u], j = s.position[v]
        for k in 1...3 where i + k <= s.routes[ru].count {
            if ru == rv && j >= i && j < i + k { break }
            for side in 0..<2 {
                let p = side == 0 ? j + 1 : j
                if ru == rv && (p >= i && p <= i + k) { continue }
                if moveSegment(u, k, to: rv, at: p, &s) { return true }
            }
        }
        return false
    }

    /// Moves the k stops from u to place p of route rv (p counted in rv as it is now), forwards or reversed.
    private func moveSegment(_ u: Int, _ k: Int = 1, to rv: Int, at p: Int, _ s: inout SearchState) -> Bool {
        let ru = s.routeOf[u], i = s.position[u]
        let r1 = s.routes[ru]
        let first = r1[i], last = r1[i + k - 1]
        let pred = s.node(ru, i - 1, m), succ = s.node(ru, i + k, m)
        let a = s.node(rv, p - 1, m), b = s.node(rv, p, m)
        for orientation in 0..<(k == 1 ? 1 : 2) {
            let reversed = orientation == 1
            let (x, y) = reversed ? (last, first) : (first, last)
            if ru != rv {
                let rest = m.join(s.prefix[ru][i], pred, s.suffix[ru][i + k], succ)
                let moved = segment(s, ru, i, k, reversed: reversed)
                let into = m.join(m.join(s.prefix[rv][p], a, moved, x), y, s.suffix[rv][p], b)
                let r2 = s.routes[rv]
                let ok = tryTwo(&s, ru, rest, { var r = r1; r.removeSubrange(i..<(i + k)); return r },
                                rv, into, {
                                    var r = r2
                                    r.insert(contentsOf: reversed ? Array(r1[i..<(i + k)].reversed()) : Array(r1[i..<(i + k)]), at: p)
                                    return r
                                })
                if ok { return true }
            } else {
                // With asymmetric travel a reversed stretch changes inside too: -1 lets tryOne replay the route.
                let delta = reversed && !m.symmetric ? -1
                    : m.D(a, x) + m.D(y, b) - m.D(a, b) - (m.D(pred, first) + m.D(last, succ) - m.D(pred, succ))
                let ok = tryOne(&s, ru, delta: delta) {
                    var r = r1
                    let moved = Array(r[i..<(i + k)])
                    r.removeSubrange(i..<(i + k))
                    r.insert(contentsOf: reversed ? moved.reversed() : moved, at: p > i ? p - k : p)
                    return r
                }
                if ok { return true }
            }
        }
        return false
    }

    /// Exchanges u and v.
    private func swap(_ u: Int, _ v: Int, _ s: inout SearchState) -> Bool {
        let ru = s.routeOf[u], rv = s.routeOf[v], i = s.position[u], j = s.position[v]
        let pu = s.node(ru, i - 1, m), su = s.node(ru, i + 1, m), pv = s.node(rv, j - 1, m), sv = s.node(rv, j + 1, m)
        if ru != rv {
            let seg1 = m.join(m.join(s.prefix[ru][i], pu, m.nodeSegment[v], v), v, s.suffix[ru][i + 1], su)
            let seg2 = m.join(m.join(s.prefix[rv][j], pv, m.nodeSegment[u], u), u, s.suffix[rv][j + 1], sv)
            let r1 = s.routes[ru], r2 = s.routes[rv]
            return tryTwo(&s, ru, seg1, { var r = r1; r[i] = v; return r }, rv, seg2, { var r = r2; r[j] = u; return r })
        }
        let delta: Double
        if j == i + 1 {
            delta = m.D(pu, v) + m.D(v, u) + m.D(u, sv) - m.D(pu, u) - m.D(u, v) - m.D(v, sv)
        } else if i == j + 1 {
            delta = m.D(pv, u) + m.D(u, v) + m.D(v, su) - m.D(pv, v) - m.D(v, u) - m.D(u, su)
        } else {
            delta = m.D(pu, v) + m.D(v, su) + m.D(pv, u) + m.D(u, sv) - m.D(pu, u) - m.D(u, su) - m.D(pv, v) - m.D(v, sv)
        }
        let route = s.routes[ru]
        return tryOne(&s, ru, delta: delta) { var r = route; r.swapAt(i, j); return r }
    }

    /// 2-opt inside a route (reverse the stretch so that u and v become neighbours) and 2-opt* between routes
    /// (u's route continues with v and the rest of v's route; v's first part continues with the rest of u's).
    private func twoOpt(_ u: Int, _ v: Int, _ s: inout SearchState) -> Bool {
        let ru = s.routeOf[u], rv = s.routeOf[v], i = s.position[u], j = s.position[v]
        if ru != rv {
            let su = s.node(ru, i + 1, m), pv = s.node(rv, j - 1, m)
            let seg1 = m.join(s.prefix[ru][i + 1], u, s.suffix[rv][j], v)
            let seg2 = m.join(s.prefix[rv][j], pv, s.suffix[ru][i + 1], su)
            let r1 = s.routes[ru], r2 = s.routes[rv]
            return tryTwo(&s, ru, seg1, { Array(r1[...i]) + Array(r2[j...]) }, rv, seg2, { Array(r2[..<j]) + Array(r1[(i + 1)...]) })
        }
        let (lo, hi) = i < j ? (i, j) : (j, i)
        guard hi > lo + 1 else { return false }
        let route = s.routes[ru]
        let a = route[lo], b = route[lo + 1], c = route[hi], d = s.node(ru, hi + 1, m)
        // Reversing b…c: edges (a, b) and (c, d) become (a, c) and (b, d).
        let delta = m.symmetric ? m.D(a, c) + m.D(b, d) - m.D(a, b) - m.D(c, d) : -1
        return tryOne(&s, ru, delta: delta) { var r = route; r[(lo + 1)...hi].reverse(); return r }
    }

    // MARK: stops left out

    /// Puts an unvisited stop where it costs least and its route stays feasible, or in place of a visited stop of
    /// lower priority (or of equal priority, when that shortens the route).
    func insertOrReplace(_ u: Int, _ s: inout SearchState) -> Bool {
        if let (r, p) = m.cheapestInsertion(u, s, allPositions: false, blink: nil) {
            s.routes[r].insert(u, at: p)
            s.remove(unassigned: u, m)
            s.refresh(r, m)
            enqueue(u)
            enqueue(s.node(r, p - 1, m))
            enqueue(s.node(r, p + 1, m))
            return true
        }
        for v in m.neighbours[u] where s.routeOf[v] >= 0 && m.prize[v] <= m.prize[u] + 1e-12 {
            let r = s.routeOf[v], j = s.position[v]
            let seg = m.join(m.join(s.prefix[r][j], s.node(r, j - 1, m), m.nodeSegment[u], u), u, s.suffix[r][j + 1], s.node(r, j + 1, m))
            let better = m.prize[u] > m.prize[v] + 1e-9 || hullCost(seg) < cost(s, r) - Self.eps
            guard better else { continue }
            var route = s.routes[r]
            route[j] = u
            guard m.feasible(seg, route) else { continue }
            s.routes[r] = route
            s.remove(unassigned: u, m)
            s.leaveOut(v, m)
            s.refresh(r, m)
            for x in [u, v, s.node(r, j - 1, m), s.node(r, j + 1, m)] { enqueue(x) }
            return true
        }
        return false
    }
}
