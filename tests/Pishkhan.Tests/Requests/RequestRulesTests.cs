using System.Globalization;
using System.Text.Json;
using Pishkhan.Calendar;
using Pishkhan.Contracts;
using Pishkhan.Http;
using Pishkhan.Offices;
using Pishkhan.Problems;
using Pishkhan.Requests;

namespace Pishkhan.Tests.Requests;

public sealed class ContractRulesTests
{
    private static ContractEntity Contract(string from = "2026-01-01", string to = "2026-12-31", params string[] counties) => new()
    {
        PartitionKey = "post", RowKey = "k1", Province = "lorestan",
        ServicesJson = JsonSerializer.Serialize(new[] { new ContractService("parcel", "مرسوله", 16, 1000) }, Json.Options),
        CountyCodesJson = JsonSerializer.Serialize(counties.Length == 0 ? ["c1", "c2"] : counties, Json.Options),
        ValidFrom = from, ValidTo = to,
    };

    private static (ContractService? Service, Dictionary<string, string[]> Errors) Check(ContractEntity? contract, string agency = "post",
        string service = "parcel", string? county = "c1", string today = "2026-06-01")
    {
        var errors = new FieldErrors();
        var result = ContractRules.Check(errors, contract, agency, service, county, "countyCode", DateOnly.Parse(today, CultureInfo.InvariantCulture));
        return (result, errors.ToDictionary());
    }

    [Fact]
    public void AcceptsAContractedServiceInACoveredCountyWhileValid()
    {
        var (service, errors) = Check(Contract());
        Assert.Empty(errors);
        Assert.Equal(16, service!.SlaHours);
    }

    [Fact]
    public void RejectsAContractOfAnotherAgencyAsUnknown()
    {
        var (service, errors) = Check(Contract(), agency: "tax");
        Assert.Null(service);
        Assert.Contains("contractId", errors.Keys);
    }

    [Fact]
    public void RejectsAMissingContract() => Assert.Contains("contractId", Check(null).Errors.Keys);

    [Fact]
    public void RejectsAServiceTheContractDoesNotInclude() => Assert.Contains("serviceCode", Check(Contract(), service: "bill").Errors.Keys);

    [Fact]
    public void RejectsACountyTheContractDoesNotCover() => Assert.Contains("countyCode", Check(Contract(), county: "c9").Errors.Keys);

    [Theory]
    [InlineData("2026-01-01", true)]
    [InlineData("2026-12-31", true)]
    [InlineData("2025-12-31", false)]
    [InlineData("2027-01-01", false)]
    public void ValidityDatesAreInclusiveTehranDates(string today, bool valid) =>
        Assert.Equal(valid, !Check(Contract(), today: today).Errors.ContainsKey("contractId"));

    [Fact]
    public void NamesTheDefaultCountyOnlyForASingleCountyContract()
    {
        Assert.Equal("c7", ContractRules.DefaultCounty(Contract(counties: "c7")));
        Assert.Null(ContractRules.DefaultCounty(Contract()));
    }
}

public sealed class RoutingTests
{
    [Fact]
    public void PicksTheActiveOfficeWithTheLeastOpenWork() =>
        Assert.Equal("o2", Routing.Choose([new("o1", OfficeStatus.Active, 1, 5), new("o2", OfficeStatus.Active, 9, 2), new("o3", OfficeStatus.Active, null, 3)]));

    [Fact]
    public void BreaksTiesByTheBetterRankWithUnrankedOfficesLast() =>
        Assert.Equal("o3", Routing.Choose([new("o1", OfficeStatus.Active, null, 2), new("o2", OfficeStatus.Active, 7, 2), new("o3", OfficeStatus.Active, 4, 2)]));

    [Fact]
    public void BreaksRemainingTiesByOfficeCode() =>
        Assert.Equal("a-1", Routing.Choose([new("b-1", OfficeStatus.Active, null, 0), new("a-1", OfficeStatus.Active, null, 0)]));

    [Fact]
    public void NeverRoutesToASuspendedOrRevokedOffice() =>
        Assert.Equal("o3", Routing.Choose([new("o1", OfficeStatus.Suspended, 1, 0), new("o2", OfficeStatus.Revoked, 1, 0), new("o3", OfficeStatus.Active, null, 50)]));

    [Fact]
    public void FindsNoOfficeWhenNoneIsActive() => Assert.Null(Routing.Choose([new("o1", OfficeStatus.Suspended, 1, 0)]));
}

public sealed class TransitionsTests
{
    [Theory]
    [InlineData(RequestStatus.Submitted, RequestEventType.Accepted, true)]
    [InlineData(RequestStatus.Submitted, RequestEventType.Rejected, true)]
    [InlineData(RequestStatus.Submitted, RequestEventType.Completed, false)]
    [InlineData(RequestStatus.Accepted, RequestEventType.Completed, true)]
    [InlineData(RequestStatus.Accepted, RequestEventType.Rejected, true)]
    [InlineData(RequestStatus.Accepted, RequestEventType.Accepted, false)]
    [InlineData(RequestStatus.Completed, RequestEventType.Accepted, false)]
    [InlineData(RequestStatus.Completed, RequestEventType.Completed, false)]
    [InlineData(RequestStatus.Completed, RequestEventType.Rejected, false)]
    [InlineData(RequestStatus.Rejected, RequestEventType.Accepted, false)]
    [InlineData(RequestStatus.Rejected, RequestEventType.Completed, false)]
    [InlineData(RequestStatus.Rejected, RequestEventType.Rejected, false)]
    public void AllowsOnlyTheLifecycleEdges(string from, RequestEventType type, bool allowed) => Assert.Equal(allowed, Transitions.IsAllowed(from, type));
}

