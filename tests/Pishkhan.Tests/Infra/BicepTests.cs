using System.Text.Json.Nodes;

namespace Pishkhan.Tests.Infra;

// CI checks the infrastructure with the real Bicep compiler: it must compile and lint with no diagnostic at
// all (infra/bicepconfig.json raises every linter rule to a warning), and the compiled template must keep
// the security properties the deployment relies on.
public sealed class BicepTests
{
    // Built-in role definition ids, from the Azure RBAC built-in roles reference.
    private static readonly (string Variable, string Guid)[] AppRoles =
    [
        ("storageBlobDataOwner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
        ("storageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"),
        ("storageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"),
        ("keyVaultSecretsUser", "4633458b-17de-408a-b874-0445c86b69e6"),
        ("monitoringMetricsPublisher", "3913510d-42f4-4e42-8a64-420c390055eb"),
    ];

    [Fact]
    public async Task MainTemplateCompilesWithoutWarnings()
    {
        var result = await Bicep.RunAsync("build", "infra/main.bicep", "--stdout");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.Diagnostics.Count == 0, "bicep build:\n" + string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public async Task EveryBicepFileLintsWithoutWarnings()
    {
        var files = Directory.GetFiles(Path.Combine(Bicep.RepositoryRoot, "infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.True(files.Length >= 7, "main.bicep and its modules");

        var result = await Bicep.RunAsync("lint", "--pattern", "infra/**/*.bicep");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.Diagnostics.Count == 0, "bicep lint:\n" + string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public async Task StorageRefusesSharedKeysAndServesTheReportsAsAStaticWebsite()
    {
        var storage = Bicep.Module(await Bicep.MainTemplateAsync(), "storage");

        var account = Bicep.Resources(storage, "Microsoft.Storage/storageAccounts").Single()["properties"]!;
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.GetValue<string>());
        var blobs = Bicep.Resources(storage, "Microsoft.Storage/storageAccounts/blobServices").Single()["properties"]!;
        Assert.True(blobs["staticWebsite"]!["enabled"]!.GetValue<bool>());
        var queues = Bicep.Resources(storage, "Microsoft.Storage/storageAccounts/queueServices/queues").Select(q => q["name"]!.ToJsonString()).ToList();
        Assert.Contains(queues, q => q.Contains("-poison", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheFunctionAppRunsDotnet10IsolatedOnFlexConsumptionAsTheManagedIdentity()
    {
        var app = Bicep.Module(await Bicep.MainTemplateAsync(), "functionapp");

        var plan = Bicep.Resources(app, "Microsoft.Web/serverfarms").Single();
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.GetValue<string>());
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>(), "Linux");
        var site = Bicep.Resources(app, "Microsoft.Web/sites").Single();
        Assert.Equal("functionapp,linux", site["kind"]!.GetValue<string>());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("[parameters('identityId')]", properties["keyVaultReferenceIdentity"]!.GetValue<string>());
        var config = properties["functionAppConfig"]!;
        Assert.Equal("dotnet-isolated", config["runtime"]!["name"]!.GetValue<string>());
        Assert.Equal("10.0", config["runtime"]!["version"]!.GetValue<string>());
        Assert.Equal("blobContainer", config["deployment"]!["storage"]!["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
        Assert.NotNull(config["scaleAndConcurrency"]!["maximumInstanceCount"]);
    }

    [Fact]
    public async Task OnlyTheStaticWebsitesOriginMayCallTheApiFromABrowser()
    {
        var main = await Bicep.MainTemplateAsync();
        var app = Bicep.Module(main, "functionapp");

        var cors = Bicep.Resources(app, "Microsoft.Web/sites").Single()["properties"]!["siteConfig"]!["cors"]!;
        Assert.Equal(new[] { "[variables('publicSiteOrigin')]" }, cors["allowedOrigins"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.False(cors["supportCredentials"]!.GetValue<bool>());
        // The origin is the site URL's scheme and host: "https://st….z6.web.core.windows.net/" without its slash.
        Assert.Equal("[join(take(split(parameters('publicSiteUrl'), '/'), 3), '/')]", app["variables"]!["publicSiteOrigin"]!.GetValue<string>());
        Assert.Equal("[variables('publicSiteOrigin')]", app["variables"]!["appSettings"]!["Pishkhan__PublicSiteUrl"]!.GetValue<string>());
        var deployment = main["resources"]!.AsArray().Single(r => r!["type"]!.GetValue<string>() == "Microsoft.Resources/deployments" && r["name"]!.GetValue<string>() == "functionapp")!;
        Assert.Contains("webEndpoint", deployment["properties"]!["parameters"]!["publicSiteUrl"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheIdentityHoldsTheRolesTheAppUsesWithGuidsInNamedVariables()
    {
        var rbac = Bicep.Module(await Bicep.MainTemplateAsync(), "rbac");
        var variables = rbac["variables"]!.AsObject();

        foreach (var (name, guid) in AppRoles) Assert.Equal(guid, variables[name]?.GetValue<string>());
        var appAssignments = Bicep.Resources(rbac, "Microsoft.Authorization/roleAssignments")
            .Where(r => r["properties"]!["principalId"]!.GetValue<string>() == "[parameters('appPrincipalId')]")
            .ToList();
        Assert.All(appAssignments, a => Assert.Equal("ServicePrincipal", a["properties"]!["principalType"]!.GetValue<string>()));
        // The storage roles are assigned in a loop over appStorageRoles; the others one by one.
        var granted = string.Join("\n", appAssignments.Select(a => a["properties"]!["roleDefinitionId"]!.GetValue<string>())
            .Concat(variables["appStorageRoles"]!.AsArray().Select(r => r!.GetValue<string>())));
        foreach (var (name, _) in AppRoles) Assert.Contains($"variables('{name}')", granted);
    }

    [Fact]
    public async Task TelemetryGoesToWorkspaceBasedApplicationInsightsWithoutLocalAuth()
    {
        var monitoring = Bicep.Module(await Bicep.MainTemplateAsync(), "monitoring");

        var insights = Bicep.Resources(monitoring, "Microsoft.Insights/components").Single()["properties"]!;
        Assert.True(insights["DisableLocalAuth"]!.GetValue<bool>());
        Assert.NotNull(insights["WorkspaceResourceId"]);
        Assert.Single(Bicep.Resources(monitoring, "Microsoft.OperationalInsights/workspaces"));
    }
}
