namespace Pishkhan.Rankings;

// Our own generator instead of System.Random: the bootstrap must give the same intervals on every
// runtime version forever, and SplitMix64 is a few lines whose output is fixed by its definition.
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;
    private double _spareNormal = double.NaN;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Marsaglia's polar method (keeps the second value of each pair).</summary>
    public double NextNormal()
    {
        if (!double.IsNaN(_spareNormal))
        {
            var spare = _spareNormal;
            _spareNormal = double.NaN;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        return u * f;
    }

    /// <summary>FNV-1a over the UTF-16 code units: a stable per-province stream (string.GetHashCode is randomised).</summary>
    public static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return h;
    }
}

/// <summary>
/// Binomial(n, p) draws in O(1) expected time, set up once per office and indicator: the normal
/// approximation (continuous) once the variance reaches 9, otherwise exact inversion from the smaller tail,
/// where n·min(p, 1−p) &lt; 18 so the walk is short.
/// </summary>
internal readonly struct BinomialDraw
{
    private readonly long _n;
    private readonly bool _flip;
    private readonly bool _normal;
    private readonly double _mean;
    private readonly double _sd;
    private readonly double _pmf0;
    private readonly double _odds;

    public BinomialDraw(long n, double p)
    {
        _n = Math.Max(0, n);
        p = Math.Clamp(p, 0, 1);
        _flip = p > 0.5;
        var q = _flip ? 1 - p : p;
        var variance = _n * q * (1 - q);
        _normal = variance >= 9;
        _mean = _n * q;
        _sd = Math.Sqrt(variance);
        _pmf0 = q == 0 ? 1 : Math.Exp(_n * Math.Log(1 - q));
        _odds = q == 0 ? 0 : q / (1 - q);
    }

    public double Next(ref SplitMix64 rng)
    {
        double k;
        if (_odds == 0) k = 0;
        else if (_normal) k = Math.Clamp(_mean + _sd * rng.NextNormal(), 0, _n);
        else
        {
            var u = rng.NextDouble();
            var pmf = _pmf0;
            var cdf = pmf;
            long i = 0;
            while (u > cdf && i < _n)
            {
                pmf *= (_n - i) / (double)(i + 1) * _odds;
                i++;
                cdf += pmf;
            }
            k = i;
        }
        return _flip ? _n - k : k;
    }
}

internal static class NormalDistribution
{
    /// <summary>Φ(z) via the Numerical Recipes erfc (fractional error below 1.2e-7), deterministic and monotone in practice.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
