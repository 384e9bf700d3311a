import Foundation

/// SplitMix64: a tiny, fast, well-mixed generator. Same seed, same sequence on
/// every platform, which is all a replayable simulation needs (not for secrets).
public struct SimulationRandom: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1): never exactly 0, so logarithms are safe.
    public mutating func unit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    public mutating func exponential(mean: Double) -> Double {
        -mean * Foundation.log(unit())
    }

    /// Standard normal (Box–Muller, one value per call so the stream stays simple).
    public mutating func normal() -> Double {
        let u1 = unit(), u2 = unit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Lognormal with the given arithmetic mean and log-space standard deviation.
    public mutating func lognormal(mean: Double, sigma: Double) -> Double {
        let mu = Foundation.log(mean) - sigma * sigma / 2
        return Foundation.exp(mu + sigma * normal())
    }

    /// Poisson by Knuth's method, in chunks of mean ≤ 30 so large means neither
    /// underflow nor lose precision (a sum of Poissons is Poisson).
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        var remaining = mean
        var count = 0
        while remaining > 0 {
            let chunk = min(remaining, 30)
            remaining -= chunk
            let limit = Foundation.exp(-chunk)
            var product = unit()
            while product > limit {
                count += 1
                product *= unit()
            }
        }
        return count
    }
}
