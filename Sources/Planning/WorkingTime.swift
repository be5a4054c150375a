import Foundation

/// The day with its breaks cut out: working seconds since the first period began. Travel pauses in a break and
/// a visit may not span one, so on this axis travel is plain addition and every stop gets a few intervals in
/// which its visit may start. The search works on this axis; the returned schedule is re-derived on the clock.
struct WorkingTimeAxis {
    /// Stands in for "no limit", so that segment arithmetic never meets inf − inf.
    static let unbounded = 1e12

    let periods: [TimeWindow]
    /// Working seconds before each period starts.
    let offsets: [Double]
    /// Working seconds in the whole day (or `unbounded`).
    let total: Double

    init(periods: [TimeWindow]) {
        self.periods = periods.sorted { $0.start < $1.start }
        var offsets: [Double] = []
        var sum = 0.0
        for p in self.periods {
            offsets.append(sum)
            sum += max(0, min(p.end, Self.unbounded) - max(p.start, -Self.unbounded))
        }
        self.offsets = offsets
        total = min(sum, Self.unbounded)
    }

    /// The working time at clock time `t`: inside a break, the end of the period before it.
    func working(_ t: Double) -> Double {
        for (p, period) in periods.enumerated().reversed() where t >= period.start {
            return offsets[p] + min(t, period.end) - period.start
        }
        return 0
    }

    /// Where a visit of `service` seconds may start, on this axis: for every working period and every opening window,
    /// the starts that let it finish inside both; sorted and merged.
    func visitStarts(service: Double, windows: [TimeWindow]) -> [ClosedRange<Double>] {
        let open = windows.isEmpty ? [TimeWindow(start: -.infinity, end: .infinity)] : windows
        var starts: [ClosedRange<Double>] = []
        for (p, period) in periods.enumerated() {
            for w in open {
                let lo = max(period.start, w.start), hi = min(period.end, w.end) - service
                guard lo <= hi + 1e-9 else { continue }
                starts.append(min(offsets[p] + lo - period.start, Self.unbounded)...min(offsets[p] + max(lo, hi) - period.start, Self.unbounded))
            }
        }
        starts.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Double>] = []
        for s in starts {
            if let last = merged.last, s.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, s.upperBound)
            } else {
                merged.append(s)
            }
        }
        return merged
    }
}
