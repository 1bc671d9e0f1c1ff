using System.Collections;
using System.Reflection;

namespace Pishkhan.Tests.Reliability;

/// <summary>
/// Counts the bad-input corpus of the whole suite: every row of every theory in a test class named *BadInput* (each
/// capability's table; a class that runs its table in one fact is counted by its static <c>Cases</c> method) and of
/// <see cref="UnicodeAndShapeCorpusTests"/>. Each row is an HTTP case that must be a 4xx
/// problem and write nothing (the classes assert it); this test keeps the corpus from shrinking below 300.
/// </summary>
public sealed class BadInputCorpusTests
{
    public const int Minimum = 300;

    public static IReadOnlyDictionary<string, int> CountByClass()
    {
        var counts = new SortedDictionary<string, int>();
        foreach (var type in typeof(BadInputCorpusTests).Assembly.GetTypes()
                     .Where(t => t.Name.Contains("BadInput", StringComparison.Ordinal) && t != typeof(BadInputCorpusTests) || t == typeof(UnicodeAndShapeCorpusTests)))
        {
            var rows = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<TheoryAttribute>() is not null)
                .Sum(m => m.GetCustomAttributes<InlineDataAttribute>().Count() + m.GetCustomAttributes<MemberDataAttribute>().Sum(d => Rows(type, d)));
            // A table run by one [Fact] (e.g. Requests: the cases need an id made at run time): count its static Cases(...) method.
            if (rows == 0 && type.GetMethod("Cases", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static) is { } cases
                && cases.GetParameters().All(p => p.ParameterType == typeof(string)))
                rows = ((IEnumerable)cases.Invoke(null, cases.GetParameters().Select(_ => (object)"placeholder").ToArray())!).Cast<object>().Count();
            if (rows > 0) counts[type.FullName!.Replace("Pishkhan.Tests.", "")] = rows;
        }
        return counts;
    }

    private static int Rows(Type testClass, MemberDataAttribute data)
    {
        var type = data.MemberType ?? testClass;
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        var value = type.GetMethod(data.MemberName, flags)?.Invoke(null, data.Parameters)
            ?? type.GetProperty(data.MemberName, flags)?.GetValue(null)
            ?? type.GetField(data.MemberName, flags)?.GetValue(null)
            ?? throw new InvalidOperationException($"{type.Name}.{data.MemberName} not found");
        return ((IEnumerable)value).Cast<object>().Count();
    }

    [Fact]
    public void TheSuiteHasAtLeastThreeHundredBadInputCases()
    {
        var counts = CountByClass();
        var total = counts.Values.Sum();
        ReliabilityFigures.Write("bad-input-corpus", new { total, byClass = counts, unicodeAndShape = UnicodeAndShapeCorpusTests.Count });
        Assert.True(total >= Minimum, $"{total} bad-input cases: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.Contains(counts, c => c.Key.EndsWith(nameof(UnicodeAndShapeCorpusTests), StringComparison.Ordinal));
    }
}
