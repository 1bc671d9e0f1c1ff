using Pishkhan.Local;
using System.Text.Json.Nodes;
using Pishkhan.Bindings;
using Pishkhan.Storage;

namespace Pishkhan.Tests.Infra;

// PishkhanSettings.Keys is the one list of settings. The code's configuration reads, local.settings.sample.json
// and the Bicep app settings must all name the same keys, apart from the platform keys listed here with why.
public sealed class SettingsConsistencyTests
{
    /// <summary>Read by the code, set only locally: Azure uses the identity-based parts instead (shared keys are off).</summary>
    private static readonly string[] LocalOnly = ["AzureWebJobsStorage", "Pishkhan__Outbox__PickupDirectory", "Pishkhan__Sms__PickupDirectory"]; // the pickup folders are the no-key defaults

    /// <summary>Read by the code, set only in Azure: locally the connection string above replaces them.</summary>
    private static readonly string[] AzureOnly = ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId"];

    /// <summary>Read by the Functions runtime, not by the code.</summary>
    private static readonly string[] RuntimeLocal = ["FUNCTIONS_WORKER_RUNTIME"]; // Core Tools; Flex Consumption rejects it as an app setting
    private static readonly string[] RuntimeAzure = ["AzureWebJobsStorage__credential"]; // "managedidentity" for the host's storage connection

    /// <summary>Secrets: in Azure only ever a Key Vault reference.</summary>
    private static readonly string[] Secrets = ["Pishkhan__BootstrapAdminKey", "Pishkhan__SendGrid__ApiKey", "Pishkhan__UnsubscribeSigningKey", "Pishkhan__ReinspectionDrawSecret", "Pishkhan__Kavenegar__ApiKey"];

    [Fact]
    public void KeysNameExactlyTheSettingsTheCoreReads()
    {
        var scan = ScanCore();

        Assert.True(scan.Unresolved.Count == 0, string.Join("\n", scan.Unresolved));
        var unlisted = scan.Keys.Except(PishkhanSettings.Keys).Order().ToList();
        var unread = PishkhanSettings.Keys.Except(scan.Keys).Order().ToList();
        Assert.True(unlisted.Count == 0, $"Read by the code but missing from PishkhanSettings.Keys: {string.Join(", ", unlisted)}");
        Assert.True(unread.Count == 0, $"In PishkhanSettings.Keys but read nowhere in functions/Pishkhan: {string.Join(", ", unread)}");
        Assert.Equal(PishkhanSettings.Keys.Length, PishkhanSettings.Keys.Distinct().Count());
    }