public sealed class SlaArithmeticTests
{
    // Saturday–Wednesday 08:00–16:00, Thursday 08:00–12:00 (Tehran, UTC+03:30), Friday off.
    private static readonly WorkingHours Hours = new(new TimeOnly(8, 0), 8, 4);

    private static DateTimeOffset Tehran(string local) => DateTimeOffset.Parse(local + "+03:30", CultureInfo.InvariantCulture);

    [Fact]
    public void DueAtSkipsAFridayAndAnAdminEnteredHoliday()
    {
        // Wed 2026-11-25 14:00: Wed 2 h + Thu 4 h, Fri off, Sat 2026-11-28 a holiday, Sun 8 h, Mon 2 h → Mon 10:00.
        var calendar = new WorkingCalendar([new DateOnly(2026, 11, 28)], Hours);
        Assert.Equal(Tehran("2026-11-30T10:00:00"), calendar.AddWorkingHours(Tehran("2026-11-25T14:00:00"), 16));
    }

    [Fact]
    public void DueAtSkipsAnOfficialHolidayAndAFriday()
    {
        // 22 Bahman 1405 (Thu 2027-02-11) is an official holiday: Wed 2 h, Thu off, Fri off, Sat 8 h, Sun 6 h → Sun 14:00.
        var calendar = new WorkingCalendar(OfficialHolidays.SolarFor(1405, 1406).Select(h => h.Date), Hours);
        Assert.True(calendar.IsHoliday(new DateOnly(2027, 2, 11)));
        Assert.Equal(Tehran("2027-02-14T14:00:00"), calendar.AddWorkingHours(Tehran("2027-02-10T14:00:00"), 16));
    }

    [Fact]
    public void AThursdayConfiguredOffCountsNoHours()
    {
        var calendar = new WorkingCalendar([], Hours with { ThursdayHours = 0 });
        Assert.Equal(Tehran("2026-11-28T10:00:00"), calendar.AddWorkingHours(Tehran("2026-11-25T14:00:00"), 4));
    }

    [Fact]
    public void StartingOutsideWorkingHoursStartsAtTheNextOpening() =>
        Assert.Equal(Tehran("2026-11-28T09:00:00"), new WorkingCalendar([], Hours).AddWorkingHours(Tehran("2026-11-27T20:00:00"), 1));

    [Theory]
    [InlineData("2026-11-25T14:00:00", "2026-11-30T10:00:00", 16)]
    [InlineData("2026-11-25T09:00:00", "2026-11-25T11:30:00", 2.5)]
    [InlineData("2026-11-27T09:00:00", "2026-11-27T18:00:00", 0)]
    public void TurnaroundCountsWorkingHoursOnly(string from, string to, double hours)
    {
        var calendar = new WorkingCalendar([new DateOnly(2026, 11, 28)], Hours);
        Assert.Equal(hours, WorkingTime.HoursBetween(calendar, Tehran(from), Tehran(to)), 6);
    }
}

public sealed class RequestIdsTests
{
    [Fact]
    public void AnIdNamesItsOfficeAndRow()
    {
        var suffix = RequestIds.NewSuffix(DateTimeOffset.UtcNow);
        Assert.True(RequestIds.TryParse(RequestIds.Id("lr-o2", suffix), out var key));
        Assert.Equal(("lr-o2", suffix), (key.OfficeCode, key.Suffix));
        Assert.Equal($"r_{suffix}", key.RowKey);
    }

    [Fact]
    public void AnIdGivesBackTheMillisecondAndClaimShardItWasMadeWith()
    {
        var now = new DateTimeOffset(2026, 12, 3, 19, 30, 15, 123, TimeSpan.Zero).AddTicks(4567);
        var suffix = RequestIds.NewSuffix(now, claimShard: 11);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 19, 30, 15, 123, TimeSpan.Zero), RequestIds.CreatedMillisecondOf(suffix));
        Assert.Equal(11, RequestIds.ClaimShardOf(suffix));
    }

    [Fact]
    public void NewerIdsSortFirst()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(string.CompareOrdinal(RequestIds.NewSuffix(now.AddSeconds(1)), RequestIds.NewSuffix(now)) < 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lr-o2")]
    [InlineData("lr-o2_0123456789abcdeZ")]
    [InlineData("LR-O2_0123456789abcdef")]
    [InlineData("lr-c1_lr-o2_0123456789abcdef")]
    [InlineData("lr-o2_0123456789abcdei")]
    [InlineData("a' or PartitionKey ne '_0123456789abcdef")]
    public void RejectsMalformedIds(string id) => Assert.False(RequestIds.TryParse(id, out _));
}
