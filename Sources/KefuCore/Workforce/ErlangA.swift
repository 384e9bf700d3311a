import Foundation

/// Erlang A (Palm's M/M/n+M queue): Erlang C plus callers who hang up after
/// an exponentially distributed patience. Real queues shed load through
/// abandonment, so Erlang C over-staffs when callers are impatient.
///
/// Method (the numerical equivalent of Mandelbaum & Zeltyn, "The Palm/Erlang-A
/// queue, with applications to call centers", 2007):
/// - The number in system N is a birth–death chain: births λ, deaths
///   min(k, n)·μ + max(k − n, 0)·θ. Its stationary distribution is built from
///   term ratios in log space and normalised with a running maximum, so
///   nothing overflows; the queue is truncated once the remaining tail,
///   bounded by a geometric series, is below e⁻⁴⁰ of the mass.
/// - An arrival that finds j callers queued (PASTA) is served when the j
///   ahead have left (rates nμ + iθ) and the next agent frees up, unless its
///   own patience runs out first. Its offered wait V then satisfies
///   e^(−θV) ~ Beta(nμ/θ, j + 1), which gives in closed form
///   P(served) = nμ / (nμ + (j+1)θ),
///   P(served, V ≤ t) = P(served) · (1 − I_{e^(−θt)}(nμ/θ + 1, j + 1)),
///   E[V | served] = Σ_{i=1}^{j+1} 1 / (nμ + iθ).
///   The incomplete beta with integer second argument is a negative-binomial
///   CDF, accumulated term by term alongside j. Averaging these over the
///   stationary queue length is what M–Z express with incomplete gammas.
/// - Patience beyond 10,000 handle times is treated as 10,000 handle times
///   (abandon rates below ~10⁻⁴, within 10⁻³ of Erlang C); it bounds the
///   length of the queue that has to be summed.
public enum ErlangA {
    public struct Metrics: Codable, Equatable, Sendable {
        /// Share of *offered* calls answered within t (abandoned calls count as misses).
        public var serviceLevel: Double
        /// Mean wait of answered calls, seconds (zero waits included).
        public var asa: Double
        /// Probability an arriving call finds all agents busy.
        public var probWait: Double
        /// Share of offered calls that abandon.
        public var abandonRate: Double
        /// Carried load / agents.
        public var occupancy: Double
        /// Share of *answered* calls answered within t (the "served callers" view).
        public var servedServiceLevel: Double
        /// Mean number of callers waiting in queue.
        public var averageQueueLength: Double

        public init(serviceLevel: Double, asa: Double, probWait: Double, abandonRate: Double, occupancy: Double,
                    servedServiceLevel: Double, averageQueueLength: Double) {
            self.serviceLevel = serviceLevel
            self.asa = asa
            self.probWait = probWait
            self.abandonRate = abandonRate
            self.occupancy = occupancy
            self.servedServiceLevel = servedServiceLevel
            self.averageQueueLength = averageQueueLength
        }
    }

    /// Steady-state metrics of M/M/n+M. No calls → perfect service; no agents
    /// → every caller abandons. Non-finite or non-positive AHT/patience → NaN.
    public static func metrics(servers: Int, callsPerSecond: Double, ahtSeconds: Double, patienceSeconds: Double,
                               answerWithinSeconds: Double) -> Metrics {
        let nan = Double.nan
        guard callsPerSecond.isFinite, ahtSeconds.isFinite, ahtSeconds > 0, patienceSeconds > 0,
              answerWithinSeconds >= 0, !patienceSeconds.isNaN else {
            return Metrics(serviceLevel: nan, asa: nan, probWait: nan, abandonRate: nan, occupancy: nan,
                           servedServiceLevel: nan, averageQueueLength: nan)
        }
        guard callsPerSecond > 0 else {
            return Metrics(serviceLevel: 1, asa: 0, probWait: 0, abandonRate: 0, occupancy: 0,
                           servedServiceLevel: 1, averageQueueLength: 0)
        }
        guard servers > 0 else {
            return Metrics(serviceLevel: 0, asa: 0, probWait: 1, abandonRate: 1, occupancy: 0,
                           servedServiceLevel: 0, averageQueueLength: .infinity)
        }
        let mu = 1 / ahtSeconds
        let theta = max(1 / patienceSeconds, mu * 1e-4)
        return ErlangAChain(servers: servers, lambda: callsPerSecond, mu: mu, theta: theta,
                            within: answerWithinSeconds).solve()
    }
}

/// Running sums of one M/M/n+M evaluation, kept relative to the largest log
/// weight seen so far (online log-sum-exp) so no term overflows.
private struct ErlangASums {
    var logScale = -Double.infinity
    var total = 0.0, noWait = 0.0, wait = 0.0, abandon = 0.0
    var servedInTime = 0.0, servedWait = 0.0, queue = 0.0, busy = 0.0

