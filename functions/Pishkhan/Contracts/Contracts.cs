using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Pishkhan.Agencies;
using Pishkhan.Auth;
using Pishkhan.Counties;
using Pishkhan.Http;
using Pishkhan.Problems;
using Pishkhan.Storage;

namespace Pishkhan.Contracts;

/// <summary>
/// Contracts table: PK = agencyId, RK = contractId. Services and counties are small JSON columns: a
/// contract is always read whole (intake checks service, county and validity in one point read).
/// </summary>
public sealed class ContractEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    [IgnoreDataMember] public string AgencyId => PartitionKey;
    [IgnoreDataMember] public string ContractId => RowKey;
    public string Province { get; set; } = "";
    public string ServicesJson { get; set; } = "[]";
    public string CountyCodesJson { get; set; } = "[]";
    public string ValidFrom { get; set; } = "";
    public string ValidTo { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    [IgnoreDataMember] public IReadOnlyList<ContractService> Services => JsonSerializer.Deserialize<List<ContractService>>(ServicesJson, Json.Stored)!;
    [IgnoreDataMember] public IReadOnlyList<string> CountyCodes => JsonSerializer.Deserialize<List<string>>(CountyCodesJson, Json.Stored)!;
    [IgnoreDataMember] public DateOnly From => DateOnly.ParseExact(ValidFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    [IgnoreDataMember] public DateOnly To => DateOnly.ParseExact(ValidTo, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed record ContractService(string ServiceCode, string Name, int SlaHours, long Fee);

/// <summary>validFrom/validTo are Gregorian ISO dates (yyyy-MM-dd), inclusive, in Tehran time.</summary>
public sealed record PutContract(string AgencyId, IReadOnlyList<ContractService> Services, IReadOnlyList<string> CountyCodes, DateOnly ValidFrom, DateOnly ValidTo);

public sealed record ContractView(string ContractId, string AgencyId, string Province, IReadOnlyList<ContractService> Services,
    IReadOnlyList<string> CountyCodes, string ValidFrom, string ValidTo)
{
    public static ContractView From(ContractEntity e) => new(e.ContractId, e.AgencyId, e.Province, e.Services, e.CountyCodes, e.ValidFrom, e.ValidTo);
}

public sealed class ContractStore(Store store, CodeDirectory directory)
{
    public TableClient Table { get; } = store.Table(Tables.Contracts);

    public async Task<ContractEntity?> FindAsync(string contractId, CancellationToken cancellationToken)
    {
        var entry = await directory.FindAsync(DirectoryKinds.Contract, contractId, cancellationToken);
        return entry?.Owner is null ? null : await Table.GetOrNullAsync<ContractEntity>(entry.Owner, contractId, cancellationToken);
    }
}

public sealed class ContractsApi(AgencyStore agencyStore, CountyStore countyStore, CodeDirectory codeDirectory, TimeProvider clock, ContractStore contractStore)
{
    public const int MaxServices = 200;
    public const int MaxCounties = 100;

    public async Task<IResult> Put(ApiRequest request)
    {
        var id = request.Code("contractId");
        var body = await request.ReadJsonAsync<PutContract>();
        var ct = request.CancellationToken;
        var errors = new FieldErrors();
        var agencyId = errors.Code("agencyId", body.AgencyId);
        var agency = agencyId is null ? null : await agencyStore.FindAsync(agencyId, ct);
        if (agencyId is not null && agency is null) errors.Add("agencyId", "No such agency.");
        if (agency is not null) request.Demand(new ResourceScope(agency.Province));

        if (body.Services.Count is 0 or > MaxServices) errors.Add("services", $"Between 1 and {MaxServices} services.");
        var services = new List<ContractService>();
        for (var i = 0; i < Math.Min(body.Services.Count, MaxServices); i++)
        {
            var s = body.Services[i];
            var code = errors.Code($"services[{i}].serviceCode", s.ServiceCode);
            var name = errors.Name($"services[{i}].name", s.Name);
            if (s.SlaHours is < 1 or > 720) errors.Add($"services[{i}].slaHours", "From 1 to 720 working hours.");
            if (s.Fee is < 0 or > 1_000_000_000_000) errors.Add($"services[{i}].fee", "A fee in rials from 0 to 10^12.");
            if (code is not null && services.Any(x => x.ServiceCode == code)) errors.Add($"services[{i}].serviceCode", "Listed twice.");
            if (code is not null && name is not null) services.Add(new ContractService(code, name, s.SlaHours, s.Fee));
        }

        if (body.CountyCodes.Count is 0 or > MaxCounties) errors.Add("countyCodes", $"Between 1 and {MaxCounties} counties.");
        var countyCodes = new List<string>();
        var counties = countyStore;
        for (var i = 0; i < Math.Min(body.CountyCodes.Count, MaxCounties); i++)
        {
            var code = errors.Code($"countyCodes[{i}]", body.CountyCodes[i]);
            if (code is null) continue;
            var county = await counties.FindAsync(code, ct);
            if (county is null || county.Province != agency?.Province) errors.Add($"countyCodes[{i}]", "No such county in the agency's province.");
            else if (!countyCodes.Contains(code)) countyCodes.Add(code);
        }
        // Gregorian dates: a Jalali year typed by mistake (1405-01-01) is refused rather than read as AD 1405.
        if (body.ValidFrom.Year is < 2000 or > 2100) errors.Add("validFrom", "A Gregorian date (yyyy-MM-dd) between 2000 and 2100.");
        if (body.ValidTo.Year is < 2000 or > 2100) errors.Add("validTo", "A Gregorian date (yyyy-MM-dd) between 2000 and 2100.");
        if (body.ValidTo < body.ValidFrom) errors.Add("validTo", "Must not be before validFrom.");
        errors.ThrowIfAny();

        await codeDirectory.ClaimAsync(DirectoryKinds.Contract, id, agency!.Province, null, agency.AgencyId, ct);
        var entity = new ContractEntity
        {
            PartitionKey = agency.AgencyId, RowKey = id, Province = agency.Province,
            ServicesJson = JsonSerializer.Serialize(services, Json.Stored), CountyCodesJson = JsonSerializer.Serialize(countyCodes, Json.Stored),
            ValidFrom = body.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ValidTo = body.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            UpdatedAt = clock.GetUtcNow(),
        };
        await contractStore.Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
        return TypedResults.Ok(ContractView.From(entity));
    }

    public async Task<IResult> Get(ApiRequest request)
    {
        var contract = await contractStore.FindAsync(request.Code("contractId"), request.CancellationToken);
        return contract is not null && request.CanSee(new ResourceScope(contract.Province, Agency: contract.AgencyId))
            ? TypedResults.Ok(ContractView.From(contract))
            : throw Problem.NotFound("contract");
    }
}