    [Fact]
    public void LocalSettingsSampleNamesTheSameKeys()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot, "local.settings.sample.json")))!;
        var values = sample["Values"]!.AsObject().Select(v => v.Key).ToHashSet();

        var expected = PishkhanSettings.Keys.Except(AzureOnly).Concat(RuntimeLocal).ToHashSet();
        AssertSameKeys(expected, values, "local.settings.sample.json Values");
        Assert.Equal("dotnet-isolated", sample["Values"]!["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.All(Secrets, s => Assert.DoesNotContain("@Microsoft.KeyVault", sample["Values"]![s]!.GetValue<string>()));
    }

    [Fact]
    public async Task BicepAppSettingsNameTheSameKeys()
    {
        var settings = await BicepAppSettingsAsync();

        var expected = PishkhanSettings.Keys.Except(LocalOnly).Concat(RuntimeAzure).ToHashSet();
        AssertSameKeys(expected, settings.Select(s => s.Key).ToHashSet(), "Bicep app settings (infra/modules/functionapp.bicep)");
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheServiceStartPeriodDefaultsToTheSameMonthInCodeSampleAndBicep()
    {
        var expected = PishkhanSettings.DefaultServiceStartPeriod.ToString();
        Assert.Equal(expected, PishkhanSettings.From(new ConfigurationBuilder().Build()).ServiceStartPeriod.ToString());
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot, "local.settings.sample.json")))!;
        Assert.Equal(expected, sample["Values"]!["Pishkhan__ServiceStartPeriod"]!.GetValue<string>());
        var main = await Bicep.MainTemplateAsync();
        Assert.Equal(expected, main["parameters"]!["serviceStartPeriod"]!["defaultValue"]!.GetValue<string>());
        var app = Bicep.Module(main, "functionapp");
        Assert.Equal(expected, app["parameters"]!["serviceStartPeriod"]!["defaultValue"]!.GetValue<string>());
        Assert.Contains("serviceStartPeriod", (await BicepAppSettingsAsync())["Pishkhan__ServiceStartPeriod"]!.ToString());
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Bicep.RepositoryRoot, "infra", "main.parameters.json")))!;
        Assert.Equal(expected, parameters["parameters"]!["serviceStartPeriod"]!["value"]!.GetValue<string>());
        Assert.Throws<InvalidOperationException>(() => PishkhanSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pishkhan:ServiceStartPeriod"] = "1404-13" }).Build()));
    }

    [Fact]
    public async Task SecretsAreKeyVaultReferencesInAzureAndNothingElseIs()
    {
        var settings = await BicepAppSettingsAsync();

        foreach (var (key, value) in settings)
        {
            var isReference = value?.ToString().Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal) == true;
            Assert.True(isReference == Secrets.Contains(key), isReference ? $"{key} is a Key Vault reference but not listed as a secret" : $"{key} must be a Key Vault reference");
        }
    }

    [Fact]
    public async Task BicepCreatesEveryTableAndQueueTheCodeUses()
    {
        var main = await Bicep.MainTemplateAsync();
        var variables = main["variables"]!;

        Assert.Equal(Tables.All.Order(), variables["tables"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Equal(QueueNames.All.Order(), variables["queues"]!.AsArray().Select(q => q!.GetValue<string>()).Order());
        Assert.All(LocalHost.Catalog.Queues, b => Assert.Contains(b.Queue, QueueNames.All));
    }

    [Fact]
    public void TheScannerFindsEachKindOfRead()
    {
        // The consistency test is only as good as the scanner: every form of read must be seen.
        const string settings = """
            var section = config.GetSection("Pishkhan");
            var a = section["Alpha"];
            var b = section.GetValue("Beta", 4L);
            var c = configuration.GetValue<int>("Root:Gamma");
            var d = config["Delta"];
            var e = Environment.GetEnvironmentVariable("EPSILON");
            services.AddOptions<ScannerProbe>().BindConfiguration("Pishkhan:Probe");
            // config["Commented"] is not a read
            var f = config[name];
            var g = ProbePolicy.From(section.GetSection("Policy"));
            """;
        const string policy = """
            public sealed record ProbePolicy(int Limit)
            {
                public static ProbePolicy From(IConfigurationSection section) => new(section.GetValue(nameof(Limit), 3)) { Mode = section["Mode"] };
            }
            """;

        var scan = ConfigurationReads.Find([("settings.cs", settings), ("policy.cs", policy)], [typeof(ScannerProbe)]);

        Assert.Equal(["Delta", "EPSILON", "Pishkhan__Alpha", "Pishkhan__Beta", "Pishkhan__Policy__Limit", "Pishkhan__Policy__Mode",
            "Pishkhan__Probe__Limit", "Pishkhan__Probe__Nested__Url", "Root__Gamma"], scan.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("settings.cs: config[name] (name the key with a string literal or nameof)", Assert.Single(scan.Unresolved));
    }

    public sealed class ScannerProbe
    {
        public int Limit { get; set; }
        public ProbeNested Nested { get; set; } = new();
    }

    public sealed class ProbeNested
    {
        public Uri? Url { get; set; }
    }

    private static ConfigurationReads.Scan ScanCore()
    {
        var core = Path.Combine(Bicep.RepositoryRoot, "functions", "Pishkhan");
        var sources = Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path.GetRelativePath(Bicep.RepositoryRoot, f), File.ReadAllText(f)));
        return ConfigurationReads.Find(sources, typeof(PishkhanSettings).Assembly.GetTypes());
    }

    private static async Task<JsonObject> BicepAppSettingsAsync()
    {
        var app = Bicep.Module(await Bicep.MainTemplateAsync(), "functionapp");
        var config = Bicep.Resources(app, "Microsoft.Web/sites/config")
            .Single(r => r["name"]!.GetValue<string>().Contains("'appsettings'", StringComparison.Ordinal));
        return Bicep.Resolve(app, config["properties"])!.AsObject();
    }

    private static void AssertSameKeys(IReadOnlySet<string> expected, IReadOnlySet<string> actual, string where)
    {
        var missing = expected.Except(actual).Order().ToList();
        var extra = actual.Except(expected).Order().ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{where}: missing [{string.Join(", ", missing)}], not in PishkhanSettings.Keys [{string.Join(", ", extra)}]");
    }
}