    /// Weight of a state with log weight `l`, rescaling the sums when `l` is a new maximum.
    mutating func weight(_ l: Double) -> Double {
        if l > logScale {
            let factor = logScale == -.infinity ? 0 : exp(logScale - l)
            total *= factor; noWait *= factor; wait *= factor; abandon *= factor
            servedInTime *= factor; servedWait *= factor; queue *= factor; busy *= factor
            logScale = l
        }
        return exp(l - logScale)
    }
}

/// One evaluation of the Erlang A chain (see `ErlangA` for the method).
private struct ErlangAChain {
    let servers: Int
    let lambda: Double, mu: Double, theta: Double, within: Double

    /// Tail cut: stop once the geometric bound of what is left is below e^-40 of the largest term.
    static let cut = -40.0
    static let maxQueueTerms = 50_000_000

    func solve() -> ErlangA.Metrics {
        let n = Double(servers)
        let nMu = n * mu
        let x = nMu / theta
        let logLambda = log(lambda)
        var sums = ErlangASums()

        // Where the queue-length weights peak; far beyond n when agents are
        // too few and patience long, then only a window around it matters.
        let queueMode = max(0, (lambda - nMu) / theta)
        let spread = (lambda / theta).squareRoot()
        let windowStart = queueMode - 20 * spread - 10
        let firstJ = windowStart > 0 ? Int(windowStart) : 0

        var logWeight = 0.0
        if firstJ == 0 {
            // States 0…n−1 (no wait): π_k ∝ A^k / k!, built by ratios.
            let logA = log(lambda / mu)
            for k in 0..<servers {
                if k > 0 { logWeight += logA - log(Double(k)) }
                let w = sums.weight(logWeight)
                sums.total += w
                sums.noWait += w
                sums.busy += w * Double(k)
            }
            logWeight += logA - log(n)
        }

        // Negative-binomial CDF G(j) = I_{u0}(x + 1, j + 1), u0 = e^(−θt).
        let nbShape = x + 1
        let p = -expm1(-theta * within)          // 1 − u0; 0 when t = 0
        let logP = log(p)
        var logTerm = -(nMu + theta) * within      // log of the k = 0 term
        var cdf = 0.0
        var nextK = 0
        var saturated = false
        func advanceCDF(through j: Int) {
            while !saturated && nextK <= j {
                if nextK > 0 { logTerm += log((nbShape + Double(nextK) - 1) / Double(nextK)) + logP }
                let term = exp(logTerm)
                cdf += term
                let ratio = (nbShape + Double(nextK)) / Double(nextK + 1) * p
                if ratio < 1 && term * ratio / (1 - ratio) < 1e-18 * max(cdf, 1e-300) && cdf > 0.5 {
                    saturated = true
                    cdf = min(cdf, 1)
                }
                nextK += 1
            }
        }
        // E[V | served, j] = Σ_{i=1}^{j+1} 1/(nμ + iθ), grown with j; a late
        // window starts from the closed form (ψ(x + j + 1) − ψ(x + 1)) / θ.
        var harmonic = firstJ == 0 ? 0 : (Self.digamma(x + Double(firstJ) + 1) - Self.digamma(x + 1)) / theta

        var j = firstJ
        while j - firstJ < Self.maxQueueTerms {
            let jd = Double(j)
            if j > firstJ { logWeight += logLambda - log(nMu + jd * theta) }
            advanceCDF(through: j)
            harmonic += 1 / (nMu + (jd + 1) * theta)
            let served = nMu / (nMu + (jd + 1) * theta)
            let w = sums.weight(logWeight)
            sums.total += w
            sums.wait += w
            sums.abandon += w * (1 - served)
            sums.servedInTime += w * served * max(0, 1 - cdf)
            sums.servedWait += w * served * harmonic
            sums.queue += w * jd
            sums.busy += w * n
            let ratio = lambda / (nMu + (jd + 1) * theta)
            if jd >= queueMode && ratio < 1 && logWeight - sums.logScale + log(ratio / (1 - ratio)) < Self.cut { break }
            j += 1
        }

        let total = sums.total
        let abandonRate = min(1, max(0, sums.abandon / total))
        let servedShare = 1 - abandonRate
        let serviceLevel = min(1, max(0, (sums.noWait + sums.servedInTime) / total))
        return ErlangA.Metrics(
            serviceLevel: serviceLevel,
            asa: servedShare > 0 ? sums.servedWait / total / servedShare : 0,
            probWait: min(1, sums.wait / total),
            abandonRate: abandonRate,
            occupancy: min(1, sums.busy / total / n),
            servedServiceLevel: servedShare > 0 ? min(1, serviceLevel / servedShare) : 0,
            averageQueueLength: sums.queue / total)
    }

    /// ψ(z) for z > 0: recurrence up to z ≥ 6, then the asymptotic series.
    static func digamma(_ z: Double) -> Double {
        var value = 0.0
        var z = z
        while z < 6 { value -= 1 / z; z += 1 }
        let inv2 = 1 / (z * z)
        return value + log(z) - 0.5 / z
            - inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))))
    }
}
