using Pishkhan.Local;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Pishkhan.Bindings;
using Pishkhan.Http;
using Pishkhan.OpenApi;
using Pishkhan.Tests.Infrastructure;
using Spec = Pishkhan.OpenApi.OpenApiDocument;

namespace Pishkhan.Tests.OpenApi;

// The served document is checked against the binding table (the routes both hosts serve), read back by an
// independent OpenAPI 3.1 parser, and its examples are fed to the records the API really deserialises.
public sealed class OpenApiTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private static readonly Lazy<JsonObject> Built = new(() => Spec.Build(LocalHost.Catalog.Http, Spec.Docs));

    public static TheoryData<string> Functions() => Rows(LocalHost.Catalog.Http.Select(b => b.Function));

    public static TheoryData<string> WriteFunctions() =>
        Rows(LocalHost.Catalog.Http.Where(b => b.Method is "POST" or "PUT").Select(b => b.Function));

    public static TheoryData<string> JsonBodyFunctions() =>
        Rows(Spec.Docs.Where(r => r.Value.Body is not null && r.Value.BodyMediaType == "application/json").Select(r => r.Key));

    public static TheoryData<string> ResponseExampleFunctions() =>
        Rows(Spec.Docs.Where(r => r.Value.ResponseExample is not null).Select(r => r.Key));

    private static TheoryData<string> Rows(IEnumerable<string> functions)
    {
        var rows = new TheoryData<string>();
        foreach (var f in functions.Order(StringComparer.Ordinal)) rows.Add(f);
        return rows;
    }

    [Fact]
    public async Task IsServedPubliclyAsOpenApi310()
    {
        var response = await fixture.Host.SendAsync(HttpMethod.Get, "/api/openapi.json", key: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!;
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        Assert.Contains("خرم‌آباد", text); // Persian examples are served as text, not \u escapes
    }

    [Fact]
    public async Task AnIndependentOpenApiReaderParsesAndValidatesItAs31()
    {
        var text = await (await fixture.Host.SendAsync(HttpMethod.Get, "/api/openapi.json", key: null)).Content.ReadAsStringAsync();

        var result = Microsoft.OpenApi.OpenApiDocument.Parse(text, "json");

        Assert.True(result.Diagnostic!.Errors.Count == 0, string.Join("\n", result.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var parsed = result.Document!;
        var validation = parsed.Validate(ValidationRuleSet.GetDefaultRuleSet())!.ToList();
        Assert.True(validation.Count == 0, string.Join("\n", validation.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(LocalHost.Catalog.Http.Count, parsed.Paths!.Values.Sum(p => p.Operations!.Count));
    }

    [Fact]
    public void DocumentsExactlyTheRoutesOfTheBindingTable()
    {
        var expected = LocalHost.Catalog.Http.Select(b => $"{b.Method} /api/{b.Route}").Order().ToList();
        var documented = Built.Value["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(o => Methods.Contains(o.Key)).Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"))
            .Order().ToList();

        Assert.Equal(expected, documented);
    }

    [Fact]
    public void TheRegistryHasAnEntryForEveryHttpFunctionAndNoOther()
    {
        var functions = LocalHost.Catalog.Http.Select(b => b.Function).ToHashSet();
        var missing = functions.Where(f => !Spec.Docs.ContainsKey(f)).ToList();
        var invented = Spec.Docs.Keys.Where(f => !functions.Contains(f)).ToList();

        Assert.True(missing.Count == 0, $"Add an entry to OpenApi/ApiDocs.cs for: {string.Join(", ", missing)}");
        Assert.True(invented.Count == 0, $"ApiDocs.cs documents functions the binding table lacks: {string.Join(", ", invented)}");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void EachRouteHasASummaryRolesAndSecurityFromItsAccessRule(string function)
    {
        var binding = LocalHost.Catalog.Http.Single(b => b.Function == function);
        var operation = OperationOf(binding);

        Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{function} has no summary");
        Assert.Equal(function, operation["operationId"]!.GetValue<string>());
        var roles = operation["x-pishkhan-roles"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal(binding.Access.Roles.Order().Select(r => JsonNamingPolicy.CamelCase.ConvertName(r.ToString())), roles);
        var security = operation["security"]!.AsArray();
        if (binding.Access.IsPublic)
        {
            Assert.Empty(security);
            Assert.Contains("Public", operation["description"]!.GetValue<string>());
            Assert.Null(operation["responses"]!["401"]);
        }
        else
        {
            Assert.NotNull(security.Single()![Spec.ApiKeyScheme]);
            Assert.Contains("Roles: " + string.Join(", ", roles), operation["description"]!.GetValue<string>());
            Assert.NotNull(operation["responses"]!["401"]);
            Assert.NotNull(operation["responses"]!["403"]);
        }
        Assert.Contains(operation["responses"]!.AsObject(), r => r.Key.StartsWith('2'));
    }

    [Theory]
    [MemberData(nameof(WriteFunctions))]
    public void PostAndPutRoutesDescribeTheirBodyWithASchemaAndAnExample(string function)
    {
        var binding = LocalHost.Catalog.Http.Single(b => b.Function == function);
        var operation = OperationOf(binding);

        if (Spec.Docs[function].NoBody)
        {
            Assert.Null(Spec.Docs[function].Body);
            Assert.Null(operation["requestBody"]);
            return;
        }
        var content = operation["requestBody"]?["content"]?.AsObject();
        Assert.True(content is { Count: 1 }, $"{function}: a {binding.Method} route needs a request body (RouteDoc.Body) or NoBody = true");
        var media = content!.Single().Value!;
        Assert.NotNull(media["schema"]);
        Assert.True(media["example"] is not null, $"{function}: give RouteDoc.BodyExample");
        Assert.NotNull(operation["responses"]!["415"]);
    }

    [Theory]
    [MemberData(nameof(JsonBodyFunctions))]
    public void RequestExamplesAreReadStrictlyIntoTheirRecords(string function)
    {
        var doc = Spec.Docs[function];
        Assert.NotNull(doc.BodyExample);
        Assert.NotNull(doc.Body);

        // The very options ApiRequest.ReadJsonAsync uses: unknown or missing fields would be a 400.
        var value = JsonSerializer.Deserialize(doc.BodyExample, doc.Body, Json.Options);

        Assert.NotNull(value);
    }

    [Theory]
    [MemberData(nameof(ResponseExampleFunctions))]
    public void ResponseExamplesNameOnlyMembersOfTheirRecords(string function)
    {
        var doc = Spec.Docs[function];
        Assert.NotNull(doc.ResponseExample);
        var type = doc.Responses.OrderBy(r => r.Key).First().Value!;
        // Responses omit nulls, so members may be missing; unknown members may not.
        var options = new JsonSerializerOptions(Json.Options) { RespectRequiredConstructorParameters = false, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

        Assert.NotNull(JsonSerializer.Deserialize(doc.ResponseExample, type, options));
    }

    [Fact]
    public void EveryReferenceResolvesInsideTheDocument()
    {
        var document = Built.Value;
        var references = new List<string>();
        Collect(document, references);

        Assert.NotEmpty(references);
        foreach (var reference in references.Distinct())
        {
            Assert.StartsWith("#/components/schemas/", reference);
            JsonNode? node = document;
            foreach (var segment in reference[2..].Split('/'))
                node = node is JsonObject o ? o[segment.Replace("~1", "/").Replace("~0", "~")] : null;
            Assert.True(node is not null, $"Unresolved $ref {reference}");
        }
    }

    [Fact]
    public void SchemasFollowTheApisJsonConventions()
    {
        var schemas = Built.Value["components"]!["schemas"]!;
        var putOffice = schemas["PutOffice"]!;
        var issueKey = schemas["IssueKey"]!;

        // camelCase members, required only when non-nullable without a default, enums as strings
        Assert.NotNull(putOffice["properties"]!["openingHours"]);
        Assert.Equal(["countyCode", "name", "openingHours"], putOffice["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
        Assert.Contains("inspector", issueKey["properties"]!["role"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.DoesNotContain("label", issueKey["required"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static JsonObject OperationOf(HttpBinding binding) =>
        Built.Value["paths"]!["/api/" + binding.Route]![binding.Method.ToLowerInvariant()]!.AsObject();

    private static void Collect(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (key == "$ref") references.Add(child!.GetValue<string>());
                    else Collect(child, references);
                }
                break;
            case JsonArray a:
                foreach (var child in a) Collect(child, references);
                break;
        }
    }
}
