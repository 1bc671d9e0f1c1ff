using System.Text.Json;
using Pishkhan.RankingPolicy;
using Pishkhan.Rankings;

namespace Pishkhan.Tests.Rankings;

using RankingPolicy = Pishkhan.RankingPolicy.RankingPolicy;

/// <summary>Builders and a seeded generator of plausible period stats for the ranking tests.</summary>
internal static class RankingFixtures
{
    public static OfficePeriodStats Office(string code, string county = "C1", string province = "Lorestan",
        long completed = 0, long withinSla = 0, long breached = 0, long ratings = 0, long ratingSum = 0,
        long upheld = 0, long inspections = 0, double inspectionSum = 0, long staff = 0, long trained = 0,
        long checks = 0, long open = 0) =>
        new(code, "دفتر " + code, province, county, completed, completed, 0, withinSla, breached,
            ratings, ratingSum, upheld, upheld, inspections, inspectionSum, staff, trained, checks, open);

    public static string Json(Ranking ranking) => JsonSerializer.Serialize(ranking, JsonSerializerOptions.Web);

    /// <summary>Fast policy for property tests: the minimum resamples, every indicator weighted.</summary>
    public static RankingPolicy PropertyPolicy(Normalisation normalisation) =>
        RankingPolicy.Default("Lorestan") with { MinimumVolume = 10, Resamples = 20, Normalisation = normalisation };

    /// <summary>
    /// 1–3 provinces of 2–30 offices in 1–4 counties; volumes from 0 (insufficient) to 600; some provinces
    /// without any inspection or after-hours data, so the drop-and-renormalise path is exercised.
    /// </summary>
    public static List<OfficePeriodStats> Generate(Random rng, int minOffices = 2, int maxOffices = 30)
    {
        var all = new List<OfficePeriodStats>();
        var provinces = rng.Next(1, 4);
        for (var p = 0; p < provinces; p++)
        {
            var province = $"P{p}";
            var counties = rng.Next(1, 5);
            var inspected = rng.NextDouble() > 0.2;
            var afterHours = rng.NextDouble() > 0.2;
            var offices = rng.Next(minOffices, maxOffices + 1);
            for (var i = 0; i < offices; i++)
            {
                long completed = rng.Next(0, 8) == 0 ? rng.Next(0, 10) : rng.Next(10, 600);
                long slaKnown = completed + rng.Next(0, 5);
                long within = (long)(slaKnown * (0.5 + 0.5 * rng.NextDouble()));
                long ratings = rng.Next(0, (int)(completed / 2) + 1);
                long ratingSum = ratings + (long)(ratings * 4 * rng.NextDouble());
                long inspections = inspected ? rng.Next(0, 3) : 0;
                long staff = rng.Next(0, 8);
                long checks = afterHours ? rng.Next(0, 4) : 0;
                all.Add(new OfficePeriodStats($"{province}-{i:000}", $"دفتر {i}", province, $"{province}-C{rng.Next(counties)}",
                    completed + rng.Next(0, 20), completed, rng.Next(0, 5), within, slaKnown - within,
                    ratings, ratingSum, rng.Next(0, 5), rng.Next(0, 4), inspections, inspections * (40 + 60 * rng.NextDouble()),
                    staff, rng.Next(0, (int)staff + 1), checks, rng.Next(0, (int)checks + 1)));
            }
        }
        return all;
    }

    /// <summary>
    /// One province of 2–5 offices whose volumes differ by orders of magnitude (none, a handful, thousands).
    /// The hard case for monotonicity: an office holding most observations drags the shrinkage target, and
    /// with it every office without data, when it improves.
    /// </summary>
    public static List<OfficePeriodStats> GenerateSkewed(Random rng)
    {
        long Volume() => rng.Next(3) switch { 0 => 0, 1 => rng.Next(1, 5), _ => rng.Next(50, 2000) };
        var all = new List<OfficePeriodStats>();
        var offices = rng.Next(2, 6);
        for (var i = 0; i < offices; i++)
        {
            long completed = 10 + Volume();
            long slaKnown = Volume();
            long within = (long)(slaKnown * rng.NextDouble());
            long ratings = Volume();
            long inspections = rng.Next(0, 3);
            long staff = rng.Next(0, 4) == 0 ? Volume() : rng.Next(0, 8);
            long checks = rng.Next(0, 4) == 0 ? Volume() : rng.Next(0, 4);
            all.Add(new OfficePeriodStats($"S-{i}", $"دفتر {i}", "P0", $"C{i % 2}",
                completed, completed, 0, within, slaKnown - within,
                ratings, ratings + (long)(ratings * 4 * rng.NextDouble()), 0, (long)(completed * 0.01 * rng.NextDouble()),
                inspections, inspections * 100 * rng.NextDouble(),
                staff, (long)(staff * rng.NextDouble()), checks, (long)(checks * rng.NextDouble())));
        }
        return all;
    }

    public static List<T> Shuffled<T>(IEnumerable<T> items, Random rng)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
