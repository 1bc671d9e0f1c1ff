using System.Reflection;
using Pishkhan.Bench;

// Each benchmark is a class implementing IBenchmark, found by reflection so that capabilities add
// theirs without touching a shared list. Usage: ./bench.sh NAME [options]
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .ToDictionary(b => b.Name);
if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"usage: ./bench.sh <{string.Join('|', benchmarks.Keys.Order())}> [--n N] [--concurrency C]");
    return 2;
}
return await benchmark.RunAsync(BenchOptions.Parse(args[1..]));
